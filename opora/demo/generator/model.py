"""The hidden model of the demo region: its constants and the scales of the assessments.

A student's ability in a subject is ``a = −β·d + γ·q + u + ε`` (d: the school's disadvantage, q:
its quality, u: the school's small subject effect, ε ~ N(0, 1) the student). A test observes
``z = a + e`` with measurement error e ~ N(0, σ_e²) and maps it to a primary score
``x = clip(round(c + s·z), 0, max)``; marks follow from fixed cut-offs on x. The journal mark is
``z_j = a + e_j`` with e_j ~ N(0, σ_j²) cut at the journal cut-offs. docs/demo.md states it all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from opora.analytics.methodology import DEFAULT_EGE_THRESHOLDS

from .normal import interval_probabilities, normal_quantile

VPR = "ВПР"
OGE = "ОГЭ"
EGE = "ЕГЭ"
ANNUAL = "Годовые отметки"
PROCEDURES = (VPR, OGE, EGE, ANNUAL)

BETA = 0.5  # weight of disadvantage in ability
GAMMA = 0.4  # weight of school quality in ability
SUBJECT_SD = 0.15  # sd of a school's subject effect u
TEST_NOISE_SD = 0.35  # σ_e, measurement error of a test
JOURNAL_NOISE_SD = 0.5  # σ_j, noise of the teacher's mark
STUDENT_SUBJECT_CORRELATION = 0.6  # correlation of one student's ε across subjects
QUALITY_DRIFT_SD = 0.10  # yearly random-walk step of q
DISADVANTAGE_DRIFT_SD = 0.05  # yearly random-walk step of d

# Spread of z over a whole region: what the cut-offs are calibrated against.
REFERENCE_SD = math.sqrt(BETA**2 + GAMMA**2 + SUBJECT_SD**2 + 1.0 + TEST_NOISE_SD**2)
JOURNAL_REFERENCE_SD = math.sqrt(BETA**2 + GAMMA**2 + SUBJECT_SD**2 + 1.0 + JOURNAL_NOISE_SD**2)

# Shares of the marks 2, 3, 4, 5 in journals of an average region; teachers mark more leniently
# than the ВПР, so an honest school "lowers" more students than it "raises".
JOURNAL_SHARES = (0.025, 0.385, 0.43, 0.16)
JOURNAL_CUTS = np.array([JOURNAL_REFERENCE_SD * normal_quantile(p) for p in np.cumsum(JOURNAL_SHARES)[:-1]])
# In schools with mass failure many students are not attested: their marks sit this much lower.
MASS_FAILURE_MARK_SHIFT = -1.6

# The minimum ЕГЭ test scores are the product's (declared once, in the analytics' methodology).
EGE_THRESHOLDS = DEFAULT_EGE_THRESHOLDS


@dataclass(frozen=True)
class TestScale:
    """One test (procedure, grade, subject): its primary-score scale and cut-offs.

    Primary score ``x = clip(round(centre + slope·z), 0, max_score)``. ``cuts`` are the least
    primary scores for the marks 3, 4 and 5 (ВПР, ОГЭ); ЕГЭ has instead a test score
    ``round(100·x / max_score)`` and the minimum ``threshold`` on it.
    """

    procedure: str
    grade: int
    subject: str
    max_score: int
    cuts: tuple[int, int, int] | None
    threshold: int | None
    centre: float
    slope: float
    participation: float

    @property
    def threshold_primary(self) -> int:
        """The least primary score whose test score reaches the ЕГЭ threshold."""
        assert self.threshold is not None
        scores = np.arange(self.max_score + 1)
        return int(np.argmax(ege_test_score(scores, self.max_score) >= self.threshold))

    @property
    def z_cuts(self) -> np.ndarray:
        """Cut-offs of the marks on the z scale (primary score boundaries x − ½)."""
        assert self.cuts is not None
        return (np.array(self.cuts, dtype=np.float64) - 0.5 - self.centre) / self.slope


def ege_test_score(primary: np.ndarray, max_score: int) -> np.ndarray:
    """ЕГЭ test score from the primary score: ``round(100·x / max)`` (a linear conversion)."""
    return np.floor(100.0 * primary / max_score + 0.5).astype(np.int64)


def _marked(
    procedure: str,
    grade: int,
    subject: str,
    max_score: int,
    cuts: tuple[int, int, int],
    share_2: float,
    share_5: float,
    participation: float,
) -> TestScale:
    # Calibrate so that an average region has the wanted shares of "2" and of "5".
    z_low = REFERENCE_SD * normal_quantile(share_2)
    z_high = REFERENCE_SD * normal_quantile(1.0 - share_5)
    slope = (cuts[2] - cuts[0]) / (z_high - z_low)
    centre = cuts[0] - 0.5 - slope * z_low
    return TestScale(procedure, grade, subject, max_score, cuts, None, centre, slope, participation)


def _ege(
    subject: str, max_score: int, mean_test: float, share_below: float, participation: float
) -> TestScale:
    draft = TestScale(EGE, 11, subject, max_score, None, EGE_THRESHOLDS[subject], 0.0, 1.0, participation)
    centre = mean_test / 100.0 * max_score
    slope = (draft.threshold_primary - 0.5 - centre) / (REFERENCE_SD * normal_quantile(share_below))
    return TestScale(EGE, 11, subject, max_score, None, draft.threshold, centre, slope, participation)


def _vpr_cuts(max_score: int) -> tuple[int, int, int]:
    return (round(0.36 * max_score), round(0.60 * max_score), round(0.83 * max_score))


VPR_PARTICIPATION = 0.92
VPR_MAX_SCORES = {
    "Русский язык": {4: 38, 5: 45, 6: 51, 7: 47, 8: 51},
    "Математика": {4: 20, 5: 20, 6: 20, 7: 19, 8: 25},
    "Окружающий мир": {4: 32},
    "История": {5: 15, 6: 20, 7: 25, 8: 24},
    "Биология": {5: 29, 6: 32, 7: 28, 8: 35},
    "География": {6: 37, 7: 37, 8: 37},
    "Обществознание": {6: 23, 7: 23, 8: 23},
    "Физика": {8: 18},
}
VPR_FIXED_SUBJECTS = {
    4: ("Русский язык", "Математика", "Окружающий мир"),
    5: ("Русский язык", "Математика", "История", "Биология"),
    6: ("Русский язык", "Математика"),
    7: ("Русский язык", "Математика"),
    8: ("Русский язык", "Математика"),
}
# Grades 6–8 write two more subjects drawn at random for each school and year.
VPR_DRAWN_SUBJECTS = {
    6: ("История", "Биология", "География", "Обществознание"),
    7: ("История", "Биология", "География", "Обществознание"),
    8: ("История", "Биология", "География", "Обществознание", "Физика"),
}
VPR_DRAWN_COUNT = 2

_OGE = (
    # subject, max, cuts for 3/4/5, share of "2", share of "5", share of students taking it
    ("Русский язык", 37, (15, 26, 33), 0.03, 0.20, 0.97),
    ("Математика", 31, (8, 15, 22), 0.08, 0.13, 0.97),
    ("Обществознание", 37, (14, 24, 32), 0.07, 0.10, 0.60),
    ("Биология", 48, (13, 26, 37), 0.05, 0.10, 0.40),
    ("Информатика", 19, (5, 11, 17), 0.06, 0.17, 0.50),
    ("География", 31, (12, 19, 26), 0.06, 0.15, 0.50),
)
_EGE = (
    # subject, max primary, mean test score of a region, share below threshold, share taking it
    ("Русский язык", 50, 68.0, 0.015, 0.98),
    ("Математика (профильная)", 32, 58.0, 0.06, 0.50),
    ("Обществознание", 58, 56.0, 0.17, 0.45),
    ("Биология", 59, 52.0, 0.15, 0.20),
    ("Физика", 45, 55.0, 0.05, 0.20),
    ("История", 42, 56.0, 0.08, 0.15),
)
ANNUAL_SUBJECTS = ("Русский язык", "Математика")
ANNUAL_GRADES = tuple(range(4, 12))


def _build_scales() -> tuple[TestScale, ...]:
    scales: list[TestScale] = []
    for subject, by_grade in VPR_MAX_SCORES.items():
        for grade, max_score in by_grade.items():
            scales.append(
                _marked(VPR, grade, subject, max_score, _vpr_cuts(max_score), 0.13, 0.12, VPR_PARTICIPATION)
            )
    for subject, max_score, cuts, share_2, share_5, participation in _OGE:
        scales.append(_marked(OGE, 9, subject, max_score, cuts, share_2, share_5, participation))
    for subject, max_score, mean_test, share_below, participation in _EGE:
        scales.append(_ege(subject, max_score, mean_test, share_below, participation))
    return tuple(scales)


SCALES = _build_scales()
SCALE_INDEX = {(scale.procedure, scale.grade, scale.subject): i for i, scale in enumerate(SCALES)}

# A school's subject effect u is shared by the tests of one subject (profile mathematics is
# mathematics); these are the subjects that carry one.
SUBJECT_GROUPS = (
    "Русский язык",
    "Математика",
    "Окружающий мир",
    "История",
    "Биология",
    "География",
    "Обществознание",
    "Физика",
    "Информатика",
)


def subject_group(subject: str) -> int:
    """Index of the subject effect a subject uses."""
    return SUBJECT_GROUPS.index("Математика" if subject.startswith("Математика") else subject)


def mean_ability(disadvantage: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """The school's expected ability μ = −β·d + γ·q (the scale of ``true_results``)."""
    return -BETA * disadvantage + GAMMA * quality


