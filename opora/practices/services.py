"""Writes of the bank of good practices: a practice's draft, its moderation, its materials; and the
search of the bank.

The way of a practice: черновик → на модерации → опубликована, or → возвращена на доработку
(with the moderator's remarks) → на модерации again; a published practice may be taken off
(снята с публикации), changed and sent again. Every step is kept (``PracticeStep``).

Each service checks the access table (``require``) and that the practice is in the user's scope;
``by=None`` is the installation (the command line, the demonstration region).
"""

from __future__ import annotations

from functools import reduce
from operator import and_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from opora.accounts.access import Action, require
from opora.accounts.models import User
from opora.core.search import query_stems, stems
from opora.practices.materials import material_check
from opora.practices.models import (
    EDITABLE,
    Practice,
    PracticeKind,
    PracticeMaterial,
    PracticeStatus,
    PracticeStep,
    StepKind,
)
from opora.risks.models import FactorSet, Measure, RiskFactor
from opora.schools.models import School

_TEXT_FIELDS = ("title", "summary", "description", "results", "subjects")


def practice_search_text(practice: Practice) -> str:
    """The stems of a practice's texts, padded so that a stem matches a whole word."""
    return f" {stems(' '.join(getattr(practice, name) for name in _TEXT_FIELDS))} "


def practice_search(queryset: QuerySet[Practice], query: str) -> QuerySet[Practice]:
    """The practices of ``queryset`` that match a query in Russian: «математике» finds «математика».

    PostgreSQL searches with its Russian full-text configuration; another database (SQLite) by the
    Snowball stems kept in ``search_text``: a practice matches when it has every stem of the query.
    """
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*_TEXT_FIELDS, config="russian")
        found = queryset.model.objects.annotate(search=vector).filter(
            search=SearchQuery(query, config="russian", search_type="plain")
        )
        return queryset.filter(pk__in=found.values("pk"))
    wanted = query_stems(query)
    if not wanted:
        return queryset
    return queryset.filter(reduce(and_, (Q(search_text__contains=f" {stem} ") for stem in wanted)))


def _in_scope(practice: Practice, by: User | None) -> None:
    if by is not None and not Practice.objects.visible_to(by).filter(pk=practice.pk).exists():
        raise ValidationError("Практика вне вашей области доступа.")


def _step(practice: Practice, kind: str, to: str, by: User | None, note: str = "") -> PracticeStep:
    step = PracticeStep.objects.create(
        practice=practice, kind=kind, status_from=practice.status, status_to=to, note=note.strip(), by=by
    )
    practice.status = to
    return step


def factor_choices(region_id: int) -> list[tuple[str, str]]:
    """The risk factors of a region (its latest set), as (key, name)."""
    factor_set = FactorSet.objects.filter(region_id=region_id).order_by("-version").first()
    if factor_set is None:
        return []
    return list(
        RiskFactor.objects.filter(factor_set=factor_set, retired=False).order_by("number").values_list("key", "name")
    )


def _subjects(text: str) -> str:
    parts = (part.strip().lower() for part in text.replace(";", ",").split(","))
    return ", ".join(dict.fromkeys(part for part in parts if part))


@transaction.atomic
def practice_save(*, practice: Practice | None, school: School, data: dict[str, Any], by: User | None) -> Practice:
    """Write a new practice as a draft, or change one in a draft, returned or unpublished state.

    ``data``: kind, title, summary, description, results, subjects, factor_keys, measures.
    """
    require(by, Action.SUBMIT_PRACTICE)
    if by is not None and not School.objects.visible_to(by).filter(pk=school.pk).exists():
        raise ValidationError({"school": ["Выберите школу своей области доступа."]})
    if practice is not None:
        _in_scope(practice, by)
        if practice.status not in EDITABLE:
            raise ValidationError(f"Практика в состоянии «{practice.get_status_display()}»: изменить её сейчас нельзя.")
    errors: dict[str, list[str]] = {}
    kind = data.get("kind") or PracticeKind.PRACTICE
    if kind not in PracticeKind.values:
        errors["kind"] = ["Выберите вид: практика или методические рекомендации."]
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = ["Назовите практику."]
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = ["Опишите практику: что, для кого и как делается."]
    known = dict(factor_choices(school.municipality.region_id))
    factor_keys = list(dict.fromkeys(data.get("factor_keys") or []))
    unknown = [key for key in factor_keys if key not in known]
    if unknown:
        errors["factor_keys"] = [f"Нет таких факторов риска в регионе школы: {', '.join(unknown)}."]
    measures = list(data.get("measures") or [])
    region_id = school.municipality.region_id
    if any(measure.region_id != region_id for measure in measures):
        errors["measures"] = ["Меры выбирают из каталога региона школы."]
    if errors:
        raise ValidationError(errors)
    created = practice is None
    if practice is None:
        practice = Practice(author=by) if by is not None else Practice(author=_installation_author(school))
    practice.school = school
    practice.kind = kind
    practice.title = title[:300]
    practice.summary = (data.get("summary") or "").strip()
    practice.description = description
    practice.results = (data.get("results") or "").strip()
    practice.subjects = _subjects(data.get("subjects") or "")[:500]
    practice.factor_keys = factor_keys
    practice.search_text = practice_search_text(practice)
    practice.save()
    practice.measures.set(measures)
    if created:
        PracticeStep.objects.create(practice=practice, kind=StepKind.CREATED, status_to=PracticeStatus.DRAFT, by=by)
    return practice


