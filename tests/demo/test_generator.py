"""The demo region generator: determinism, sizes, invariants of the forms, the hidden model, export.

Pure Python: no database is needed.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from opora.analytics import DEFAULT_EGE_THRESHOLDS as EGE_THRESHOLDS
from opora.demo.generator import SCENARIOS, DemoRegion, export_region, generate_region, write_truth

FRAMES = ("schools", "context", "results", "student_results", "outcomes", "teachers", "truth")
YEARS = ["2023/2024", "2024/2025", "2025/2026"]
RESULT_KEY = ["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет"]
MARKS = ["2", "3", "4", "5"]
RELATIONS = ["Понизили", "Подтвердили", "Повысили"]
BELOW = "Не преодолели минимальный порог"
STUDENT_PARTS = [
    "С ОВЗ",
    "Из малообеспеченных семей",
    "Из неполных семей",
    "Неродной русский язык",
    "На профилактическом учёте",
]
STAFF_PARTS = [
    "Педагогов старше 60 лет",
    "Педагогов без педагогического образования",
    "Педагогов с внутренним совмещением",
]
HEADERS = {
    "01_schools.xlsx": [
        "Код ОО",
        "Наименование",
        "Краткое наименование",
        "Муниципалитет",
        "Тип ОО",
        "Местность",
        "Адрес",
        "Широта",
        "Долгота",
        "Директор",
        "Телефон",
        "E-mail",
    ],
    "02_context.xlsx": [
        "Код ОО",
        "Учебный год",
        "Обучающихся",
        *STUDENT_PARTS,
        "Родители с высшим образованием, %",
        "Педагогических работников",
        "Вакансий",
        *STAFF_PARTS,
        "Компьютеров для учебных целей",
        "Скорость интернета, Мбит/с",
        "Расстояние до райцентра, км",
    ],
    "03_results.xlsx": [*RESULT_KEY, "Участников", *MARKS, "Средний балл", BELOW, *RELATIONS],
    "05_outcomes.xlsx": [
        "Код ОО",
        "Учебный год",
        "Обучающихся на конец года",
        "Неуспевающих",
        "Оставлены на повторное обучение",
        "Выпускников 9 классов",
        "Не получили аттестат (9)",
        "Выпускников 11 классов",
        "Не получили аттестат (11)",
    ],
    "08_teachers.xlsx": [
        "Код ОО",
        "Код педагога",
        "ФИО",
        "Предметы",
        "Стаж, лет",
        "Квалификационная категория",
        "Возраст",
        "Дефициты",
        "Дата диагностики",
        "Повышение квалификации",
    ],
}
STUDENT_HEADERS = [
    *RESULT_KEY,
    "Код участника",
    "Первичный балл",
    "Тестовый балл",
    "Отметка",
    "Отметка по журналу",
]


@pytest.fixture(scope="module")
def region() -> DemoRegion:
    return generate_region()


@pytest.fixture(scope="module")
def aggregated_region() -> DemoRegion:
    return generate_region(with_students=False)


def aggregate(students: pl.DataFrame) -> pl.DataFrame:
    """Form 3 from form 4, written independently of the generator."""
    is_ege = pl.col("Процедура") == "ЕГЭ"
    is_vpr = pl.col("Процедура") == "ВПР"
    score = pl.when(is_ege).then(pl.col("Тестовый балл")).otherwise(pl.col("Первичный балл"))
    threshold = pl.col("Предмет").replace_strict(EGE_THRESHOLDS, default=None, return_dtype=pl.Int64)
    mark, journal = pl.col("Отметка"), pl.col("Отметка по журналу")
    counts = students.group_by(RESULT_KEY).agg(
        pl.len().cast(pl.Int64).alias("Участников"),
        *[
            pl.when(is_ege.first()).then(None).otherwise((mark == int(m)).sum()).cast(pl.Int64).alias(m)
            for m in MARKS
        ],
        (score.sum() / pl.len()).round(2, mode="half_away_from_zero").alias("Средний балл"),
        pl.when(is_ege.first()).then((pl.col("Тестовый балл") < threshold).sum()).cast(pl.Int64).alias(BELOW),
        *[
            pl.when(is_vpr.first()).then(comparison.sum()).cast(pl.Int64).alias(name)
            for name, comparison in zip(
                RELATIONS, (mark < journal, mark == journal, mark > journal), strict=True
            )
        ],
    )
    return counts.sort(RESULT_KEY)


def check_invariants(region: DemoRegion, n_schools: int, n_years: int, last_year: int) -> None:
    """What every generated region must satisfy, whatever the seed and size."""
    schools, context, results, outcomes = region.schools, region.context, region.results, region.outcomes
    codes = schools["Код ОО"]
    assert schools.height == n_schools
    assert codes.n_unique() == n_schools
    assert codes.str.contains(r"^\d{6}$").all()
    years = [f"{y - 1}/{y}" for y in range(last_year - n_years + 1, last_year + 1)]
    assert sorted(context["Учебный год"].unique().to_list()) == years
    assert context.height == n_schools * n_years
    assert context.select(RESULT_KEY[:2]).is_unique().all()
    for frame in (context, results, outcomes, region.teachers):
        assert frame["Код ОО"].is_in(codes.implode()).all()
    assert region.truth["code"].to_list() == codes.to_list()

    assert context["Обучающихся"].null_count() == 0
    assert (context["Обучающихся"] >= 1).all()
    for part in STUDENT_PARTS:
        assert context.filter(pl.col(part) > pl.col("Обучающихся")).is_empty(), part
    for part in STAFF_PARTS:
        assert context.filter(pl.col(part) > pl.col("Педагогических работников")).is_empty(), part
    counts = [c for c, t in context.schema.items() if t == pl.Int64]
    assert context.select((pl.col(counts) >= 0).all()).row(0) == (True,) * len(counts)

    assert results.select(RESULT_KEY).is_unique().all()
    assert (results["Участников"] >= 1).all()
    marked = results.filter(pl.col("Процедура") != "ЕГЭ")
    assert (marked.select(pl.sum_horizontal(MARKS)).to_series() == marked["Участников"]).all()
    ege = results.filter(pl.col("Процедура") == "ЕГЭ")
    assert ege.select(pl.col(MARKS).null_count().sum()).row(0) == (ege.height,) * 4
    assert (ege[BELOW] <= ege["Участников"]).all() and ege[BELOW].null_count() == 0
    assert results.filter(pl.col("Процедура") != "ЕГЭ")[BELOW].null_count() == results.height - ege.height
    assert ege["Средний балл"].is_between(0, 100).all()
    vpr = results.filter(pl.col("Процедура") == "ВПР")
    assert (vpr.select(pl.sum_horizontal(RELATIONS)).to_series() == vpr["Участников"]).all()
    other = results.filter(pl.col("Процедура") != "ВПР")
    assert other.select(pl.col(RELATIONS).null_count().sum()).row(0) == (other.height,) * 3
    grades = results.group_by("Процедура").agg(
        pl.col("Класс").min().alias("low"), pl.col("Класс").max().alias("high")
    )
    allowed = {"ВПР": (4, 8), "ОГЭ": (9, 9), "ЕГЭ": (11, 11), "Годовые отметки": (4, 11)}
    for procedure, low, high in grades.iter_rows():
        assert allowed[procedure][0] <= low and high <= allowed[procedure][1]
    annual = results.filter(pl.col("Процедура") == "Годовые отметки")
    mean_mark = annual.select(pl.sum_horizontal([pl.col(m) * int(m) for m in MARKS]) / pl.col("Участников"))
    assert ((mean_mark.to_series().round(2) - annual["Средний балл"]).abs() < 1e-9).all()

    assert outcomes.height == n_schools * n_years
    assert outcomes.filter(pl.col("Неуспевающих") > pl.col("Обучающихся на конец года")).is_empty()
    assert outcomes.filter(pl.col("Оставлены на повторное обучение") > pl.col("Неуспевающих")).is_empty()
    assert outcomes.filter(pl.col("Не получили аттестат (9)") > pl.col("Выпускников 9 классов")).is_empty()
    assert outcomes.filter(pl.col("Не получили аттестат (11)") > pl.col("Выпускников 11 классов")).is_empty()

    staff = context.filter(pl.col("Учебный год") == years[-1]).select("Код ОО", "Педагогических работников")
    teachers = region.teachers.group_by("Код ОО").len().join(staff, on="Код ОО", how="right")
    known = teachers.drop_nulls("Педагогических работников")
    assert (known["len"] == known["Педагогических работников"]).all()
    assert region.teachers.select("Код ОО", "Код педагога").is_unique().all()

    if region.student_results is not None:
        students = region.student_results
        assert students.select([*RESULT_KEY[:3], "Предмет", "Код участника"]).is_unique().all()
        expected = aggregate(students)
        tests = results.filter(pl.col("Процедура") != "Годовые отметки").sort(RESULT_KEY)
        assert tests.equals(expected.select(tests.columns))


def test_same_arguments_give_identical_frames():
    first, second = generate_region(seed=7, n_schools=30), generate_region(seed=7, n_schools=30)
    for name in FRAMES:
        assert getattr(first, name).equals(getattr(second, name)), name


def test_another_seed_gives_another_region():
    first, second = generate_region(seed=7, n_schools=30), generate_region(seed=8, n_schools=30)
    assert not first.schools.equals(second.schools)
    assert not first.results.equals(second.results)
    assert not first.truth.equals(second.truth)


def test_students_or_not_the_other_forms_are_the_same(region, aggregated_region):
    for name in ("schools", "context", "outcomes", "teachers", "truth"):
        assert getattr(region, name).equals(getattr(aggregated_region, name)), name
    assert aggregated_region.student_results is None
    annual = pl.col("Процедура") == "Годовые отметки"
    assert region.results.filter(annual).equals(aggregated_region.results.filter(annual))


def test_default_region_invariants(region):
    check_invariants(region, n_schools=150, n_years=3, last_year=2026)


def test_aggregated_region_invariants(aggregated_region):
    check_invariants(aggregated_region, n_schools=150, n_years=3, last_year=2026)


def test_default_region_has_many_small_rural_schools(region):
    assert region.region_name == "Демонстрационная область"
    last = region.context.filter(pl.col("Учебный год") == "2025/2026").join(region.schools, on="Код ОО")
    small = last.filter(pl.col("Обучающихся") < 100)
    assert 0.30 <= small.height / 150 <= 0.55
    assert (small["Местность"] == "село").mean() >= 0.9
    big_kinds = pl.col("Тип ОО").is_in(["СОШ", "лицей", "гимназия"])
    city = last.filter((pl.col("Местность") == "город") & big_kinds)
    assert city["Обучающихся"].is_between(300, 1700).all()
    tiny = last.filter((pl.col("Тип ОО") == "ООШ") & (pl.col("Обучающихся") <= 40))
    assert tiny.height >= 5


def test_columns_are_those_the_importer_reads(region):
    formats = pytest.importorskip("opora.intake.formats")
    for form, frame in (
        (formats.SCHOOLS, region.schools),
        (formats.CONTEXT, region.context),
        (formats.RESULTS, region.results),
        (formats.OUTCOMES, region.outcomes),
    ):
        # A column with a default (form 5's «Период»: the year) may be left out.
        expected = [c.header for c in form.columns if c.default is None or c.header in frame.columns]
        assert frame.columns == expected, form.key


def test_registry_codes_and_municipalities(region):
    schools = region.schools
    assert sorted(schools["Муниципалитет"].unique().to_list()) == sorted(
        [
            "Заречный городской округ",
            "Северный муниципальный район",
            "Озёрный муниципальный район",
            "Лесной муниципальный округ",
        ]
    )
    prefixes = schools.group_by("Муниципалитет").agg(pl.col("Код ОО").str.slice(0, 2).unique())
    assert sorted(p[0] for p in prefixes["Код ОО"].to_list()) == ["01", "02", "03", "04"]
    assert set(schools["Тип ОО"]) <= {
        "СОШ",
        "ООШ",
        "НОШ",
        "лицей",
        "гимназия",
        "вечерняя (сменная)",
        "коррекционная",
        "другое",
    }
    assert set(schools["Местность"]) == {"город", "село"}
    assert schools["Широта"].is_between(54.0, 58.0).all() and schools["Долгота"].is_between(80.0, 88.0).all()
    assert schools["Наименование"].str.contains("общеобразовательн|Лицей|Гимназия|Центр образования").all()


def test_forms_carry_three_years(region):
    for frame in (region.context, region.results, region.outcomes, region.student_results):
        assert sorted(frame["Учебный год"].unique().to_list()) == YEARS


def test_schools_write_only_the_grades_they_teach(region):
    kinds = region.results.join(region.schools.select("Код ОО", "Тип ОО"), on="Код ОО")
    assert kinds.filter((pl.col("Тип ОО") == "НОШ") & (pl.col("Класс") > 4)).is_empty()
    assert kinds.filter((pl.col("Тип ОО") == "ООШ") & (pl.col("Класс") > 9)).is_empty()
    vpr = region.results.filter(pl.col("Процедура") == "ВПР")
    subjects = vpr.group_by("Класс").agg(pl.col("Предмет").unique())
    by_grade = {grade: set(names) for grade, names in subjects.iter_rows()}
    assert by_grade[4] == {"Русский язык", "Математика", "Окружающий мир"}
    assert by_grade[5] == {"Русский язык", "Математика", "История", "Биология"}
    assert "Физика" in by_grade[8] and "Физика" not in by_grade[6]
    per_class = (
        region.results.filter((pl.col("Процедура") == "ВПР") & (pl.col("Класс") == 7))
        .group_by("Код ОО", "Учебный год")
        .len()
    )
    assert (per_class["len"] <= 4).all()


def test_student_rows_follow_their_procedure(region):
    students = region.student_results
    ege = students.filter(pl.col("Процедура") == "ЕГЭ")
    assert ege["Тестовый балл"].is_between(0, 100).all() and ege["Отметка"].null_count() == ege.height
    marked = students.filter(pl.col("Процедура") != "ЕГЭ")
    assert marked["Отметка"].is_between(2, 5).all() and marked["Тестовый балл"].null_count() == marked.height
    vpr = students.filter(pl.col("Процедура") == "ВПР")
    assert vpr["Отметка по журналу"].is_between(2, 5).all()
    others = students.filter(pl.col("Процедура") != "ВПР")
    assert others["Отметка по журналу"].null_count() == others.height


def test_about_two_percent_of_optional_context_is_unknown(region):
    optional = region.context.drop("Код ОО", "Учебный год", "Обучающихся")
    share = optional.null_count().sum_horizontal().item() / (optional.height * optional.width)
    assert 0.01 <= share <= 0.035


def test_teachers_over_60_match_the_context(region):
    last = region.context.filter(pl.col("Учебный год") == "2025/2026")
    last = last.select("Код ОО", "Педагогов старше 60 лет")
    old = region.teachers.group_by("Код ОО").agg((pl.col("Возраст") > 60).sum().alias("old"))
    joined = last.join(old, on="Код ОО").drop_nulls()
    assert (joined["old"] == joined["Педагогов старше 60 лет"]).all()
    assert set(region.teachers["Квалификационная категория"]) <= {
        "высшая",
        "первая",
        "соответствие занимаемой должности",
        "без категории",
    }
    deficits = region.teachers.filter(pl.col("Дефициты").is_not_null())
    assert 0 < deficits.height < region.teachers.height / 2
    assert deficits["Дата диагностики"].null_count() == 0


def test_truth_flags(region):
    truth = region.truth
    assert truth["truly_low_results"].sum() == 15
    assert truth["unfavourable"].sum() == 38
    assert not truth.filter(pl.col("resilient") & ~pl.col("unfavourable")).height
    assert truth["resilient"].sum() >= 3
    assert 5 <= truth["inflates_vpr"].sum() <= 8
    assert 2 <= truth["mass_failure"].sum() <= 4
    assert truth["quality"].std() == pytest.approx(1.0, abs=0.25)
    low = truth.filter(pl.col("truly_low_results"))["true_results"].max()
    assert (truth.filter(~pl.col("truly_low_results"))["true_results"] > low).all()


def test_mass_failure_schools_are_weak_small_and_disadvantaged(region):
    failing = region.outcomes.filter(pl.col("Неуспевающих") > pl.col("Обучающихся на конец года") / 2)
    codes = failing["Код ОО"].unique()
    truth = region.truth
    assert 2 <= codes.len() <= 4
    assert sorted(codes.to_list()) == sorted(truth.filter(pl.col("mass_failure"))["code"].to_list())
    flagged = truth.filter(pl.col("mass_failure"))
    assert flagged["unfavourable"].all()
    assert (flagged["true_results"] < truth["true_results"].median()).all()
    sizes = region.context.filter(pl.col("Код ОО").is_in(codes.implode()))["Обучающихся"]
    assert (sizes <= 250).all()


@pytest.mark.parametrize("frame", ["region", "aggregated_region"])
def test_vpr_marks_fall_with_disadvantage(frame, request):
    region = request.getfixturevalue(frame)
    points = pl.sum_horizontal([pl.col(m) * int(m) for m in MARKS]).sum()
    vpr = (
        region.results.filter(pl.col("Процедура") == "ВПР")
        .group_by("Код ОО")
        .agg(
            (points / pl.col("Участников").sum()).alias("mark"),
        )
    )
    joined = vpr.join(region.truth, left_on="Код ОО", right_on="code")
    assert joined.select(pl.corr("mark", "disadvantage")).item() < -0.4
    assert joined.select(pl.corr("mark", "true_results")).item() > 0.7


@pytest.mark.parametrize("frame", ["region", "aggregated_region"])
def test_inflating_schools_rarely_lower_marks(frame, request):
    region = request.getfixturevalue(frame)
    vpr = region.results.filter(pl.col("Процедура") == "ВПР").join(
        region.truth.select("code", "inflates_vpr"), left_on="Код ОО", right_on="code"
    )
    shares = vpr.group_by("inflates_vpr").agg(
        (pl.col("Понизили").sum() / pl.col("Участников").sum()).alias("lowered"),
        (pl.col("Повысили").sum() / pl.col("Участников").sum()).alias("raised"),
    )
    inflating = shares.filter(pl.col("inflates_vpr")).row(0, named=True)
    honest = shares.filter(~pl.col("inflates_vpr")).row(0, named=True)
    assert inflating["lowered"] < 0.10 < 0.20 < honest["lowered"]
    assert inflating["raised"] > honest["raised"]


def test_inflated_scores_peak_at_the_cut_off(region):
    students = region.student_results.join(
        region.truth.select("code", "inflates_vpr"), left_on="Код ОО", right_on="code"
    )
    # Mathematics in grades 4–6: 20 points, a "3" from 7 points, a "4" from 12.
    maths = students.filter(
        (pl.col("Процедура") == "ВПР")
        & pl.col("Класс").is_in([4, 5, 6])
        & (pl.col("Предмет") == "Математика")
    )
    for inflates, low, high in ((True, 5.0, None), (False, None, 1.5)):
        scores = maths.filter(pl.col("inflates_vpr") == inflates)["Первичный балл"]
        for cut in (7, 12):
            ratio = (scores == cut).sum() / (scores == cut - 1).sum()
            assert (low is None or ratio > low) and (high is None or ratio < high), (inflates, cut, ratio)


def test_export_writes_the_forms(region, tmp_path):
    paths = export_region(region, tmp_path)
    names = [path.name for path in paths]
    assert names == [
        "01_schools.xlsx",
        "02_context.xlsx",
        "03_results.xlsx",
        "04_student_results_2023-2024.csv",
        "04_student_results_2024-2025.csv",
        "04_student_results_2025-2026.csv",
        "05_outcomes.xlsx",
        "08_teachers.xlsx",
    ]
    frames = {
        "01_schools.xlsx": region.schools,
        "02_context.xlsx": region.context,
        "03_results.xlsx": region.results,
        "05_outcomes.xlsx": region.outcomes,
        "08_teachers.xlsx": region.teachers,
    }
    for name, frame in frames.items():
        workbook = CalamineWorkbook.from_path(str(tmp_path / name))
        assert len(workbook.sheet_names) == 1
        rows = workbook.get_sheet_by_index(0).to_python()
        assert rows[0] == HEADERS[name]
        assert len(rows) - 1 == frame.height
        assert [row[0] for row in rows[1:]] == frame["Код ОО"].to_list()
    schools = CalamineWorkbook.from_path(str(tmp_path / "01_schools.xlsx")).get_sheet_by_index(0).to_python()
    assert schools[1][0] == "010001"
    context = CalamineWorkbook.from_path(str(tmp_path / "02_context.xlsx")).get_sheet_by_index(0).to_python()
    unknown = region.context.with_row_index().filter(pl.col("С ОВЗ").is_null())["index"].to_list()
    assert all(context[i + 1][3] == "" for i in unknown)

    students = []
    for path in paths:
        if path.suffix == ".csv":
            header = path.read_text(encoding="utf-8").splitlines()[0]
            assert header == "\ufeff" + ";".join(STUDENT_HEADERS)
            students.append(pl.read_csv(path, separator=";", schema=region.student_results.schema))
    assert pl.concat(students).equals(region.student_results.sort("Учебный год", maintain_order=True))


def test_write_truth(region, tmp_path):
    path = write_truth(region, tmp_path / "truth.csv")
    truth = pl.read_csv(path, schema_overrides={"code": pl.String})
    assert truth.columns == [
        "code",
        "quality",
        "disadvantage",
        "true_results",
        "subject_effect",
        "truly_low_results",
        "unfavourable",
        "resilient",
        "inflates_vpr",
        "mass_failure",
    ]
    assert truth["code"].to_list() == region.truth["code"].to_list()
    assert truth.select(pl.exclude("code", "quality", "disadvantage", "true_results", "subject_effect")).equals(
        region.truth.select(pl.exclude("code", "quality", "disadvantage", "true_results", "subject_effect"))
    )
    assert np.allclose(truth["true_results"].to_numpy(), region.truth["true_results"].to_numpy())


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="школ"):
        generate_region(n_schools=0)
    with pytest.raises(ValueError, match="учебных лет"):
        generate_region(n_years=0)


def test_a_municipality_never_outgrows_its_codes():
    region = generate_region(n_schools=10_000, n_years=1, n_municipalities=1, with_students=False)
    per_municipality = region.schools.group_by(pl.col("Код ОО").str.slice(0, 2)).len().sort("Код ОО")
    assert per_municipality.rows() == [("01", 6000), ("02", 4000)]
    assert region.schools["Муниципалитет"].n_unique() == 2


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_schools=st.integers(5, 30),
    n_years=st.integers(1, 3),
    n_municipalities=st.integers(1, 6),
    with_students=st.booleans(),
)
def test_invariants_hold_for_any_seed(seed, n_schools, n_years, n_municipalities, with_students):
    region = generate_region(
        seed=seed,
        n_schools=n_schools,
        last_year=2025,
        n_years=n_years,
        n_municipalities=n_municipalities,
        with_students=with_students,
    )
    check_invariants(region, n_schools=n_schools, n_years=n_years, last_year=2025)


# ---------------------------------------------------------------- scenarios
def vpr_relations(region: DemoRegion) -> pl.DataFrame:
    """Per school: inflating or not, share of ВПР marks below and above the journal."""
    vpr = region.results.filter(pl.col("Процедура") == "ВПР").join(
        region.truth.select("code", "inflates_vpr"), left_on="Код ОО", right_on="code"
    )
    return vpr.group_by("Код ОО", "inflates_vpr").agg(
        (pl.col("Понизили").sum() / pl.col("Участников").sum()).alias("lowered"),
        (pl.col("Повысили").sum() / pl.col("Участников").sum()).alias("raised"),
    )


def within_school_correlation(region: DemoRegion) -> float:
    """Correlation of a student's ВПР scores in mathematics and Russian (grade 5), within schools."""
    students = region.student_results.filter(
        (pl.col("Процедура") == "ВПР")
        & (pl.col("Класс") == 5)
        & pl.col("Предмет").is_in(["Математика", "Русский язык"])
    )
    score = pl.col("Первичный балл")
    students = students.with_columns(
        (score - score.mean().over("Код ОО", "Учебный год", "Предмет")).alias("deviation")
    )
    pairs = students.pivot(on="Предмет", index=["Код ОО", "Учебный год", "Код участника"], values="deviation")
    return float(pairs.drop_nulls().select(pl.corr("Математика", "Русский язык")).item())


