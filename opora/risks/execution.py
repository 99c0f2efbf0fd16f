"""The work of a profile run: read the region's data and answers, apply the rules, store the profiles.

Started through ``opora.risks.services`` (``profiles_start``), run by ``opora.risks.tasks``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import polars as pl
from django.db import transaction
from django.utils import timezone

from opora.analytics.risks import LEVELS, risk_indicator_values, risk_levels
from opora.identification.models import IdentificationRun, RunStatus
from opora.results.frames import outcomes_frame, results_frame
from opora.risks.models import (
    IndicatorRule,
    ProfileFactor,
    ProfileRun,
    QuestionItem,
    RiskProfile,
    SurveyResponse,
)
from opora.schools.frames import context_frame, schools_frame
from opora.schools.models import School
from opora.support.frames import TEACHERS

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
MIN_ANSWERS = 5
"""A questionnaire figure stands on at least this many answers, so no one can be singled out."""


def _no_progress(percent: int, message: str) -> None:
    return None


def run_progress(run: ProfileRun) -> Progress:
    def report(percent: int, message: str) -> None:
        ProfileRun.objects.filter(pk=run.pk).update(progress=percent, progress_message=message[:300])

    return report


def questionnaire_values(region_id: int, year_id: int) -> pl.DataFrame:
    """Per school, audience and factor: the mean share of favourable answers, 0–100.

    Only where at least :data:`MIN_ANSWERS` filled questionnaires of the audience stand behind it.
    """
    items = {
        (item.section.questionnaire_id, item.key): item
        for item in QuestionItem.objects.filter(section__questionnaire__region_id=region_id).select_related(
            "section__questionnaire"
        )
    }
    rows = []
    responses = SurveyResponse.objects.filter(school__municipality__region_id=region_id, year_id=year_id).values_list(
        "pk", "school__code", "questionnaire_id", "questionnaire__audience", "answers"
    )
    for pk, code, questionnaire_id, audience, answers in responses.iterator(chunk_size=2000):
        for key, answer in answers.items():
            item = items.get((questionnaire_id, key))
            if item is not None:
                rows.append((pk, code, audience, item.factor_key, item.favourable(int(answer))))
    schema = {"response": pl.Int64, "code": pl.String, "audience": pl.String, "factor": pl.String, "score": pl.Float64}
    answered = pl.DataFrame(rows, schema=schema, orient="row")
    if answered.is_empty():
        return pl.DataFrame(
            schema={"code": pl.String, "indicator": pl.String, "value": pl.Float64, "factor": pl.String}
        )
    per_response = answered.group_by("response", "code", "audience", "factor").agg(pl.col("score").mean())
    return (
        per_response.group_by("code", "audience", "factor")
        .agg(pl.col("score").mean().alias("value"), pl.len().alias("answers"))
        .filter(pl.col("answers") >= MIN_ANSWERS)
        .select("code", pl.concat_str(pl.lit("questionnaire:"), "audience").alias("indicator"), "value", "factor")
        .sort("code", "indicator", "factor")
    )


def _identification(run: ProfileRun) -> pl.DataFrame | None:
    """What the latest finished identification of the year found, per school."""
    latest = (
        IdentificationRun.objects.filter(region=run.region, year=run.year, status=RunStatus.DONE)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        return None
    rows = latest.schools.values_list("code", "years_in_bottom", "value_added", "objectivity_risk")
    return pl.DataFrame(
        [(code, years, added, None if risk is None else int(risk)) for code, years, added, risk in rows],
        schema={
            "code": pl.String,
            "years_in_bottom": pl.Int64,
            "value_added": pl.Float64,
            "objectivity_risk": pl.Int64,
        },
        orient="row",
    )


def _rules(run: ProfileRun) -> pl.DataFrame:
    rows = [
        (rule.factor.key, rule.indicator_key, rule.operator, rule.high, rule.medium, rule.low, rule.weight)
        for rule in IndicatorRule.objects.filter(
            factor__factor_set=run.factor_set, factor__retired=False
        ).select_related("factor")
    ]
    return pl.DataFrame(
        rows,
        schema={
            "factor": pl.String,
            "indicator": pl.String,
            "operator": pl.String,
            "high": pl.Float64,
            "medium": pl.Float64,
            "low": pl.Float64,
            "weight": pl.Float64,
        },
        orient="row",
    )


def profiles_execute(*, run: ProfileRun, progress: Progress = _no_progress) -> ProfileRun:
    """Compute the run and store every school's profile; a failure is recorded on the run and raised."""
    ProfileRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    try:
        return _execute(run, progress)
    except Exception as error:
        logger.exception("risk profile run %s failed", run.pk)
        ProfileRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            progress=100,
            progress_message="Сбой расчёта",
        )
        raise


