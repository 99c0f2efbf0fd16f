"""The audit of an installation: who changed what and when, from what to what, read from the history.

Every model that keeps a history (``history = HistoricalRecords()``, django-simple-history) is
audited: each save or deletion leaves a record with the time, the user of the request and the
values as they became. Here those records become entries a person reads — «когда, кто, что
сделано (создано / изменено / удалено), поле, было, стало» — with the fields' Russian names and
the labels of their choices; on an object's page (:func:`history_entries`) and for a period
across every audited model, as a workbook (:func:`period_entries`, :func:`audit_workbook`).

Personal data erased on request is erased from the history too (:func:`history_erase`); the fact
of the erasure stays as a record of its own, with who did it and when.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from opora.core.formatting import EMPTY
from opora.core.tables import workbook_bytes

ACTIONS = {"+": "создано", "~": "изменено", "-": "удалено"}
UNKNOWN_BEFORE = "нет данных"
SYSTEM = "система"
PAGE_LIMIT = 50
"""How many of an object's latest changes its page shows (the rest are in the period's journal)."""
AUDIT_COLUMNS = ("Когда", "Кто", "Что сделано", "Раздел", "Объект", "Поле", "Было", "Стало", "Примечание")

# Which history records of a model the reader may see: the queryset narrowed, or None for none of them.
Restriction = Callable[[type[models.Model], models.QuerySet], models.QuerySet | None]


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditEntry:
    """One change of one object: when, by whom, what was done, and the fields it changed."""

    when: datetime.datetime
    who: str
    action: str
    section: str
    subject: str
    note: str
    changes: tuple[FieldChange, ...]


def audited_models() -> list[type[models.Model]]:
    """The models of the installation that keep a history, in the order of the apps."""
    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None) and not model._meta.proxy
    ]


def _history(model: type[models.Model]) -> models.Manager:
    return getattr(model, model._meta.simple_history_manager_attribute)


def _shown_fields(record_model) -> list[models.Field]:
    """The fields a person changes: tracked by the history, editable, not the key."""
    return [field for field in record_model.tracked_fields if field.editable and not field.primary_key]


def _capital(name: object) -> str:
    """«код ОО» → «Код ОО» (``str.capitalize`` would make it «Код оо»)."""
    text = str(name)
    return text[:1].upper() + text[1:]


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return SYSTEM
    full_name = getattr(user, "full_name", "") or user.get_full_name()
    return full_name or user.get_username()


class _Labels:
    """Names of the objects foreign keys point to, read in one query per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, field: models.Field, value: object) -> None:
        if value is not None:
            self.wanted[field.related_model].add(value)

    def load(self) -> None:
        for model, keys in self.wanted.items():
            found = model._base_manager.in_bulk(list(keys))
            for key in keys:
                item = found.get(key)
                self.names[(model, key)] = str(item) if item is not None else f"№ {key} (удалено)"
        self.wanted.clear()

    def name(self, field: models.Field, value: object) -> str:
        return self.names.get((field.related_model, value), f"№ {value}")


