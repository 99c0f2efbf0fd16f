"""The work of an import: reading and checking the file, comparing it with the database, writing it.

The pages and the command line start this work through ``opora.intake.services``; the background
tasks (``opora.intake.tasks``) run it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from opora.accounts.models import User
from opora.core.formatting import num
from opora.intake.diffing import Diff, changed_fields, diff_rows
from opora.intake.formats import FORMS, school_year_label
from opora.intake.models import ImportBatch, ImportStatus
from opora.intake.reading import ROW, FileRefused
from opora.intake.surveys import (
    import_forms,
    is_survey,
    responses_apply,
    survey_checked,
    survey_diff,
    survey_frame,
    survey_preview,
)
from opora.intake.targets import TARGETS
from opora.intake.validation import ValidationResult, check_file
from opora.intake.writes import apply_diff, student_results_apply
from opora.schools.models import Municipality, Region, School

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
PREVIEW_ROWS = 50


class ImportRefused(Exception):
    """The import cannot go on; the message says why in Russian."""


class ImportInterrupted(ImportRefused):
    """The database went away (or broke the transaction off) while the import was written."""


CONNECTION_LOST = (
    "Связь с базой данных прервалась во время записи: данные не изменены, загрузка отмечена как сбой. "
    "Когда база данных снова доступна, загрузку можно применить ещё раз."
)
WRITE_BROKEN_OFF = (
    "База данных прервала запись ({reason}): данные не изменены, загрузка отмечена как сбой. "
    "Загрузку можно применить ещё раз."
)
WRITE_FAILED = (
    "Сбой при записи: данные не изменены. Загрузку можно применить ещё раз; "
    "если сбой повторится, сообщите администратору системы."
)


def _no_progress(percent: int, message: str) -> None:
    return None


def batch_progress(batch: ImportBatch) -> Progress:
    """A progress callback that stores the figure for the page to show.

    Outside a transaction it goes to the batch's row. Inside one (the write of a confirmed file is
    a single transaction) an update of the row would stay invisible to the page until the commit,
    and on SQLite another connection could not write at all; so there it goes to a small file
    beside the checked data, which :func:`live_progress` reads.
    """

    def report(percent: int, message: str) -> None:
        message = message[:300]
        if transaction.get_connection().in_atomic_block:
            path = _progress_path(batch)
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_suffix(".tmp")
            draft.write_text(json.dumps({"progress": percent, "message": message}, ensure_ascii=False), "utf-8")
            draft.replace(path)
        else:
            ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, progress_message=message)

    return report


def live_progress(batch: ImportBatch) -> tuple[int, str]:
    """The batch's progress and stage, including what its running transaction reported."""
    if not batch.is_finished:
        try:
            stored = json.loads(_progress_path(batch).read_text("utf-8"))
            return int(stored["progress"]), str(stored["message"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return batch.progress, batch.progress_message


def _progress_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{batch.pk}.json"


def known_codes_for(region: Region, user: User | None) -> set[str]:
    """The school codes an import may refer to: the user's scope within the region."""
    schools = School.objects.filter(municipality__region=region)
    if user is not None:
        schools = schools & School.objects.visible_to(user)
    return set(schools.values_list("code", flat=True))


def _frame_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "checked" / f"{batch.pk}.parquet"


def import_check(*, batch: ImportBatch, progress: Progress = _no_progress) -> ImportBatch:
    """Read and validate the file, compare it with the database and store the preview.

    An unexpected failure marks the import as failed (nothing is written) and is raised again.
    """
    try:
        return _check(batch, progress)
    except Exception:
        logger.exception("import %s: check failed", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED,
            progress=100,
            progress_message="Сбой при проверке файла: данные не изменены. Сообщите администратору системы.",
        )
        raise
    finally:
        _progress_path(batch).unlink(missing_ok=True)


def _check(batch: ImportBatch, progress: Progress) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    progress(10, "Чтение и проверка файла")
    with batch.file.open("rb") as stream:
        content = stream.read()
    forms = import_forms(batch.region)
    try:
        if batch.form_key and batch.form_key not in forms:
            raise FileRefused(
                f"Форма «{batch.form_title}»: у региона «{batch.region.name}» нет такой анкеты; файл не проверен."
            )
        # Every school of the region: a school of another municipality is not «unknown», only out of scope.
        result = check_file(
            content,
            file_name=batch.file_name,
            kind=batch.form_key or None,
            known_codes=known_codes_for(batch.region, None),
            forms=forms,
        )
    except FileRefused as refusal:
        batch.status = ImportStatus.INVALID
        batch.error_count = 1
        batch.report = {
            "summary": refusal.message,
            "errors": [refusal.message],
            "groups": [{"level": "error", "column": None, "count": 1, "rows": [], "example": refusal.message}],
            "warnings": [],
        }
        return _finished(batch, "Файл не принят")
    if is_survey(result.form.key):
        result = survey_checked(result)
    batch.form_key = result.form.key
    if result.recognition is not None:
        batch.recognized_form_key = result.recognition.form.key
    batch.rows = result.frame.height
    batch.error_count = result.error_count
    batch.report = _report(result)
    _store_problems(batch, result.problems)
    if not result.ok:
        batch.status = ImportStatus.INVALID
        return _finished(batch, "Проверка завершена: есть ошибки")
    progress(70, "Сравнение с данными в базе")
    frame = _checked_frame(batch, result).with_columns(result.rows.alias(ROW))
    frame, refusal = _within_scope(batch, frame, result)
    if refusal is not None:
        batch.status = ImportStatus.INVALID
        batch.error_count = refusal["count"]
        batch.report["groups"] = [refusal]
        batch.report["errors"] = [refusal["example"]]
        batch.report["summary"] = f"Файл «{batch.file_name}» не будет загружен: {refusal['summary']}"
        return _finished(batch, "Проверка завершена: есть ошибки")
    frame = frame.drop(ROW)
    diff = _diff(batch, frame)
    batch.report["preview"] = _preview(batch, diff)
    batch.added, batch.changed, batch.unchanged = diff.added.height, diff.changed.height, diff.unchanged
    path = _frame_path(batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path)
    batch.status = ImportStatus.READY
    return _finished(batch, "Проверка завершена")


def _within_scope(
    batch: ImportBatch, frame: pl.DataFrame, result: ValidationResult
) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """The rows the user may load; rows about schools of other municipalities are set aside.

    Those rows are not errors: the user confirms that they are skipped, and the import's history
    counts them (``skipped``). A registry row naming a school of another region is an error (a
    code belongs to one school of the whole installation); so is a file with nothing in scope.
    """
    user = batch.created_by
    codes = frame["code"].unique().to_list()
    if batch.form_key == "schools":
        elsewhere = dict(
            School.objects.filter(code__in=codes)
            .exclude(municipality__region=batch.region)
            .values_list("code", "municipality__region__name")
        )
        if elsewhere:
            clash = frame.filter(pl.col("code").is_in(list(elsewhere)))
            first = clash.row(0, named=True)
            place = f"лист «{result.sheet}», строка {first[ROW]}" if result.sheet else f"строка {first[ROW]}"
            example = (
                f"{place[:1].upper()}{place[1:]}, столбец «Код ОО»: школа с кодом {first['code']} уже есть в "
                f"регионе «{elsewhere[first['code']]}»; код ОО принадлежит одной школе"
            )
            return frame, {
                "level": "error",
                "column": "Код ОО",
                "count": clash.height,
                "rows": clash[ROW].head(10).to_list(),
                "example": example,
                "summary": f"строк о школах другого региона: {num(clash.height)}.",
            }
    if user is None or user.is_superuser:
        return frame, None
    visible = known_codes_for(batch.region, user)
    in_region = known_codes_for(batch.region, None)
    outside = pl.col("code").is_in(list(in_region - visible))
    if batch.form_key == "schools":
        names = set(Municipality.objects.visible_to(user).filter(region=batch.region).values_list("name", flat=True))
        outside = outside | (~pl.col("code").is_in(list(in_region)) & ~pl.col("municipality").is_in(list(names)))
    skipped = frame.filter(outside)
    if skipped.height == 0:
        return frame, None
    kept = frame.filter(~outside)
    municipalities = _municipalities_of(batch, skipped)
    detail = ", ".join(f"{name} — {num(count)}" for name, count in municipalities[:5])
    message = (
        f"строк о школах других муниципалитетов: {num(skipped.height)}"
        + (f" ({detail}{', …' if len(municipalities) > 5 else ''})" if detail else "")
        + "; они не будут загружены"
    )
    if kept.height == 0:
        first = skipped.row(0, named=True)
        own = sorted(Municipality.objects.visible_to(user).filter(region=batch.region).values_list("name", flat=True))
        return frame, {
            "level": "error",
            "column": "Код ОО",
            "count": skipped.height,
            "rows": skipped[ROW].head(10).to_list(),
            "example": (
                f"{message[:1].upper()}{message[1:]}: в файле нет строк о школах вашей области доступа "
                f"({', '.join(f'«{name}»' for name in own)}); например, строка {first[ROW]} — школа {first['code']}."
            ),
            "summary": "все строки — о школах вне вашей области доступа.",
        }
    batch.skipped = skipped.height
    batch.report["skipped"] = {
        "count": skipped.height,
        "rows": skipped[ROW].head(10).to_list(),
        "message": message[:1].upper() + message[1:] + ".",
    }
    return kept, None


def _municipalities_of(batch: ImportBatch, rows: pl.DataFrame) -> list[tuple[str, int]]:
    """The municipalities the rows are about, with their counts, the largest first."""
    schools = School.objects.filter(municipality__region=batch.region, code__in=rows["code"].unique().to_list())
    known = dict(schools.values_list("code", "municipality__name"))
    given = rows["municipality"].to_list() if "municipality" in rows.columns else [None] * rows.height
    names = [known.get(code) or municipality for code, municipality in zip(rows["code"], given, strict=True)]
    counted = pl.Series("name", names, dtype=pl.String).drop_nulls().value_counts(sort=True)
    return [(name, count) for name, count in counted.iter_rows() if name]


def problems_path(batch: ImportBatch) -> Path:
    """The full list of a check's problems (for its download as .xlsx)."""
    return Path(settings.MEDIA_ROOT) / "imports" / "problems" / f"{batch.pk}.parquet"


def _store_problems(batch: ImportBatch, problems: pl.DataFrame) -> None:
    path = problems_path(batch)
    if problems.height == 0:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    problems.write_parquet(path)


def _finished(batch: ImportBatch, message: str) -> ImportBatch:
    batch.progress = 100
    batch.progress_message = message
    batch.save()
    return batch


def _report(result: ValidationResult) -> dict[str, Any]:
    recognition = result.recognition
    return {
        "summary": result.summary,
        "sheet": result.sheet,
        "notes": list(result.notes),
        "errors": [str(problem) for problem in result.errors],
        "error_counts": result.error_counts,
        "groups": [group.as_dict() for group in result.groups],
        "warnings": [str(problem) for problem in result.warnings],
        "warning_count": result.warning_count,
        "recognition": None
        if recognition is None
        else {
            "form": recognition.form.title,
            "confidence": round(recognition.confidence, 2),
            "ambiguous": recognition.ambiguous,
            "runner_up": recognition.runner_up.title if recognition.runner_up else None,
        },
    }


def _checked_frame(batch: ImportBatch, result: ValidationResult) -> pl.DataFrame:
    """The file's rows with only the columns it has: an absent column changes nothing.

    A questionnaire's answers become responses (school, year, time, answers, fingerprint).
    """
    if is_survey(batch.form_key):
        return survey_frame(batch, result)
    return TARGETS[batch.form_key].rounded(result.frame.select(list(result.present_fields)))


def _diff(batch: ImportBatch, frame: pl.DataFrame) -> Diff:
    if is_survey(batch.form_key):
        return survey_diff(batch, frame)
    target = TARGETS[batch.form_key]
    years = frame["year"].unique().to_list() if "year" in frame.columns else None
    stored = target.stored(batch.region, years=years)
    return diff_rows(frame, stored, key_fields=target.key_fields, value_fields=target.value_fields)


def _preview(batch: ImportBatch, diff: Diff) -> dict[str, Any]:
    """The first rows to add and to change, with old → new values, for the page."""
    if is_survey(batch.form_key):
        return survey_preview(diff, PREVIEW_ROWS)
    form = FORMS[batch.form_key]
    target = TARGETS[batch.form_key]
    headers = {column.field: column.header for column in form.columns}
    added = [
        {headers[name]: _shown(value, name) for name, value in row.items() if name in headers}
        for row in diff.added.head(PREVIEW_ROWS).iter_rows(named=True)
    ]
    changed = []
    for row in diff.changed.head(PREVIEW_ROWS).iter_rows(named=True):
        changed.append(
            {
                "key": " · ".join(str(_shown(row[name], name)) for name in target.key_fields),
                "changes": [
                    {"column": headers[name], "old": _shown(row[name + "__old"]), "new": _shown(row[name])}
                    for name in changed_fields(diff, row)
                ],
            }
        )
    return {"added": added, "changed": changed}


def _shown(value: Any, name: str = "") -> Any:
    """A value as the preview shows it: a school year as «2025/2026», a date as text, unknown as empty."""
    if value is None:
        return ""
    if name == "year" and isinstance(value, int):
        return school_year_label(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return value


def import_apply(*, batch: ImportBatch, by: User | None, progress: Progress = _no_progress) -> ImportBatch:
    """Write a checked import; the whole file or nothing.

    A failed write (``FAILED``, its checked data kept) can be applied again. When the database
    goes away during the write, the transaction takes every row with it; the import is marked
    failed with a message saying so, and :class:`ImportInterrupted` is raised.
    """
    batch.refresh_from_db()
    if batch.status not in (ImportStatus.READY, ImportStatus.APPLY_QUEUED, ImportStatus.FAILED):
        raise ImportRefused(f"Загрузку «{batch.file_name}» нельзя применить: она {batch.get_status_display().lower()}.")
    path = _frame_path(batch)
    if not path.exists():
        raise ImportRefused("Проверенные данные не найдены: загрузите файл ещё раз.")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.APPLYING)
    progress(5, "Чтение проверенных данных")
    frame = pl.read_parquet(path)
    connection.ensure_connection()
    writing_on = connection.connection  # a connection lost mid-write is replaced by Django on rollback
    try:
        with transaction.atomic():
            progress(20, "Сравнение с данными в базе")
            counts = _write(batch, frame, progress)
            progress(95, "Завершение записи")
            batch.added, batch.changed, batch.unchanged = counts
            batch.status = ImportStatus.APPLIED
            batch.applied_at = timezone.now()
            batch.applied_by = by
            batch.progress = 100
            batch.progress_message = "Данные загружены"
            batch.save()
    except Exception as error:
        logger.exception("import %s failed", batch.pk)
        message = _write_failure(error, connection_lost=connection.connection is not writing_on)
        _mark_failed(batch, message)
        if isinstance(error, (OperationalError, InterfaceError)):
            raise ImportInterrupted(message) from error
        raise
    finally:
        _progress_path(batch).unlink(missing_ok=True)
    path.unlink(missing_ok=True)
    return batch


def apply_retryable(batch: ImportBatch) -> bool:
    """Whether a failed import can be applied again: its write failed, its checked data are kept."""
    return batch.status == ImportStatus.FAILED and _frame_path(batch).exists()


def _write_failure(error: Exception, *, connection_lost: bool) -> str:
    if isinstance(error, InterfaceError) or (isinstance(error, OperationalError) and connection_lost):
        return CONNECTION_LOST
    if isinstance(error, OperationalError):
        reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        return WRITE_BROKEN_OFF.format(reason=reason)
    return WRITE_FAILED


def _mark_failed(batch: ImportBatch, message: str) -> None:
    """Note the failure on the import, over a new connection if the old one is gone."""
    batch.status, batch.progress_message = ImportStatus.FAILED, message
    for attempt in range(2):
        try:
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, progress_message=message)
            return
        except DatabaseError:
            if attempt or connection.in_atomic_block:
                logger.exception("import %s: the failure could not be noted", batch.pk)
                return
            connection.close()  # a broken connection: the next query opens a new one


def _write(batch: ImportBatch, frame: pl.DataFrame, progress: Progress) -> tuple[int, int, int]:
    if is_survey(batch.form_key):
        return responses_apply(batch=batch, frame=frame, progress=progress)
    if batch.form_key == "student-results":
        return student_results_apply(batch=batch, frame=frame, progress=progress)
    target = TARGETS[batch.form_key]
    diff = _diff(batch, frame)
    progress(50, "Запись в базу")
    apply_diff(batch=batch, target=target, diff=diff)
    return diff.added.height, diff.changed.height, diff.unchanged


def forget_checked_frame(batch: ImportBatch) -> None:
    """Remove the checked copy of a file that will not be written."""
    _frame_path(batch).unlink(missing_ok=True)


def discard_files(batch: ImportBatch) -> None:
    """Remove the stored upload and its checked copy (for a dry run, nothing stays behind)."""
    _frame_path(batch).unlink(missing_ok=True)
    if batch.file:
        batch.file.delete(save=False)