def _execute(run: ProfileRun, progress: Progress) -> ProfileRun:
    year = run.year.end_year
    progress(10, "Чтение данных региона")
    schools = schools_frame(run.region)
    context = context_frame(run.region, years=list(range(year - 4, year + 1)))
    results = results_frame(run.region, years=[year])
    outcomes = outcomes_frame(run.region, years=[year])
    teachers = TEACHERS.read(region=run.region, columns=("code", "deficits", "last_training_year", "category"))
    progress(40, "Ответы анкет")
    answers = questionnaire_values(run.region_id, run.year_id)
    progress(55, "Показатели и уровни факторов")
    values = pl.concat(
        [
            risk_indicator_values(
                year=year,
                schools=schools,
                context=context,
                results=results,
                outcomes=outcomes,
                teachers=teachers,
                identification=_identification(run),
            ).with_columns(pl.lit(None, dtype=pl.String).alias("factor")),
            answers,
        ],
        how="vertical_relaxed",
    )
    active = pl.col("code").is_in(schools["code"].implode())
    evidence, factors = risk_levels(values.filter(active), _rules(run))
    progress(80, "Сохранение профилей")
    with transaction.atomic():
        _store(run, schools, evidence, factors)
        run.summary = _summary(run, factors, schools.height)
        run.status = RunStatus.DONE
        run.progress = 100
        run.progress_message = "Расчёт завершён"
        run.finished_at = timezone.now()
        run.save()
    return run


def _clean(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _store(run: ProfileRun, schools: pl.DataFrame, evidence: pl.DataFrame, factors: pl.DataFrame) -> None:
    ids = dict(School.objects.filter(municipality__region=run.region).values_list("code", "pk"))
    stored_factors = {factor.key: factor for factor in run.factor_set.factors.filter(retired=False)}
    profiles = RiskProfile.objects.bulk_create(
        [
            RiskProfile(run=run, school_id=ids[row["code"]], code=row["code"], name=row["name"] or "",
                        municipality=row["municipality"] or "")
            for row in schools.iter_rows(named=True)
            if row["code"] in ids
        ],
        batch_size=1000,
    )  # fmt: skip
    by_code = {profile.code: profile for profile in profiles}
    levels = {(row["code"], row["factor"]): row for row in factors.iter_rows(named=True)}
    proofs: dict[tuple[str, str], list[dict]] = {}
    for row in evidence.iter_rows(named=True):
        proofs.setdefault((row["code"], row["factor"]), []).append(
            {
                "indicator": row["indicator"],
                "value": row["value"],
                "operator": row["operator"],
                "high": _clean(row["high"]),
                "medium": _clean(row["medium"]),
                "low": _clean(row["low"]),
                "weight": row["weight"],
                "level": row["level"],
            }
        )
    ProfileFactor.objects.bulk_create(
        [
            ProfileFactor(
                profile=profile,
                factor=factor,
                level=levels[(code, key)]["level"] if (code, key) in levels else None,
                score=levels[(code, key)]["score"] if (code, key) in levels else None,
                evidence=proofs.get((code, key), []),
            )
            for code, profile in by_code.items()
            for key, factor in stored_factors.items()
        ],
        batch_size=2000,
    )


def _summary(run: ProfileRun, factors: pl.DataFrame, schools: int) -> dict:
    keys = run.factor_set.factors.filter(retired=False).values_list("key", flat=True)
    counts = {key: dict.fromkeys(LEVELS, 0) for key in keys}
    for row in factors.group_by("factor", "level").len().iter_rows(named=True):
        if row["factor"] in counts:
            counts[row["factor"]][LEVELS[row["level"]]] = row["len"]
    for by_level in counts.values():
        by_level["нет данных"] = schools - sum(by_level.values())
    return {"schools": schools, "levels": counts}
