"""The work of an identification run: read the region's data, compute, store the full output.

Started through ``opora.identification.services`` (``run_start``), run by the background task of
``opora.identification.tasks``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from opora.analytics import identify, to_report_frame
from opora.identification.flags import FLAG_KEYS
from opora.identification.inputs import frame_checksum, region_inputs
from opora.identification.models import IdentificationRun, RunSchool, RunStatus
from opora.identification.queries import listed_codes
from opora.schools.models import School

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]


def _no_progress(percent: int, message: str) -> None:
    return None


def run_progress(run: IdentificationRun) -> Progress:
    def report(percent: int, message: str) -> None:
        IdentificationRun.objects.filter(pk=run.pk).update(progress=percent, progress_message=message[:300])

    return report


def run_execute(*, run: IdentificationRun, progress: Progress = _no_progress) -> IdentificationRun:
    """Compute the run and store its full output; a failure is recorded on the run and raised."""
    IdentificationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        return _execute(run, progress)
    except Exception as error:
        logger.exception("identification run %s failed", run.pk)
        IdentificationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            progress=100,
            progress_message="Сбой расчёта",
        )
        raise


def _execute(run: IdentificationRun, progress: Progress) -> IdentificationRun:
    parameters = run.methodology.params
    progress(10, "Чтение данных региона")
    inputs = region_inputs(
        run.region,
        year=run.year.end_year,
        window=parameters.years_window,
        student_results=parameters.use_student_results,
    )
    if inputs["results"] is None or inputs["results"].is_empty():
        raise ValueError(f"Нет результатов за {run.year} учебный год и предыдущие годы: загрузите их.")
    progress(35, "Расчёт индексов, ИСБШ, добавленной ценности и кластеров")
    # The ШНОР supported in the year (the list in force, else the previous year's run): their exit.
    listed = listed_codes(run.region, run.year.end_year, ("low_results",))
    result = identify(**inputs, year=run.year.end_year, methodology=parameters, listed=listed)
    progress(80, "Сохранение результатов")
    # Sums of floats run in parallel in a different order each time: figures are kept to 9
    # decimals, so the same inputs give the same stored output and checksum.
    report = to_report_frame(result).with_columns(pl.col(pl.Float64).round(PRECISION))
    with transaction.atomic():
        _store_lines(run, result)
        run.input_checksums = {key: frame_checksum(frame) for key, frame in inputs.items() if frame is not None}
        if listed is not None:
            run.input_checksums["listed"] = frame_checksum(pl.DataFrame({"code": listed}, schema={"code": pl.String}))
        run.output_checksum = frame_checksum(report)
        run.summary = _summary(result)
        # The procedures whose results the run read: the order's preamble names them.
        run.summary["procedures"] = sorted(inputs["results"]["procedure"].unique().to_list())
        run.status = RunStatus.DONE
        run.progress = 100
        run.progress_message = "Расчёт завершён"
        run.finished_at = timezone.now()
        run.save()
    return run


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rounded(value: Any) -> Any:
    return round(value, PRECISION) if isinstance(value, float) else value


def _rows_by_code(frame: pl.DataFrame, **filters: Any) -> dict[str, list[dict]]:
    for column, value in filters.items():
        frame = frame.filter(pl.col(column) == value)
    grouped: dict[str, list[dict]] = {}
    for row in frame.iter_rows(named=True):
        grouped.setdefault(row["code"], []).append(_json_safe(row))
    return grouped


PRECISION = 9
LINE_FIELDS = (
    "results_index",
    "results_index_lower",
    "results_index_upper",
    "wellbeing_index",
    "value_added",
    "cluster",
    "years_in_bottom",
    "low_results_probability",
    *FLAG_KEYS,
)


def _store_lines(run: IdentificationRun, result) -> None:
    year = run.year.end_year
    schools = dict(School.objects.filter(municipality__region=run.region).values_list("code", "pk"))
    yearly = _rows_by_code(result.yearly)
    signals = _rows_by_code(result.objectivity_signals_long, year=year)
    wellbeing = _rows_by_code(result.wellbeing, year=year)
    missing = _rows_by_code(result.missing_context)
    rosobrnadzor = _rows_by_code(result.rosobrnadzor_tests) if result.rosobrnadzor_tests.height else {}
    lines = []
    for row in result.schools.iter_rows(named=True):
        code = row["code"]
        values = {name: _rounded(_json_safe(row[name])) for name in LINE_FIELDS}
        lines.append(
            RunSchool(
                run=run,
                school_id=schools[code],
                code=code,
                name=row["name"] or "",
                municipality=row["municipality"] or "",
                low_results_cause=row["low_results_cause"] or "",
                unknown_reasons={
                    key: row[f"{key}_unknown_reason"]
                    for key in FLAG_KEYS
                    if row.get(key) is None and row.get(f"{key}_unknown_reason")
                },
                explanation=row["explanation"] or "",
                details={
                    "row": _json_safe(row),
                    "yearly": yearly.get(code, []),
                    "signals": signals.get(code, []),
                    "wellbeing": (wellbeing.get(code) or [{}])[0],
                    "missing": missing.get(code, []),
                    "rosobrnadzor": rosobrnadzor.get(code, []),
                },
                **values,
            )
        )
    RunSchool.objects.bulk_create(lines, batch_size=1000)


def _summary(result) -> dict[str, Any]:
    schools = result.schools
    year = result.year
    return _json_safe(
        {
            "schools": schools.height,
            "counts": {key: int(schools[key].sum()) for key in FLAG_KEYS},
            "unknown": {key: int(schools[key].null_count()) for key in FLAG_KEYS},
            "median_index": schools["median_index"].drop_nulls().first() if "median_index" in schools.columns else None,
            "coefficients": result.value_added_coefficients.filter(pl.col("year") == year).to_dicts(),
            "context_reference": result.context_reference.filter(pl.col("year") == year).to_dicts(),
            "cluster_profiles": result.cluster_profiles.to_dicts(),
            "cluster_scores": result.cluster_scores.to_dicts(),
            "notes": list(result.notes),
            "missing_context": result.missing_context.height,
            "works": result.works.to_dicts(),
            "low_results_thresholds": result.low_results_thresholds.to_dicts(),
        }
    )
