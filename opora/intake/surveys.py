"""The answers to a region's questionnaires, loaded from the export of an online form.

Yandex Forms, Google Forms and the like export one row per filled questionnaire: when it was
filled, the school and the year (questions the region adds to the form), then one column per
question with the answer's text or number. The columns are those of the region's questionnaire,
so these file forms are built from the region's data (:func:`survey_forms`), one per audience:
«Код ОО», «Учебный год», «Отметка времени» (optional), then each question by its text (or its key,
«t01»), with an answer of its scale as its text («Скорее согласен») or its number (1 … n); an
empty cell is a question left unanswered, and a row with no answer at all is an error.

Each row becomes one ``SurveyResponse``, marked with its import so that an undo deletes it. Its
fingerprint is made of the questionnaire, the school, the year, the time, the answers and the
row's place among identical rows of the file: the same file loaded twice adds nothing the second
time, while two respondents who answered alike remain two responses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import polars as pl
from django.utils import timezone

from opora.intake.diffing import Diff
from opora.intake.formats import FORMS, Column, FileForm, school_year_label
from opora.intake.formats.common import school_code, school_year
from opora.intake.validation import DEFAULT_MAX_PROBLEMS, GROUP_ROWS, CellProblem, ProblemGroup, ValidationResult
from opora.risks.models import Audience, QuestionItem, Questionnaire, SurveyResponse
from opora.schools.models import Region, School, SchoolYear

if TYPE_CHECKING:
    from opora.intake.models import ImportBatch

Progress = Callable[[int, str], None]

SURVEY_TITLES: dict[str, str] = {
    f"survey-{audience}": f"Ответы на анкету: {who}"
    for audience, who in (
        (Audience.DIRECTOR, "директор"),
        (Audience.TEACHERS, "педагоги"),
        (Audience.STUDENTS, "обучающиеся"),
        (Audience.PARENTS, "родители"),
    )
}
"""The forms of the questionnaires' answers, one per audience, by key («survey-teachers»)."""

TIMESTAMP = "submitted_at"
ANSWERS = "answers"
FINGERPRINT = "fingerprint"
_ANSWER_PREFIX = "answer_"
_BATCH_SIZE = 2000

TIMESTAMP_COLUMN = Column(
    "Отметка времени",
    TIMESTAMP,
    aliases=("Время", "Timestamp", "Дата и время", "Время создания", "Время заполнения", "Дата заполнения"),
    example="15.03.2026 10:25:41",
    note="Когда анкета заполнена: 15.03.2026 10:25:41, 15.03.2026 10:25, 2026-03-15 10:25:41 или 15.03.2026. "
    "Без столбца — время загрузки.",
)
_TIMESTAMP_EXPECTED = "дата и время, например 15.03.2026 10:25:41 или 2026-03-15 10:25:41"
_TIMESTAMP_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y %H:%M:%S", "%d.%m.%y %H:%M")


def is_survey(form_key: str) -> bool:
    return form_key in SURVEY_TITLES


def audience_of(form_key: str) -> str:
    """The audience of a survey form: «survey-teachers» → «teachers»."""
    return form_key.removeprefix("survey-")


def answer_field(item_key: str) -> str:
    """The field of a question's column («t01» → «answer_t01»): apart from the form's other fields."""
    return f"{_ANSWER_PREFIX}{item_key}"


def _answer_spellings(text: str) -> tuple[str, ...]:
    """An answer as respondents' forms write it: «Скорее согласен», «Скорее согласна», «Скорее согласен(на)»."""
    if "согласен" not in text:
        return (text,)
    return (
        text,
        text.replace("согласен", "согласна"),
        text.replace("согласен", "согласен(на)"),
        text.replace("согласен", "согласен/согласна"),
    )


def item_column(item: QuestionItem) -> Column:
    """A question's column: headed by its text (or key), an answer as its number or its text."""
    answers = item.answers
    numbers = tuple(str(number) for number in range(1, len(answers) + 1))
    return Column(
        item.text,
        answer_field(item.key),
        aliases=(item.key,),
        choices=numbers,
        synonyms=tuple(
            (spelling, number)
            for number, answer in zip(numbers, answers, strict=True)
            for spelling in _answer_spellings(answer)
        ),
        example=answers[-1],
        note=f"{item.key}: "
        + "; ".join(f"{n} — {answer}" for n, answer in zip(numbers, answers, strict=True))
        + ". Пустая ячейка — нет ответа.",
    )


def survey_form(questionnaire: Questionnaire, items: list[QuestionItem]) -> FileForm:
    """The file form of a questionnaire's answers: one row per response, no key (no row replaces another)."""
    columns = tuple(item_column(item) for item in items)
    return FileForm(
        key=f"survey-{questionnaire.audience}",
        title=SURVEY_TITLES[f"survey-{questionnaire.audience}"],
        columns=(school_code(), school_year(), TIMESTAMP_COLUMN, *columns),
        key_fields=(),
        recognised_by=tuple(column.field for column in columns),
    )


