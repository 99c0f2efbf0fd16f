"""Every write of the risk profiles: a region's defaults, factor sets and rules, questionnaires and their
links and answers, profile runs, expert judgements, priorities and the catalog of measures.

Pages, the command line and the API call only these functions; a profile run is enqueued once
it is committed, and computed by ``opora.risks.execution``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from opora.accounts.models import User
from opora.analytics.risks import LEVELS, RISK_INDICATORS, rule_errors
from opora.core.heartbeat import heartbeat
from opora.core.tasks import enqueue_on_commit
from opora.risks import defaults, tasks
from opora.risks.execution import Progress, profiles_execute
from opora.risks.models import (
    Audience,
    FactorSet,
    IndicatorRule,
    LevelOverride,
    Measure,
    MeasureKind,
    PriorityFactor,
    ProfileRun,
    QuestionItem,
    Questionnaire,
    QuestionSection,
    RiskFactor,
    Scale,
    SurveyLink,
    SurveyResponse,
)
from opora.risks.recovery import runs_interrupted_fail
from opora.schools.models import Region, School, SchoolYear

MAX_PRIORITIES = 3


# --- a region's defaults -------------------------------------------------------------------------


@transaction.atomic
def risk_defaults_create(*, region: Region) -> None:
    """Give the region the default factors, questionnaires and catalog it lacks (existing data stays)."""
    defaults.load(region.pk, apps.get_model)


def _measure_search_text(*parts: str) -> str:
    return defaults.search_text(*parts)


def latest_factor_set(region: Region) -> FactorSet:
    factor_set = FactorSet.objects.filter(region=region).order_by("-version").first()
    if factor_set is None:
        raise FactorSet.DoesNotExist(f"У региона «{region}» нет набора факторов риска.")
    return factor_set


# --- factors and rules ---------------------------------------------------------------------------


def _copy_set(base: FactorSet, *, by: User | None, comment: str) -> FactorSet:
    copy = FactorSet.objects.create(
        region_id=base.region_id,
        version=base.version + 1,
        title=base.title,
        comment=comment,
        created_by=by,
    )
    for factor in base.factors.prefetch_related("rules"):
        rules = list(factor.rules.all())
        factor.pk = None
        factor.factor_set = copy
        factor.save()
        for rule in rules:
            rule.pk = None
            rule.factor = factor
        IndicatorRule.objects.bulk_create(rules)
    return copy


@transaction.atomic
def factor_set_for_editing(*, region: Region, by: User, comment: str) -> FactorSet:
    """The version a change goes into: the latest one, or a new copy of it if profiles used it.

    A profile keeps the version it was computed by, so a used version never changes.
    """
    latest = FactorSet.objects.select_for_update().filter(region=region).order_by("-version").first()
    if latest is None:
        raise ValidationError("У региона нет набора факторов риска.")
    if not latest.runs.exists():
        if comment:
            latest.comment = f"{latest.comment}\n{comment}".strip()
            latest.save(update_fields=["comment"])
        return latest
    return _copy_set(latest, by=by, comment=comment)


@transaction.atomic
def factor_save(
    *,
    factor: RiskFactor,
    name: str,
    description: str,
    retired: bool,
    rules: list[dict[str, Any]],
    by: User,
    comment: str,
) -> RiskFactor:
    """Change a factor (its name, description, whether it is used) and its rules, in an editable version.

    ``rules`` are dicts with the fields of :class:`IndicatorRule`; every rule is checked and the
    errors say which one is wrong. Returns the factor of the version that holds the change.
    """
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Укажите наименование фактора."]
    for number, rule in enumerate(rules, start=1):
        problems = rule_errors(rule["operator"], rule.get("high"), rule.get("medium"), rule.get("low"), rule["weight"])
        if rule["indicator"] not in RISK_INDICATORS:
            problems.append(f"Неизвестный показатель «{rule['indicator']}».")
        if rule["indicator"] == "questionnaire" and rule.get("audience") not in Audience.values:
            problems.append("Для ответов анкеты укажите, чьей анкеты.")
        errors.update({f"rule_{number}": [f"Правило {number}: {problem}" for problem in problems]} if problems else {})
    if errors:
        raise ValidationError(errors)
    target_set = factor_set_for_editing(
        region=factor.factor_set.region, by=by, comment=comment or f"Изменён фактор «{name.strip()}»."
    )
    target = target_set.factors.get(key=factor.key)
    target.name, target.description, target.retired = name.strip(), description.strip(), retired
    target.save()
    target.rules.all().delete()
    IndicatorRule.objects.bulk_create(
        IndicatorRule(
            factor=target,
            indicator=rule["indicator"],
            audience=rule.get("audience", "") if rule["indicator"] == "questionnaire" else "",
            operator=rule["operator"],
            high=rule.get("high"),
            medium=rule.get("medium"),
            low=rule.get("low"),
            weight=rule["weight"],
            explanation=rule.get("explanation", ""),
        )
        for rule in rules
    )
    return target


@transaction.atomic
def factor_add(*, region: Region, key: str, name: str, description: str, by: User) -> RiskFactor:
    """Add a factor (for a new year), without rules yet: its level is «нет данных» until it has one."""
    key = key.strip().lower()
    if not key or not key.replace("_", "").isalnum() or not key.isascii():
        raise ValidationError({"key": ["Ключ — латинские буквы, цифры и «_», например «digital_skills»."]})
    if not name.strip():
        raise ValidationError({"name": ["Укажите наименование фактора."]})
    target_set = factor_set_for_editing(region=region, by=by, comment=f"Добавлен фактор «{name.strip()}».")
    if target_set.factors.filter(key=key).exists():
        raise ValidationError({"key": [f"Фактор с ключом «{key}» уже есть."]})
    number = (target_set.factors.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return RiskFactor.objects.create(
        factor_set=target_set, key=key, number=number, name=name.strip(), description=description.strip()
    )


# --- questionnaires, links, answers --------------------------------------------------------------


@transaction.atomic
def item_save(
    *, item: QuestionItem | None, section: QuestionSection, text: str, scale: str, factor_key: str, reverse: bool
) -> QuestionItem:
    """Add or change a question of a questionnaire."""
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Напишите вопрос или утверждение."]
    if scale not in Scale.values:
        errors["scale"] = ["Выберите шкалу ответов."]
    known = set(latest_factor_set(section.questionnaire.region).factors.values_list("key", flat=True))
    if factor_key not in known:
        errors["factor_key"] = ["Выберите фактор риска, о котором вопрос."]
    if errors:
        raise ValidationError(errors)
    if item is None:
        number = (section.items.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        prefix = section.questionnaire.audience[0]
        taken = set(
            QuestionItem.objects.filter(section__questionnaire=section.questionnaire).values_list("key", flat=True)
        )
        serial = len(taken) + 1
        while f"{prefix}{serial:02d}" in taken:
            serial += 1
        item = QuestionItem(section=section, number=number, key=f"{prefix}{serial:02d}")
    item.text, item.scale, item.factor_key, item.reverse = text.strip(), scale, factor_key, reverse
    item.save()
    return item


@transaction.atomic
def section_save(*, questionnaire: Questionnaire, section: QuestionSection | None, title: str) -> QuestionSection:
    """Add a section to a questionnaire or rename one."""
    if not title.strip():
        raise ValidationError({"title": ["Укажите название раздела."]})
    if section is None:
        number = (questionnaire.sections.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        section = QuestionSection(questionnaire=questionnaire, number=number)
    section.title = title.strip()
    section.save()
    return section


def _token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def links_create(
    *,
    schools: list[School],
    questionnaire: Questionnaire,
    year: SchoolYear,
    opens_on: datetime.date,
    closes_on: datetime.date,
    by: User | None,
) -> list[SurveyLink]:
    """A new anonymous link for each school (a school's earlier open link of the audience is revoked)."""
    if closes_on < opens_on:
        raise ValidationError({"closes_on": ["Ссылка закрывается раньше, чем открывается."]})
    if (closes_on - opens_on).days > 120:
        raise ValidationError({"closes_on": ["Ссылка открыта не дольше 120 дней: анкетирование — за одну четверть."]})
    now = timezone.now()
    SurveyLink.objects.filter(
        school__in=schools, questionnaire=questionnaire, year=year, revoked_at__isnull=True
    ).update(revoked_at=now)
    return SurveyLink.objects.bulk_create(
        SurveyLink(
            questionnaire=questionnaire,
            school=school,
            year=year,
            token=_token(),
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )
        for school in schools
    )


def link_revoke(*, link: SurveyLink, by: User) -> SurveyLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


class LinkClosed(Exception):
    """The link is revoked, not yet open or already closed; the message says which, in Russian."""


def link_state(link: SurveyLink, today: datetime.date | None = None) -> str:
    """«открыта», «отозвана», «ещё не открыта» or «закрыта»."""
    today = today or timezone.localdate()
    if link.revoked_at is not None:
        return "отозвана"
    if today < link.opens_on:
        return "ещё не открыта"
    if today > link.closes_on:
        return "закрыта"
    return "открыта"


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode("utf-8")).hexdigest()


