import doctest

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import opora.analytics.partners as partners
from opora.analytics.partners import match_partners, result_strengths

MATH = "ВПР математика 6 кл."
RUSSIAN = "ВПР русский язык 6 кл."


def _schools(rows):
    columns = ("code", "results_index", "low_results", "objectivity_risk", "resilient", "cluster", "municipality")
    return pl.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])


def _strengths(rows):
    return pl.DataFrame(rows, schema={"code": pl.String, "area": pl.String, "z": pl.Float64}, orient="row")


def test_the_doctests_pass():
    assert doctest.testmod(partners).failed == 0


def test_the_known_best_partner_is_strong_where_the_shnor_is_weak():
    schools = _schools(
        [
            ("t", -1.0, True, False, False, 1, "A"),
            ("math", 0.4, False, False, True, 1, "A"),  # strong in the weak subject, same cluster, resilient
            ("russian", 1.5, False, False, True, 1, "A"),  # higher index, but strong only elsewhere
            ("other", 0.6, False, False, False, 2, "B"),
        ]
    )
    strengths = _strengths(
        [
            ("t", MATH, -1.2),
            ("t", RUSSIAN, 0.1),
            ("math", MATH, 1.1),
            ("math", RUSSIAN, 0.0),
            ("russian", MATH, -0.1),
            ("russian", RUSSIAN, 1.8),
            ("other", MATH, 0.9),
        ]
    )
    result = match_partners(schools, strengths, targets=["t"])
    assert result.assignment == {"t": "math"}
    best = result.candidates["t"][0]
    assert (best.code, best.rank, best.same_cluster, best.resilient) == ("math", 1, True, True)
    assert [area for area, _ in best.strong_areas] == [MATH]
    assert best.strong_areas[0][1] == pytest_approx(2.3)
    assert result.weak_areas["t"] == (MATH,)


def pytest_approx(value):
    import pytest

    return pytest.approx(value)


def test_never_a_shnor_nor_a_lower_index_nor_an_unknown_index():
    schools = _schools(
        [
            ("t", 0.0, True, False, False, 1, "A"),
            ("shnor", 2.0, True, False, False, 1, "A"),
            ("lower", -0.5, False, False, False, 1, "A"),
            ("blank", None, False, False, False, 1, "A"),
        ]
    )
    strengths = _strengths([("t", MATH, -1.0), ("shnor", MATH, 2.0), ("lower", MATH, 2.0), ("blank", MATH, 2.0)])
    result = match_partners(schools, strengths, targets=["t"])
    assert result.candidates["t"] == ()
    assert result.assignment == {"t": None}


def test_a_flagged_or_unknown_school_is_listed_with_its_note_after_a_clean_one():
    schools = _schools(
        [
            ("t", -1.0, True, False, False, 1, "A"),
            ("risky", 1.0, False, True, False, 1, "A"),
            ("unknown", 1.0, None, False, False, 1, "A"),
            ("clean", 1.0, False, False, False, 1, "A"),
        ]
    )
    strengths = _strengths([("t", MATH, -1.0), ("risky", MATH, 1.0), ("unknown", MATH, 1.0), ("clean", MATH, 1.0)])
    listed = match_partners(schools, strengths, targets=["t"]).candidates["t"]
    assert [(c.code, c.notes) for c in listed] == [
        ("clean", ()),
        ("risky", ("objectivity_risk",)),
        ("unknown", ("unknown",)),
    ]


def test_capacity_and_current_load_are_respected():
    rows = [(f"t{i}", -1.0, True, False, False, 1, "A") for i in range(5)]
    rows += [("p1", 1.0, False, False, False, 1, "A"), ("p2", 0.5, False, False, False, 1, "A")]
    schools = _schools(rows).with_columns(load=pl.Series([0] * 5 + [1, 0]))
    strengths = _strengths([(f"t{i}", MATH, -1.0) for i in range(5)] + [("p1", MATH, 2.0), ("p2", MATH, 1.0)])
    assignment = match_partners(schools, strengths, targets=[f"t{i}" for i in range(5)], capacity=2).assignment
    taken = [code for code in assignment.values() if code]
    assert taken.count("p1") == 1 and taken.count("p2") == 2
    assert list(assignment.values()).count(None) == 2