def _installation_author(school: School) -> User:
    """The author of a practice the installation writes (the demonstration): an administrator."""
    author = User.objects.filter(is_superuser=True).order_by("pk").first()
    if author is None:
        raise ValidationError("Практику пишет пользователь: укажите автора.")
    return author


@transaction.atomic
def practice_send(*, practice: Practice, by: User | None) -> PracticeStep:
    """Send a draft (or a returned, or an unpublished practice) to moderation."""
    require(by, Action.SUBMIT_PRACTICE)
    _in_scope(practice, by)
    if practice.status not in EDITABLE:
        raise ValidationError(
            f"Практика в состоянии «{practice.get_status_display()}»: на модерацию её отправить нельзя."
        )
    if not practice.summary.strip():
        raise ValidationError({"summary": ["Перед модерацией напишите кратко, в чём суть практики."]})
    step = _step(practice, StepKind.SUBMITTED, PracticeStatus.MODERATION, by)
    practice.save(update_fields=["status", "updated_at"])
    return step


def _moderated(practice: Practice, by: User | None) -> None:
    practice.moderated_by = by
    practice.moderated_at = timezone.now()


def _require_moderation(practice: Practice, by: User | None, verb: str) -> None:
    require(by, Action.MODERATE_PRACTICES)
    _in_scope(practice, by)
    if practice.status != PracticeStatus.MODERATION:
        raise ValidationError(f"{verb} можно только практику на модерации; эта — «{practice.get_status_display()}».")


@transaction.atomic
def practice_publish(*, practice: Practice, note: str = "", by: User | None) -> PracticeStep:
    """Publish a practice under moderation: the region's users and the public page see it."""
    _require_moderation(practice, by, "Опубликовать")
    step = _step(practice, StepKind.PUBLISHED, PracticeStatus.PUBLISHED, by, note)
    _moderated(practice, by)
    practice.moderation_remarks = ""
    practice.published_at = timezone.now()
    practice.save()
    return step


@transaction.atomic
def practice_return(*, practice: Practice, remarks: str, by: User | None) -> PracticeStep:
    """Return a practice to its authors with the moderator's remarks."""
    _require_moderation(practice, by, "Вернуть на доработку")
    if not remarks.strip():
        raise ValidationError({"remarks": ["Напишите замечания: что исправить перед публикацией."]})
    step = _step(practice, StepKind.RETURNED, PracticeStatus.RETURNED, by, remarks)
    _moderated(practice, by)
    practice.moderation_remarks = remarks.strip()
    practice.save()
    return step


@transaction.atomic
def practice_unpublish(*, practice: Practice, reason: str, by: User | None) -> PracticeStep:
    """Take a published practice off the bank and the public page, saying why."""
    require(by, Action.MODERATE_PRACTICES)
    _in_scope(practice, by)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError("Снять с публикации можно только опубликованную практику.")
    if not reason.strip():
        raise ValidationError({"reason": ["Напишите, почему практика снимается с публикации."]})
    step = _step(practice, StepKind.UNPUBLISHED, PracticeStatus.UNPUBLISHED, by, reason)
    _moderated(practice, by)
    practice.moderation_remarks = reason.strip()
    practice.save()
    return step


@transaction.atomic
def material_add(*, practice: Practice, upload, by: User | None) -> PracticeMaterial:
    """Attach a file to a practice the authors may change; its type is checked by name and content."""
    require(by, Action.SUBMIT_PRACTICE)
    _in_scope(practice, by)
    if practice.status not in EDITABLE:
        raise ValidationError(f"Практика в состоянии «{practice.get_status_display()}»: материалы сейчас не меняются.")
    if upload is None:
        raise ValidationError({"file": ["Выберите файл."]})
    checked = material_check(upload)
    return PracticeMaterial.objects.create(
        practice=practice,
        file=upload,
        original_name=checked.name,
        size=upload.size,
        content_type=checked.content_type,
        uploaded_by=by,
    )


@transaction.atomic
def material_remove(*, material: PracticeMaterial, by: User | None) -> None:
    """Remove a material of a practice the authors may change (the stored file too, after the commit)."""
    practice = material.practice
    require(by, Action.SUBMIT_PRACTICE)
    _in_scope(practice, by)
    if practice.status not in EDITABLE:
        raise ValidationError(f"Практика в состоянии «{practice.get_status_display()}»: материалы сейчас не меняются.")
    stored, name = material.file.storage, material.file.name
    material.delete()
    transaction.on_commit(lambda: stored.delete(name))


def measures_for(region_id: int) -> QuerySet[Measure]:
    """The catalog of a region, for the choice of the measures a practice implements."""
    return Measure.objects.filter(region_id=region_id).order_by("ident")