def _shown(field: models.Field, value: object, labels: _Labels) -> str:
    """A stored value as the page shows it: a choice by its label, a link by its object's name."""
    if value is None or value == "":
        return EMPTY
    if field.is_relation:
        return labels.name(field, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else EMPTY
    return str(value)


def _raw_changes(record, before, fields: list[models.Field]) -> list[tuple[models.Field, object, object, bool]]:
    """(field, value before, value after, whether the value before is known) of one record."""
    if record.history_type == "-":
        return []
    changes = []
    for field in fields:
        after = getattr(record, field.attname)
        if record.history_type == "+" or before is None:
            if after not in (None, "", {}, []):
                changes.append((field, None, after, record.history_type == "+"))
            continue
        previous = getattr(before, field.attname)
        if previous != after:
            changes.append((field, previous, after, True))
    return changes


def _entries(model: type[models.Model], records: Iterable, previous: dict) -> list[AuditEntry]:
    """Entries of a model's records ordered by object and time; ``previous``: the record before each object's first."""
    record_model = _history(model).model
    fields = _shown_fields(record_model)
    pk = model._meta.pk.attname
    labels = _Labels()
    pending = []
    subjects: dict[object, str] = {}
    for record in records:
        key = getattr(record, pk)
        raw = _raw_changes(record, previous.get(key), fields)
        previous[key] = record
        if record.history_type == "~" and not raw and not record.history_change_reason:
            continue  # a save that changed nothing the history keeps (a password, a repeated save)
        for field, before, after, _known in raw:
            if field.is_relation:
                labels.want(field, before)
                labels.want(field, after)
        subjects[key] = record  # the latest state names the object
        pending.append((record, key, raw))
    labels.load()
    # Built from the record alone: ``record.instance`` reads the live row when a field is excluded from the history.
    tracked = [field.attname for field in record_model.tracked_fields]
    names = {key: str(model(**{name: getattr(record, name) for name in tracked})) for key, record in subjects.items()}
    section = _capital(model._meta.verbose_name)
    # A model may read a field of its own (a methodology's parameters, kept as JSON) in its own words.
    describe = getattr(model, "audit_field_changes", None)
    entries = []
    for record, key, raw in pending:
        changes = []
        for field, before, after, known in raw:
            described = describe(field.name, before, after) if describe is not None else None
            if described is not None:
                changes += [
                    FieldChange(label, was if known else UNKNOWN_BEFORE, became) for label, was, became in described
                ]
                continue
            changes.append(
                FieldChange(
                    _capital(field.verbose_name),
                    _shown(field, before, labels) if known else UNKNOWN_BEFORE,
                    _shown(field, after, labels),
                )
            )
        entries.append(
            AuditEntry(
                when=timezone.localtime(record.history_date),
                who=_who(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                section=section,
                subject=names[key],
                note=record.history_change_reason or "",
                changes=tuple(changes),
            )
        )
    return entries


def _ordered(queryset: models.QuerySet, model: type[models.Model]) -> models.QuerySet:
    return queryset.select_related("history_user").order_by(model._meta.pk.attname, "history_date", "history_id")


def history_entries(*histories: models.QuerySet, limit: int | None = None) -> list[AuditEntry]:
    """The history of some objects (``program.history.all()``, ``Activity.history.filter(program_id=…)``),
    newest first, each change against the object's record before it.

    With ``limit`` only the newest records of each history are read, with the one record before
    each object's earliest of them: a page's cost does not grow with the length of the history.
    """
    entries: list[AuditEntry] = []
    for history in histories:
        model = history.model.instance_type
        if limit is None:
            entries += _entries(model, _ordered(history, model).iterator(chunk_size=2_000), {})
            continue
        pk = model._meta.pk.attname
        records = history.model._default_manager
        before = (
            records.filter(**{pk: OuterRef(pk)}, history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        newest = list(
            history.select_related("history_user")
            .annotate(previous_id=Subquery(before))
            .order_by("-history_date", "-history_id")[:limit]
        )
        newest.sort(key=lambda record: (getattr(record, pk), record.history_date, record.history_id))
        earliest: dict = {}
        for record in newest:
            earliest.setdefault(getattr(record, pk), record)
        wanted = [record.previous_id for record in earliest.values() if record.previous_id is not None]
        if not newest:
            continue
        # Objects created among the newest records have no record before them: nothing more to read.
        previous = {getattr(record, pk): record for record in records.filter(history_id__in=wanted)} if wanted else {}
        entries += _entries(model, newest, previous)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit] if limit is not None else entries


def audit_context(*histories: models.QuerySet, export_url: str = "") -> dict:
    """What ``web/components/history.html`` shows on an object's page: its latest changes, and where the rest are."""
    return {
        "audit": history_entries(*histories, limit=PAGE_LIMIT),
        "audit_limit": PAGE_LIMIT,
        "audit_export": export_url,
    }


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone),
    )


def period_entries(
    start: datetime.date, end: datetime.date, *, restrict: Restriction | None = None
) -> list[AuditEntry]:
    """Every change of every audited model from ``start`` to ``end`` (both days included), in the order made.

    A change is compared with the object's record before it, even when that record is older than the period.
    """
    if end < start:
        raise ValueError("Конец периода раньше его начала.")
    since, until = _bounds(start, end)
    entries: list[AuditEntry] = []
    for model in audited_models():
        history = _history(model).all()
        if restrict is not None:
            history = restrict(model, history)
            if history is None:
                continue
        pk = model._meta.pk.attname
        in_period = history.filter(history_date__gte=since, history_date__lt=until)
        # The last record of each object before the period (history ids grow with time).
        last_before = (
            _history(model)
            .filter(history_date__lt=since, **{f"{pk}__in": in_period.values(pk)})
            .values(pk)
            .annotate(last=Max("history_id"))
            .values("last")
        )
        previous = {getattr(record, pk): record for record in _history(model).filter(history_id__in=last_before)}
        entries += _entries(model, _ordered(in_period, model).iterator(chunk_size=2_000), previous)
    entries.sort(key=lambda entry: entry.when)
    return entries


def region_restriction(region_id: int | None) -> Restriction:
    """The history records of one region's objects, for a reader limited to it.

    A model names its region as its rows' scope does (``objects.visible_to``: the queryset's
    ``scope_paths.region``) or, when it has no scope of its own, in ``audit_region_paths`` (any of
    the lookups); a model naming neither is left out.
    """

    def restrict(model: type[models.Model], history: models.QuerySet) -> models.QuerySet | None:
        if region_id is None:
            return None
        paths = getattr(model, "audit_region_paths", None)
        if paths is None:
            scope = getattr(model._default_manager._queryset_class, "scope_paths", None)
            paths = (scope.region,) if scope is not None else ()
        if not paths:
            return None
        condition = Q()
        for path in paths:
            condition |= Q(**{path: region_id})
        return history.filter(condition)

    return restrict


def restriction_for(user) -> Restriction | None:
    """What part of the journal a reader sees: all of it for the installation (``None``, the command line
    without ``--user``) and its administrators, the region's objects for anyone else."""
    if user is None or user.is_superuser:
        return None
    return region_restriction(user.region_id)


def audit_rows(entries: Iterable[AuditEntry]) -> Iterator[tuple[object, ...]]:
    """One row per changed field (one per entry without fields), in the columns of :data:`AUDIT_COLUMNS`."""
    for entry in entries:
        head = (entry.when, entry.who, entry.action, entry.section, entry.subject)
        if not entry.changes:
            yield (*head, "", "", "", entry.note)
        for change in entry.changes:
            yield (*head, change.field, change.before, change.after, entry.note)


def audit_workbook(entries: Sequence[AuditEntry]) -> bytes:
    """The journal of changes as an .xlsx workbook."""
    return workbook_bytes(sheet_title="Журнал изменений", columns=AUDIT_COLUMNS, rows=audit_rows(entries))


def history_erase(instance: models.Model, values: dict[str, object]) -> int:
    """Overwrite ``values`` in every history record of ``instance``; the number of records changed.

    For personal data deleted on request: the records keep what was done, by whom and when, but no
    longer the erased values. The erasure itself is a record of its own, made by the save or the
    deletion that erases (with ``_change_reason`` and ``_history_user`` set on the instance).
    """
    model = type(instance)
    return _history(model).filter(**{model._meta.pk.attname: instance.pk}).update(**values)