def survey_forms(region: Region) -> dict[str, FileForm]:
    """The file forms of the region's questionnaires, in the order of the audiences."""
    items: dict[int, list[QuestionItem]] = {}
    for item in (
        QuestionItem.objects.filter(section__questionnaire__region=region)
        .select_related("section")
        .order_by("section__number", "number", "pk")
    ):
        items.setdefault(item.section.questionnaire_id, []).append(item)
    questionnaires = {q.audience: q for q in Questionnaire.objects.filter(region=region)}
    return {
        f"survey-{audience}": survey_form(questionnaires[audience], items.get(questionnaires[audience].pk, []))
        for audience in Audience.values
        if audience in questionnaires
    }


def import_forms(region: Region) -> dict[str, FileForm]:
    """Every form a file loaded for the region may hold: the fixed ones and the region's questionnaires."""
    return {**FORMS, **survey_forms(region)}


def _questionnaire(batch: ImportBatch) -> Questionnaire:
    return Questionnaire.objects.get(region=batch.region, audience=audience_of(batch.form_key))


def _item_keys(form: FileForm) -> dict[str, str]:
    return {field: field.removeprefix(_ANSWER_PREFIX) for field in form.recognised_by}


# --- the check -----------------------------------------------------------------------------------


def parse_timestamp(text: str) -> dt.datetime | None:
    """When a questionnaire was filled, as an export writes it; None when the text is no date and time.

    >>> parse_timestamp("15.03.2026 10:25:41"), parse_timestamp("2026-03-15T10:25:41")
    (datetime.datetime(2026, 3, 15, 10, 25, 41), datetime.datetime(2026, 3, 15, 10, 25, 41))
    >>> parse_timestamp("вчера") is None
    True
    """
    cleaned = " ".join(str(text).replace(",", " ").split())
    for pattern in _TIMESTAMP_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern)
        except ValueError:
            continue
    try:
        return dt.datetime.fromisoformat(cleaned)
    except ValueError:
        return None


def survey_checked(result: ValidationResult) -> ValidationResult:
    """The check of a questionnaire's answers completed: a bad time, a file or a row with no answer are errors.

    A row with no answer is reported only when it has no other error (a wrong answer, which reads
    as empty, is already named in its own cell).
    """
    form = result.form
    questions = [field for field in form.recognised_by if field in result.present_fields]
    if not questions:
        shown = form.column(form.recognised_by[0]).header if form.recognised_by else ""
        return _with_errors(
            result,
            column=None,
            rows=[None],
            values=[None],
            messages=[
                f"в файле нет ни одного столбца с вопросами анкеты формы «{form.title}»; названия столбцов — "
                f"тексты вопросов (например, «{shown}») или их ключи"
            ],
        )
    frame = result.frame.with_columns(result.rows.alias("·row"))
    if TIMESTAMP in result.present_fields:
        texts = frame.filter(pl.col(TIMESTAMP).is_not_null()).select("·row", TIMESTAMP)
        bad = [(row, text) for row, text in texts.iter_rows() if parse_timestamp(text) is None]
        result = _with_errors(
            result,
            column=TIMESTAMP_COLUMN.header,
            rows=[row for row, _ in bad],
            values=[text for _, text in bad],
            messages=[
                f"значение «{text}» не является датой и временем; ожидается {_TIMESTAMP_EXPECTED}" for _, text in bad
            ],
        )
    failing = set(result.problems.filter(pl.col("level") == "error")["row"].drop_nulls().to_list())
    unanswered = frame.filter(pl.all_horizontal([pl.col(field).is_null() for field in questions]))["·row"]
    rows = [row for row in unanswered.to_list() if row not in failing]
    return _with_errors(
        result,
        column=None,
        rows=rows,
        values=[None] * len(rows),
        messages=["нет ответа ни на один вопрос анкеты; ожидается ответ хотя бы на один вопрос"] * len(rows),
    )


def _with_errors(
    result: ValidationResult,
    *,
    column: str | None,
    rows: list[int | None],
    values: list[str | None],
    messages: list[str],
) -> ValidationResult:
    """The result with one more group of errors (a file's error when its row is None)."""
    if not rows:
        return result
    problems = [CellProblem(result.sheet, row, column, message) for row, message in zip(rows, messages, strict=True)]
    group = ProblemGroup(
        "error", column, len(rows), tuple(row for row in rows[:GROUP_ROWS] if row is not None), str(problems[0])
    )
    listed = pl.DataFrame(
        {
            "level": ["error"] * len(rows),
            "sheet": [result.sheet] * len(rows),
            "row": rows,
            "column": [column] * len(rows),
            "value": values,
            "message": messages,
        },
        schema=result.problems.schema,
    )
    counts = dict(result.error_counts)
    counts[column or ""] = counts.get(column or "", 0) + len(rows)
    return replace(
        result,
        errors=sorted([*result.errors, *problems], key=lambda p: (p.row is not None, p.row or 0))[
            :DEFAULT_MAX_PROBLEMS
        ],
        error_count=result.error_count + len(rows),
        error_counts=counts,
        groups=sorted([*result.groups, group], key=lambda g: (g.level != "error", g.rows[:1] or (0,))),
        problems=pl.concat([result.problems, listed]).sort("row", nulls_last=False, maintain_order=True),
    )


