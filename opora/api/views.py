"""The endpoints of the API: each a list and a detail of the rows a user may see, some with writes.

Reads go through the same querysets as the pages (``visible_to``, ``runs_visible_to``); writes
through the same services (``program_create``, ``activity_status_change``, ``register``, …) after
the same checks of the access table (:class:`opora.api.base.ActionAllowed` and the program's
``may_edit``). A service's refusal comes back as a 400 with its Russian messages by field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from opora.accounts.access import Action
from opora.accounts.scopes import SCHOOL_ROWS, scope_of
from opora.api import filters, serializers
from opora.api.base import ReadView, WriteView
from opora.events.models import Event, Registration
from opora.events.services import register, registration_cancel
from opora.identification.models import ApprovedList, ApprovedListEntry, Methodology, RunSchool
from opora.identification.queries import runs_visible_to
from opora.identification.services import region_methodology, run_start
from opora.programs.indicators import actual_enter
from opora.programs.models import Activity, IndicatorActual, Program, ProgramIndicator
from opora.programs.services import (
    PASSPORT_FIELDS,
    activity_save,
    activity_status_change,
    program_create,
    program_save,
)
from opora.programs.views import may_edit
from opora.results.models import SchoolResult
from opora.risks.models import ProfileFactor, RiskProfile
from opora.schools.models import Municipality, School, SchoolContext, SchoolYear
from opora.schools.queries import chosen_region
from opora.support.models import Partnership


def _valid(serializer_class: Any, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _year(end_year: int | None) -> SchoolYear | None:
    if end_year is None:
        return None
    year = SchoolYear.objects.filter(end_year=end_year).first()
    if year is None:
        raise DjangoValidationError({"year": [f"Учебного года {end_year - 1}/{end_year} нет в данных Опоры."]})
    return year


def _school(user: Any, pk: int, field: str = "school") -> School:
    school = School.objects.visible_to(user).filter(pk=pk).select_related("municipality").first()
    if school is None:
        raise DjangoValidationError({field: [f"Школы с id {pk} нет среди доступных вам."]})
    return school


def _editable(user: Any, program: Program) -> None:
    if not may_edit(user, program):
        raise PermissionDenied("Менять программу могут её разработчики: команда школы, координатор её территории.")


class MunicipalityView(ReadView):
    """Municipalities of the user's region."""

    serializer_class = serializers.MunicipalitySerializer

    def get_queryset(self) -> QuerySet:
        return Municipality.objects.filter(
            pk__in=School.objects.visible_to(self.request.user).values("municipality")
        ).order_by("name", "pk")


class SchoolView(ReadView):
    """The registry of schools (ОО) the user may see."""

    serializer_class = serializers.SchoolSerializer
    filterset_class = filters.SchoolFilter

    def get_queryset(self) -> QuerySet:
        return School.objects.visible_to(self.request.user).select_related("municipality").order_by("code", "pk")


class ContextView(ReadView):
    """Context data of schools by school year (an empty value is «нет данных»)."""

    serializer_class = serializers.ContextSerializer
    filterset_class = filters.ContextFilter

    def get_queryset(self) -> QuerySet:
        rows = SchoolContext.objects.select_related("school", "year").order_by("school__code", "year__end_year", "pk")
        return scope_of(self.request.user).filter(rows, SCHOOL_ROWS)


class ResultView(ReadView):
    """Results of schools by procedure, grade and subject (aggregates of form 3; no personal data)."""

    serializer_class = serializers.ResultSerializer
    filterset_class = filters.ResultFilter

    def get_queryset(self) -> QuerySet:
        return (
            SchoolResult.objects.visible_to(self.request.user)
            .select_related("school", "year")
            .order_by("school__code", "year__end_year", "procedure", "grade", "subject", "pk")
        )