def test_the_assignment_minimises_the_total_cost_not_greedily():
    # a is nearly indifferent, b needs p1: greedy a→p1 would leave b with a much worse p2
    schools = _schools(
        [
            ("a", -1.0, True, False, False, 1, "A"),
            ("b", -1.0, True, False, False, 2, "A"),
            ("p1", 1.0, False, False, False, 2, "A"),
            ("p2", 1.0, False, False, False, 1, "A"),
        ]
    )
    strengths = _strengths([("a", MATH, -1.0), ("b", MATH, -1.0), ("p1", MATH, 2.0), ("p2", MATH, 1.9)])
    result = match_partners(schools, strengths, targets=["a", "b"], capacity=1)
    assert result.assignment == {"a": "p2", "b": "p1"}


def _region(draw_seed: int, n: int = 40, n_targets: int = 8):
    rng = np.random.default_rng(draw_seed)
    codes = [f"s{i:03d}" for i in range(n)]
    index = rng.normal(size=n).round(2)
    targets = [codes[i] for i in np.argsort(index)[:n_targets]]
    schools = pl.DataFrame(
        {
            "code": codes,
            "results_index": index,
            "low_results": [code in targets for code in codes],
            "objectivity_risk": rng.random(n) < 0.1,
            "resilient": rng.random(n) < 0.2,
            "cluster": rng.integers(0, 3, n),
            "municipality": rng.choice(["A", "B", "C"], n),
            "latitude": 55 + rng.random(n),
            "longitude": 37 + rng.random(n),
            "load": rng.integers(0, 3, n),
        }
    )
    areas = [MATH, RUSSIAN, "ВПР математика 5 кл."]
    strengths = pl.DataFrame(
        {
            "code": [c for c in codes for _ in areas],
            "area": areas * n,
            "z": rng.normal(size=n * len(areas)).round(2),
        }
    )
    return schools, strengths, targets


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), capacity=st.integers(1, 3))
def test_properties_of_any_region(seed, capacity):
    schools, strengths, targets = _region(seed)
    result = match_partners(schools, strengths, targets=targets, capacity=capacity)
    index = dict(zip(schools["code"], schools["results_index"], strict=True))
    load = dict(zip(schools["code"], schools["load"], strict=True))
    taken: dict[str, int] = {}
    for target, partner in result.assignment.items():
        if partner is None:
            continue
        assert partner not in targets
        assert result.assigned[target].code == partner
        assert index[partner] > index[target]
        listed = [c.code for c in result.candidates[target]]
        assert partner in listed or (len(listed) == 10 and result.assigned[target].rank > 10)
        taken[partner] = taken.get(partner, 0) + 1
    assert all(count + load[code] <= capacity for code, count in taken.items())
    for listed in result.candidates.values():
        assert [c.rank for c in listed] == list(range(1, len(listed) + 1))
        assert [c.cost for c in listed] == sorted(c.cost for c in listed)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.integers(0, 10_000))
def test_deterministic_under_row_shuffles(seed, shuffle):
    schools, strengths, targets = _region(seed)
    first = match_partners(schools, strengths, targets=targets)
    again = match_partners(
        schools.sample(fraction=1.0, shuffle=True, seed=shuffle),
        strengths.sample(fraction=1.0, shuffle=True, seed=shuffle),
        targets=list(reversed(targets)),
    )
    assert first == again


def test_result_strengths_standardise_within_each_test():
    rows = pl.DataFrame(
        {
            "code": ["a", "b", "a", "b"],
            "year": [2024] * 4,
            "procedure": ["ВПР"] * 4,
            "grade": [6] * 4,
            "subject": ["математика", "математика", "русский язык", "русский язык"],
            "participants": [10, 30, 20, 20],
            "marks_2": [10, 0, 0, 0],
            "marks_3": [0, 0, 20, 0],
            "marks_4": [0, 30, 0, 20],
            "marks_5": [0, 0, 0, 0],
        }
    )
    frame = result_strengths(rows)
    assert frame["area"].to_list() == [MATH, RUSSIAN, MATH, RUSSIAN]
    z = dict(zip(zip(frame["code"], frame["area"], strict=True), frame["z"], strict=True))
    assert z[("a", MATH)] < 0 < z[("b", MATH)]
    assert z[("a", RUSSIAN)] == -1.0 and z[("b", RUSSIAN)] == 1.0
    # weighted by participants: (10·z_a + 30·z_b) = 0
    assert 10 * z[("a", MATH)] + 30 * z[("b", MATH)] == pytest_approx(0.0)