@transaction.atomic
def response_submit(*, link: SurveyLink, answers: dict[str, int]) -> SurveyResponse:
    """Store one filled questionnaire from its anonymous link: the answers only, nothing of the person."""
    state = link_state(link)
    if state != "открыта":
        raise LinkClosed(f"Анкета {state}: ответы по этой ссылке не принимаются.")
    items = {item.key: item for item in QuestionItem.objects.filter(section__questionnaire=link.questionnaire)}
    clean = {key: value for key, value in answers.items() if key in items and 1 <= value <= len(items[key].answers)}
    if not clean:
        raise ValidationError("Ответьте хотя бы на один вопрос.")
    submitted = timezone.now()
    return SurveyResponse.objects.create(
        questionnaire=link.questionnaire,
        school=link.school,
        year=link.year,
        link=link,
        submitted_at=submitted,
        answers=clean,
        fingerprint=_fingerprint(link.pk, submitted.isoformat(), secrets.token_hex(8)),
    )


# --- profiles ------------------------------------------------------------------------------------


@transaction.atomic
def profiles_start(*, region: Region, year: SchoolYear, by: User | None) -> ProfileRun:
    """A run of the region's risk profiles for a school year by its latest factor set; computed in the background."""
    runs_interrupted_fail()  # runs left by a worker that died mid-run: failed, so they can be started again
    run = ProfileRun.objects.create(region=region, year=year, factor_set=latest_factor_set(region), created_by=by)
    enqueue_on_commit(tasks.execute_profiles, run.pk)
    return run