def annual_mark_probabilities(mean_ability: np.ndarray, shift: np.ndarray | float = 0.0) -> np.ndarray:
    """P(year mark = 2, 3, 4, 5) for students of ability N(mean, 1): the journal model.

    The year mark is the journal mark ``z_j = a + e_j`` cut at ``JOURNAL_CUTS``; ``shift`` lowers
    the marks of schools with mass failure.
    """
    sd = math.sqrt(1.0 + JOURNAL_NOISE_SD**2)
    return interval_probabilities(JOURNAL_CUTS, np.asarray(mean_ability) + shift, sd)


# Tables of the aggregated draw: values of a school mean μ on a grid, a student's ability a on a
# finer one, and the N(μ, 1) weights between them.
MU_STEP = 0.02
MU_GRID = np.arange(-6.0, 6.0 + MU_STEP / 2, MU_STEP)
_ABILITY_GRID = np.arange(-12.0, 12.0 + MU_STEP / 2, MU_STEP)


@cache
def _ability_weights() -> np.ndarray:
    weights = np.exp(-0.5 * (_ABILITY_GRID[None, :] - MU_GRID[:, None]) ** 2)
    return weights / weights.sum(axis=1, keepdims=True)


def mu_grid_index(mu: np.ndarray) -> np.ndarray:
    """Nearest index of ``MU_GRID`` (μ beyond ±6 is taken as ±6)."""
    index = np.rint((np.asarray(mu) - MU_GRID[0]) / MU_STEP).astype(np.int64)
    return np.clip(index, 0, len(MU_GRID) - 1)