# --- the responses a file holds ------------------------------------------------------------------


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode("utf-8")).hexdigest()


def survey_frame(batch: ImportBatch, result: ValidationResult) -> pl.DataFrame:
    """The file's responses: school, year, time (ISO text or null), answers (JSON) and fingerprint."""
    questionnaire = _questionnaire(batch)
    keys = {field: key for field, key in _item_keys(result.form).items() if field in result.present_fields}
    rows = []
    for record in result.frame.select("code", "year", TIMESTAMP, *keys).iter_rows(named=True):
        stamp = parse_timestamp(record[TIMESTAMP]) if record[TIMESTAMP] is not None else None
        answers = {key: int(record[field]) for field, key in keys.items() if record[field] is not None}
        rows.append(
            (
                record["code"],
                record["year"],
                stamp.isoformat() if stamp is not None else None,
                json.dumps(answers, sort_keys=True),
            )
        )
    frame = pl.DataFrame(
        rows, schema={"code": pl.Utf8, "year": pl.Int64, TIMESTAMP: pl.Utf8, ANSWERS: pl.Utf8}, orient="row"
    )
    # Identical rows (no time, the same answers) are told apart by their order in the file.
    copies = frame.select(pl.int_range(pl.len()).over(["code", "year", TIMESTAMP, ANSWERS]).alias("copy"))["copy"]
    fingerprints = [
        _fingerprint(questionnaire.pk, code, year, stamp or "", answers, copy)
        for (code, year, stamp, answers), copy in zip(frame.iter_rows(), copies, strict=True)
    ]
    return frame.with_columns(pl.Series(FINGERPRINT, fingerprints, dtype=pl.Utf8))


def survey_diff(batch: ImportBatch, frame: pl.DataFrame) -> Diff:
    """The responses to add: those whose fingerprint is not stored yet; the others are unchanged."""
    questionnaire = _questionnaire(batch)
    fingerprints = frame[FINGERPRINT].to_list()
    stored: set[str] = set()
    for start in range(0, len(fingerprints), _BATCH_SIZE):
        stored.update(
            SurveyResponse.objects.filter(
                questionnaire=questionnaire, fingerprint__in=fingerprints[start : start + _BATCH_SIZE]
            ).values_list("fingerprint", flat=True)
        )
    added = frame.filter(~pl.col(FINGERPRINT).is_in(sorted(stored)))
    return Diff(added=added, changed=added.head(0), unchanged=frame.height - added.height, value_fields=())


def survey_preview(diff: Diff, rows: int) -> dict[str, Any]:
    """The first responses to add, for the page: the school, the year, the time and the answers."""
    added = []
    for record in diff.added.head(rows).iter_rows(named=True):
        answers = json.loads(record[ANSWERS])
        stamp = record[TIMESTAMP]
        added.append(
            {
                "Код ОО": record["code"],
                "Учебный год": school_year_label(record["year"]),
                TIMESTAMP_COLUMN.header: dt.datetime.fromisoformat(stamp).strftime("%d.%m.%Y %H:%M:%S")
                if stamp
                else "",
                "Ответов": len(answers),
                "Ответы": ", ".join(f"{key} — {value}" for key, value in answers.items()),
            }
        )
    return {"added": added, "changed": []}


def responses_apply(*, batch: ImportBatch, frame: pl.DataFrame, progress: Progress) -> tuple[int, int, int]:
    """Store the responses not stored yet, each marked with the import (an undo deletes them)."""
    progress(25, "Сравнение с сохранёнными ответами")
    diff = survey_diff(batch, frame)
    added = diff.added
    if added.is_empty():
        return 0, 0, diff.unchanged
    progress(50, "Запись ответов на анкету")
    questionnaire = _questionnaire(batch)
    schools = dict(
        School.objects.filter(municipality__region=batch.region, code__in=added["code"].unique().to_list()).values_list(
            "code", "pk"
        )
    )
    years = {}
    for end_year in added["year"].unique().to_list():
        years[end_year] = SchoolYear.objects.get_or_create(end_year=end_year)[0].pk
    loaded_at = timezone.now()
    SurveyResponse.objects.bulk_create(
        (
            SurveyResponse(
                questionnaire=questionnaire,
                school_id=schools[record["code"]],
                year_id=years[record["year"]],
                submitted_at=_aware(record[TIMESTAMP]) if record[TIMESTAMP] else loaded_at,
                answers=json.loads(record[ANSWERS]),
                fingerprint=record[FINGERPRINT],
                import_batch=batch,
            )
            for record in added.iter_rows(named=True)
        ),
        batch_size=_BATCH_SIZE,
    )
    return added.height, 0, diff.unchanged


def _aware(text: str) -> dt.datetime:
    """A time of the file in the installation's time zone, unless the file gives its own."""
    moment = dt.datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