class RunView(WriteView):
    """Identification runs of the region; a POST starts one (it is computed in the background)."""

    serializer_class = serializers.RunSerializer
    filterset_class = filters.RunFilter
    write_actions: ClassVar = {"create": Action.RUN_IDENTIFICATION}
    http_method_names: ClassVar = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return runs_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(request=serializers.RunStartSerializer, responses={201: serializers.RunSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(serializers.RunStartSerializer, request)
        region = chosen_region(request.user, str(data.get("region") or ""))
        if region is None:
            raise DjangoValidationError({"region": ["Укажите регион расчёта (id)."]})
        year = _year(data["year"])
        if "methodology" in data:
            methodology = Methodology.objects.filter(pk=data["methodology"], region=region).first()
            if methodology is None:
                raise DjangoValidationError({"methodology": ["Нет такой методики у региона."]})
        else:
            methodology = region_methodology(region)
        run = run_start(region=region, year=year, methodology=methodology, by=request.user)
        return Response(serializers.RunSerializer(run).data, status=status.HTTP_201_CREATED)


class RunSchoolView(ReadView):
    """Lines of runs: each school's indices, flags (true, false or null: «нет данных») and explanation."""

    serializer_class = serializers.RunSchoolSerializer
    filterset_class = filters.RunSchoolFilter

    def get_queryset(self) -> QuerySet:
        return (
            RunSchool.objects.visible_to(self.request.user)
            .filter(run__in=runs_visible_to(self.request.user))
            .order_by("run", "code", "pk")
        )


class ApprovedListView(ReadView):
    """Approved lists (перечни ШНОР и ШНСУ) with their orders and the entries the user may see."""

    serializer_class = serializers.ApprovedListSerializer
    filterset_class = filters.ApprovedListFilter

    def get_queryset(self) -> QuerySet:
        return (
            ApprovedList.objects.visible_to(self.request.user)
            .select_related("year", "municipality")
            .prefetch_related(
                # The entries of the page's lists in one query, only those of schools the user may see.
                Prefetch(
                    "entries",
                    queryset=ApprovedListEntry.objects.visible_to(self.request.user).order_by("number"),
                    to_attr="visible_entries",
                )
            )
            .order_by("-approved_at", "-pk")
        )


class RiskProfileView(ReadView):
    """Risk profiles of schools: a level per factor (null: «нет данных») with its evidence."""

    serializer_class = serializers.RiskProfileSerializer
    filterset_class = filters.RiskProfileFilter

    def get_queryset(self) -> QuerySet:
        factors = ProfileFactor.objects.select_related("factor").order_by("factor__number")
        return (
            RiskProfile.objects.visible_to(self.request.user)
            .select_related("run__year")
            .prefetch_related(Prefetch("factors", queryset=factors))
            .order_by("-run", "code", "pk")
        )


class ProgramView(WriteView):
    """Programs and roadmaps; POST creates a draft, PATCH changes the passport (of an approved one: a new version)."""

    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter
    write_actions: ClassVar = {"create": Action.EDIT_PROGRAM, "partial_update": Action.EDIT_PROGRAM}
    http_method_names: ClassVar = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (
            Program.objects.visible_to(self.request.user)
            .select_related("school", "year")
            .prefetch_related("sections")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=serializers.ProgramCreateSerializer, responses={201: serializers.ProgramSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(serializers.ProgramCreateSerializer, request)
        school = _school(request.user, data["school"]) if "school" in data else None
        program = program_create(
            by=request.user, kind=data["kind"], title=data["title"], school=school, year=_year(data.get("year"))
        )
        return Response(serializers.ProgramSerializer(program).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ProgramChangeSerializer, responses=serializers.ProgramSerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        program = self.get_object()
        _editable(request.user, program)
        sent = _valid(serializers.ProgramChangeSerializer, request)
        # The service checks a whole passport: the fields not sent keep their values.
        data = {name: getattr(program, name) for name in PASSPORT_FIELDS}
        program = program_save(program=program, data={**data, **sent}, by=request.user)
        return Response(serializers.ProgramSerializer(program).data)


class ActivityView(WriteView):
    """Activities of roadmaps; POST adds one, PATCH changes it, POST …/status/ records a new status with its report."""

    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    write_actions: ClassVar = {
        "create": Action.EDIT_PROGRAM,
        "partial_update": Action.EDIT_PROGRAM,
        "status": Action.UPDATE_ACTIVITY,
    }
    http_method_names: ClassVar = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (
            Activity.objects.filter(program__in=Program.objects.visible_to(self.request.user))
            .select_related("program")
            .order_by("program", "position", "pk")
        )

    @staticmethod
    def _data(data: dict, program: Program) -> dict:
        data = dict(data)
        data.pop("program", None)
        data.pop("version", None)
        if data.get("section") is not None:
            section = program.sections.filter(pk=data["section"]).first()
            if section is None:
                raise DjangoValidationError({"section": ["Нет такого раздела в этой программе."]})
            data["section"] = section
        return data

    @extend_schema(request=serializers.ActivityChangeSerializer, responses={201: serializers.ActivitySerializer})
    def create(self, request: Request) -> Response:
        sent = _valid(serializers.ActivityChangeSerializer, request)
        program = Program.objects.visible_to(request.user).filter(pk=sent.get("program")).first()
        if program is None:
            raise DjangoValidationError({"program": ["Укажите программу (id) из доступных вам."]})
        _editable(request.user, program)
        activity = activity_save(program=program, activity=None, data=self._data(sent, program), by=request.user)
        return Response(serializers.ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.ActivityChangeSerializer, responses=serializers.ActivitySerializer)
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        activity = self.get_object()
        _editable(request.user, activity.program)
        sent = _valid(serializers.ActivityChangeSerializer, request)
        activity = activity_save(
            program=activity.program,
            activity=activity,
            data=self._data(sent, activity.program),
            by=request.user,
            expected_version=sent.get("version"),
        )
        return Response(serializers.ActivitySerializer(activity).data)

    @extend_schema(request=serializers.StatusChangeSerializer, responses={201: serializers.ActivityEventSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: Any = None) -> Response:
        """A new status of the activity with its short report (kept in the activity's history)."""
        activity = self.get_object()
        _editable(request.user, activity.program)
        data = _valid(serializers.StatusChangeSerializer, request)
        event = activity_status_change(
            activity=activity,
            status=data["status"],
            report=data["report"],
            by=request.user,
            expected_version=data.get("version"),
        )
        return Response(serializers.ActivityEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=serializers.ActivityEventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request: Request, pk: Any = None) -> Response:
        """The activity's status changes with their reports, latest first."""
        activity = self.get_object()
        events = activity.events.select_related("created_by").order_by("-created_at", "-pk")
        return Response(serializers.ActivityEventSerializer(events, many=True).data)


class IndicatorView(WriteView):
    """Indicators of programs with targets by year and actual values; POST …/actuals/ enters an actual."""

    serializer_class = serializers.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    write_actions: ClassVar = {"actuals": Action.ENTER_INDICATOR_ACTUAL}
    http_method_names: ClassVar = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (
            ProgramIndicator.objects.filter(program__in=Program.objects.visible_to(self.request.user))
            .prefetch_related(Prefetch("actuals", queryset=IndicatorActual.objects.order_by("period", "created_at")))
            .order_by("program", "position", "pk")
        )

    @extend_schema(request=serializers.ActualEnterSerializer, responses={201: serializers.ActualSerializer})
    @action(detail=True, methods=["post"])
    def actuals(self, request: Request, pk: Any = None) -> Response:
        """The actual value of the indicator for a year, with its source and date."""
        indicator = self.get_object()
        _editable(request.user, indicator.program)
        data = _valid(serializers.ActualEnterSerializer, request)
        actual = actual_enter(indicator=indicator, by=request.user, **data)
        return Response(serializers.ActualSerializer(actual).data, status=status.HTTP_201_CREATED)


class PartnershipView(ReadView):
    """Partnerships «ШНОР — школа-партнёр», seen from both schools."""

    serializer_class = serializers.PartnershipSerializer
    filterset_class = filters.PartnershipFilter

    def get_queryset(self) -> QuerySet:
        return (
            Partnership.objects.visible_to(self.request.user)
            .select_related("school", "partner")
            .order_by("-year", "school__code", "pk")
        )


class EventView(WriteView):
    """Events of the territory; POST …/register/ registers a school (with how many people it sends)."""

    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    write_actions: ClassVar = {"register": Action.REGISTER_FOR_EVENTS}
    http_method_names: ClassVar = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return Event.objects.visible_to(self.request.user).order_by("-starts_at", "-pk")

    @extend_schema(request=serializers.RegisterSerializer, responses={201: serializers.RegistrationSerializer})
    @action(detail=True, methods=["post"])
    def register(self, request: Request, pk: Any = None) -> Response:
        """Register a school the user may act for; registering again changes its number of participants."""
        event = self.get_object()
        data = _valid(serializers.RegisterSerializer, request)
        school = _school(request.user, data["school"])
        row, *_teachers = register(event=event, school=school, participants=data["participants"], by=request.user)
        return Response(serializers.RegistrationSerializer(row).data, status=status.HTTP_201_CREATED)


class RegistrationView(WriteView):
    """Registrations of schools for events; DELETE withdraws one before attendance is marked."""

    serializer_class = serializers.RegistrationSerializer
    filterset_class = filters.RegistrationFilter
    write_actions: ClassVar = {"destroy": Action.REGISTER_FOR_EVENTS}
    http_method_names: ClassVar = ["get", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (
            Registration.objects.visible_to(self.request.user)
            .filter(event__in=Event.objects.visible_to(self.request.user))
            .select_related("school", "event")
            .order_by("event", "school__code", "pk")
        )

    def destroy(self, request: Request, pk: Any = None) -> Response:
        registration_cancel(registration=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
