"""Telling which form a file holds from its column names.

Each form is scored by the share of its required columns the file has (most weight) and the
share of the file's named columns that belong to the form. The best form is returned with its
score as ``confidence`` and the runner-up, so the page can offer the user to choose another.

>>> recognise(["Код ОО", "Учебный год", "Процедура", "Класс", "Предмет", "Участников", "2"]).form.key
'results'
>>> recognise(["Фамилия", "Имя"]) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from opora.intake.formats import FORMS, FileForm

REQUIRED_WEIGHT = 0.75
"""Weight of the required columns' share in a form's score; the rest is the file's share."""
MIN_REQUIRED_SHARE = 0.5
MIN_MATCHED = 2
AMBIGUITY_MARGIN = 0.05


@dataclass(frozen=True)
class FormScore:
    """How well a file's columns fit one form.

    ``score = 0.75·(required columns found / required columns)
    + 0.25·(file columns naming a column of the form / named file columns)``.
    """

    form: FileForm
    score: float
    matched: tuple[str, ...]
    missing_required: tuple[str, ...]

    @property
    def fits(self) -> bool:
        required = len(self.form.required_columns)
        found = required - len(self.missing_required)
        if self.form.recognised_by and not set(self.form.recognised_by) & set(self.matched):
            return False
        return len(self.matched) >= MIN_MATCHED and found >= MIN_REQUIRED_SHARE * required


@dataclass(frozen=True)
class Recognition:
    """The form a file most likely holds.

    ``confidence`` is the form's score (1.0: every required column present and no other
    column); ``runner_up`` is the next best form that also fits, if any. ``missing`` lists the
    required columns of ``form`` the file lacks (validation reports them as errors).
    """

    form: FileForm
    confidence: float
    missing: tuple[str, ...]
    runner_up: FileForm | None = None
    runner_up_confidence: float = 0.0

    @property
    def ambiguous(self) -> bool:
        """True when the runner-up scores nearly as well: ask the user to choose."""
        return self.runner_up is not None and self.confidence - self.runner_up_confidence < AMBIGUITY_MARGIN


def score_forms(headers: Iterable[str], forms: Iterable[FileForm] | None = None) -> list[FormScore]:
    """Every form's score for these headers, best first (ties keep the order of ``FORMS``)."""
    named = [header for header in headers if header and str(header).strip()]
    scores = []
    for form in forms if forms is not None else FORMS.values():
        fields = {column.field for header in named if (column := form.match_header(header)) is not None}
        required = form.required_columns
        missing = tuple(column.header for column in required if column.field not in fields)
        required_share = (len(required) - len(missing)) / len(required) if required else 0.0
        named_share = sum(form.match_header(h) is not None for h in named) / len(named) if named else 0.0
        score = REQUIRED_WEIGHT * required_share + (1 - REQUIRED_WEIGHT) * named_share
        matched = tuple(column.field for column in form.columns if column.field in fields)
        scores.append(FormScore(form, round(score, 4), matched, missing))
    return sorted(scores, key=lambda item: -item.score)


def recognise(headers: Sequence[str], forms: Iterable[FileForm] | None = None) -> Recognition | None:
    """The form whose columns the headers name best, or None when no form fits.

    A form fits when the file has at least two of its columns and half of its required ones, and
    one of the fields it is recognised by, if it has such (a questionnaire's questions).
    """
    fitting = [score for score in score_forms(headers, forms) if score.fits]
    if not fitting:
        return None
    best = fitting[0]
    second = fitting[1] if len(fitting) > 1 else None
    return Recognition(
        form=best.form,
        confidence=best.score,
        missing=best.missing_required,
        runner_up=second.form if second else None,
        runner_up_confidence=second.score if second else 0.0,
    )