def ege_within_sd(region: DemoRegion) -> float:
    ege = region.student_results.filter(pl.col("Процедура") == "ЕГЭ")
    keys = ["Код ОО", "Учебный год", "Предмет"]
    deviation = pl.col("Тестовый балл") - pl.col("Тестовый балл").mean().over(keys)
    groups = ege.select(pl.struct(keys).n_unique()).item()
    return float(np.sqrt(ege.select((deviation**2).sum()).item() / (ege.height - groups)))


def test_the_default_scenario_is_the_region_without_scenario():
    assert generate_region(seed=4, n_schools=40).results.equals(
        generate_region(seed=4, n_schools=40, scenario="default").results
    )


def test_scenarios_of_single_participants_need_form_4():
    with pytest.raises(ValueError, match="with_students=True"):
        generate_region(n_schools=20, scenario="marks_only", with_students=False)
    with pytest.raises(ValueError, match="Неизвестный сценарий"):
        generate_region(n_schools=20, scenario="nothing")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_scenario_keeps_the_forms_consistent(name):
    region = generate_region(seed=11, n_schools=60, scenario=name)
    check_invariants(region, n_schools=60, n_years=3, last_year=2026)


def test_inflation_mechanisms_differ():
    default = vpr_relations(generate_region(seed=3, n_schools=300))
    lenient_region = generate_region(seed=3, n_schools=300, scenario="lenient_checking")
    lenient = vpr_relations(lenient_region)
    marks_only = generate_region(seed=3, n_schools=300, scenario="marks_only")
    some = vpr_relations(generate_region(seed=3, n_schools=300, scenario="some_grades"))

    def mean_lowered(frame: pl.DataFrame, inflates: bool) -> float:
        return float(frame.filter(pl.col("inflates_vpr") == inflates)["lowered"].mean())

    honest = mean_lowered(default, False)
    # lenient checking helps only the students a few points below a cut-off: a milder effect
    assert mean_lowered(default, True) < mean_lowered(lenient, True) < 0.6 * honest
    assert mean_lowered(lenient, False) == pytest.approx(honest, abs=0.01)
    # one or two grades of five: the school as a whole lowers fewer students than honest ones, less so
    assert mean_lowered(default, True) < mean_lowered(some, True) < honest
    # marks only: a ВПР mark above what the primary score gives (cut-offs of grade 5 mathematics: 7, 12, 17)
    maths = marks_only.student_results.filter(
        (pl.col("Процедура") == "ВПР") & (pl.col("Класс") == 5) & (pl.col("Предмет") == "Математика")
    ).join(marks_only.truth.select("code", "inflates_vpr"), left_on="Код ОО", right_on="code")
    implied = 2 + sum((pl.col("Первичный балл") >= cut).cast(pl.Int64) for cut in (7, 12, 17))
    raised = maths.with_columns((pl.col("Отметка") > implied).alias("above")).group_by("inflates_vpr").agg(
        pl.col("above").mean()
    )
    shares = dict(raised.iter_rows())
    assert shares[False] == 0 and shares[True] > 0.1
    # lenient checking: scores pushed exactly to a cut-off
    lenient_maths = lenient_region.student_results.filter(
        (pl.col("Процедура") == "ВПР") & (pl.col("Класс") == 5) & (pl.col("Предмет") == "Математика")
    ).join(lenient_region.truth.select("code", "inflates_vpr"), left_on="Код ОО", right_on="code")
    inflating = lenient_maths.filter(pl.col("inflates_vpr"))["Первичный балл"]
    assert (inflating == 7).sum() > 3 * (inflating == 6).sum()