@dataclass(frozen=True)
class ScaleTables:
    """Distribution of a test's results in a school with mean ability μ (rows: ``MU_GRID``).

    Categories are the marks 2–5 (ВПР, ОГЭ) or "below / at least the threshold" (ЕГЭ); for the
    ВПР each mark is crossed with the journal mark 2–5 (16 categories, mark-major). ``mean`` and
    ``variance`` are the moments of the score (primary; test score for ЕГЭ) within a category.
    """

    probability: np.ndarray
    mean: np.ndarray
    variance: np.ndarray
    low: np.ndarray  # least score in each category
    high: np.ndarray  # greatest score in each category


@cache
def scale_tables(scale_index: int) -> ScaleTables:
    """Exact distributions, by the N(μ, 1) mixture over the ability grid, of one test."""
    scale = SCALES[scale_index]
    scores = np.arange(scale.max_score + 1)
    boundaries = (scores[1:] - 0.5 - scale.centre) / scale.slope
    score_probability = interval_probabilities(boundaries, _ABILITY_GRID, TEST_NOISE_SD)
    if scale.procedure == EGE:
        values = ege_test_score(scores, scale.max_score).astype(np.float64)
        category = (scores >= scale.threshold_primary).astype(np.int64)
        n_categories = 2
    else:
        assert scale.cuts is not None
        values = scores.astype(np.float64)
        category = np.searchsorted(np.array(scale.cuts), scores, side="right")
        n_categories = 4
    one_hot = np.eye(n_categories)[category]  # scores × categories
    moments = [score_probability @ (one_hot * values[:, None] ** power) for power in range(3)]
    if scale.procedure == VPR:
        journal = interval_probabilities(JOURNAL_CUTS, _ABILITY_GRID, JOURNAL_NOISE_SD)
        moments = [(m[:, :, None] * journal[:, None, :]).reshape(len(_ABILITY_GRID), -1) for m in moments]
        values_low = np.repeat([values[category == k].min() for k in range(4)], 4)
        values_high = np.repeat([values[category == k].max() for k in range(4)], 4)
    else:
        values_low = np.array([values[category == k].min() for k in range(n_categories)])
        values_high = np.array([values[category == k].max() for k in range(n_categories)])
    weights = _ability_weights()
    count, first, second = (weights @ m for m in moments)
    safe = np.where(count > 1e-300, count, 1.0)
    mean = np.where(count > 1e-300, first / safe, 0.5 * (values_low + values_high))
    variance = np.clip(np.where(count > 1e-300, second / safe - mean**2, 0.0), 0.0, None)
    probability = count / count.sum(axis=1, keepdims=True)
    return ScaleTables(probability, mean, variance, values_low, values_high)


def ege_below_probability(scale_index: int, mu: np.ndarray) -> np.ndarray:
    """P(test score below the ЕГЭ threshold) in schools of mean ability ``mu``."""
    return scale_tables(scale_index).probability[mu_grid_index(mu), 0]


def mark_probabilities(scale_index: int, mu: np.ndarray) -> np.ndarray:
    """P(mark 2, 3, 4, 5) of a ВПР or ОГЭ test in schools of mean ability ``mu``."""
    table = scale_tables(scale_index).probability[mu_grid_index(mu)]
    if SCALES[scale_index].procedure == VPR:
        table = table.reshape(-1, 4, 4).sum(axis=2)
    return table