def profiles_now(*, region: Region, year: SchoolYear, by: User | None, progress: Progress) -> ProfileRun:
    """A run computed at once (the command line waits for it), giving signs of life as a worker's run does."""
    run = ProfileRun.objects.create(region=region, year=year, factor_set=latest_factor_set(region), created_by=by)
    with heartbeat(ProfileRun.objects.filter(pk=run.pk)):
        return profiles_execute(run=run, progress=progress)


@transaction.atomic
def level_judge(
    *, school: School, year: SchoolYear, factor_key: str, level: int | None, reason: str, by: User
) -> LevelOverride:
    """An expert judgement of a factor's level (``None``: back to the computed level), with its reason.

    Every judgement is kept beside the computed level; the latest is in force.
    """
    if not reason.strip():
        raise ValidationError({"reason": ["Обоснуйте оценку: что вы видели, на чём основано решение."]})
    if level is not None and not 0 <= level < len(LEVELS):
        raise ValidationError({"level": ["Выберите уровень."]})
    return LevelOverride.objects.create(
        school=school, year=year, factor_key=factor_key, level=level, reason=reason.strip(), created_by=by
    )


@transaction.atomic
def priorities_set(*, school: School, year: SchoolYear, factor_keys: list[str], by: User) -> list[PriorityFactor]:
    """The school's priority factors for the year: up to three, replacing the earlier choice."""
    keys = list(dict.fromkeys(factor_keys))
    if len(keys) > MAX_PRIORITIES:
        raise ValidationError({"factors": [f"Выберите не больше {MAX_PRIORITIES} приоритетных факторов."]})
    known = set(latest_factor_set(school.municipality.region).factors.values_list("key", flat=True))
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError({"factors": [f"Неизвестный фактор: {', '.join(unknown)}."]})
    PriorityFactor.objects.filter(school=school, year=year).delete()
    return bulk_create_with_history(  # the choice is kept in the journal of changes, as its replacement is
        [PriorityFactor(school=school, year=year, factor_key=key, chosen_by=by) for key in keys],
        PriorityFactor,
        default_user=by,
    )


# --- catalog ---------------------------------------------------------------------------------------


@transaction.atomic
def measure_save(
    *,
    region: Region,
    measure: Measure | None,
    text: str,
    factor_keys: list[str],
    kind: str,
    owner: str,
    timing: str,
    expected_result: str,
    source: str,
) -> Measure:
    """Add a measure to the region's catalog or change one."""
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Опишите меру."]
    if not factor_keys:
        errors["factor_keys"] = ["Выберите хотя бы один фактор риска, против которого мера."]
    if kind not in MeasureKind.values:
        errors["kind"] = ["Выберите вид меры."]
    if errors:
        raise ValidationError(errors)
    if measure is None:
        taken = Measure.objects.filter(region=region, ident__startswith="р-").count()
        measure = Measure(region=region, ident=f"р-{taken + 1:03d}", source=source or "добавлена в регионе")
    else:
        measure.source = source.strip() or measure.source
    measure.text, measure.factor_keys, measure.kind = text.strip(), list(factor_keys), kind
    measure.owner, measure.timing, measure.expected_result = owner.strip(), timing.strip(), expected_result.strip()
    measure.search_text = _measure_search_text(measure.text, measure.expected_result, measure.owner)
    measure.save()
    return measure