def test_correlation_ege_spread_and_small_schools():
    assert within_school_correlation(generate_region(seed=2, n_schools=150)) == pytest.approx(0.53, abs=0.05)
    assert within_school_correlation(generate_region(seed=2, n_schools=150, scenario="high_correlation")) > 0.78
    assert ege_within_sd(generate_region(seed=2, n_schools=150)) < 16
    assert ege_within_sd(generate_region(seed=2, n_schools=150, scenario="wide_ege")) > 17
    default = generate_region(seed=2, n_schools=300, with_students=False)
    small = generate_region(seed=2, n_schools=300, with_students=False, scenario="small_schools")
    last = pl.col("Учебный год") == "2025/2026"
    tiny = [(r.context.filter(last)["Обучающихся"] < 40).mean() for r in (default, small)]
    assert tiny[1] > tiny[0] + 0.15
    assert small.truth.filter(pl.col("inflates_vpr")).height >= 10


def test_teacher_leniency_spreads_the_honest_schools():
    default = vpr_relations(generate_region(seed=6, n_schools=300))
    lenient = vpr_relations(generate_region(seed=6, n_schools=300, scenario="teacher_leniency"))
    spread = [float(frame.filter(~pl.col("inflates_vpr"))["lowered"].std()) for frame in (default, lenient)]
    assert spread[1] > 1.3 * spread[0]
