"""What the API returns and accepts: the rows of the domain apps, named as their models name them.

A year is the calendar year a school year ends in (2025 is 2024/2025). A value that is not known
is ``null``, never 0 or ``false``: a flag of identification has three states (``true``, ``false``,
``null``), a risk level ``null`` is «нет данных». A field with fixed values has beside it the
value's Russian label (``status`` and ``status_label``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opora.events.models import Event, Registration
from opora.identification.flags import FLAGS
from opora.identification.models import ApprovedList, ApprovedListEntry, IdentificationRun, RunSchool
from opora.programs.models import (
    Activity,
    ActivityEvent,
    ActivityStatus,
    IndicatorActual,
    Program,
    ProgramIndicator,
    ProgramKind,
    ProgramSection,
)
from opora.results.models import SchoolResult
from opora.risks.models import ProfileFactor, RiskProfile, level_name
from opora.schools.models import Municipality, School, SchoolContext
from opora.support.models import Partnership


def _label(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["id", "name", "region"]


class SchoolSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    school_type_label = _label("school_type")
    locality_label = _label("locality")

    class Meta:
        model = School
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "municipality",
            "municipality_name",
            "school_type",
            "school_type_label",
            "locality",
            "locality_label",
            "address",
            "director",
            "phone",
            "email",
            "is_active",
        ]


CONTEXT_FIELDS = [
    "students",
    "students_disabled",
    "students_low_income",
    "students_single_parent",
    "students_non_native",
    "students_on_register",
    "parents_higher_education_pct",
    "teachers",
    "teacher_vacancies",
    "teachers_over_60",
    "teachers_without_pedagogy",
    "teachers_part_time",
    "computers",
    "internet_mbps",
    "distance_km",
]


class ContextSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="school.code", read_only=True)
    year = serializers.IntegerField(source="year.end_year", read_only=True)

    class Meta:
        model = SchoolContext
        fields = ["id", "school", "code", "year", *CONTEXT_FIELDS]


class ResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="school.code", read_only=True)
    year = serializers.IntegerField(source="year.end_year", read_only=True)
    procedure_label = _label("procedure")

    class Meta:
        model = SchoolResult
        fields = [
            "id",
            "school",
            "code",
            "year",
            "procedure",
            "procedure_label",
            "grade",
            "subject",
            "participants",
            "marks_2",
            "marks_3",
            "marks_4",
            "marks_5",
            "mean_score",
            "below_threshold",
            "lowered",
            "confirmed",
            "raised",
        ]


class RunSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="year.end_year", read_only=True)
    status_label = _label("status")
    methodology_version = serializers.SerializerMethodField()

    class Meta:
        model = IdentificationRun
        fields = [
            "id",
            "region",
            "year",
            "methodology",
            "methodology_version",
            "status",
            "status_label",
            "progress",
            "progress_message",
            "summary",
            "error",
            "input_checksums",
            "output_checksum",
            "created_at",
            "finished_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_methodology_version(self, run: IdentificationRun) -> str:
        return str(run.methodology)


class RunStartSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Год окончания учебного года: 2025")
    methodology = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Версия методики региона; по умолчанию — действующая",
    )
    region = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Регион: нужен только администратору системы с несколькими регионами",
    )


FLAG_KEYS = list(FLAGS)


class RunSchoolSerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True)

    class Meta:
        model = RunSchool
        fields = [
            "id",
            "run",
            "school",
            "code",
            "name",
            "municipality",
            "results_index",
            "results_index_lower",
            "results_index_upper",
            "low_results_probability",
            "wellbeing_index",
            "value_added",
            "cluster",
            "years_in_bottom",
            "low_results_cause",
            *FLAG_KEYS,
            "category",
            "unknown_reasons",
            "explanation",
        ]


class ListEntrySerializer(serializers.ModelSerializer):
    decision_label = _label("decision")

    class Meta:
        model = ApprovedListEntry
        fields = [
            "number",
            "school",
            "code",
            "name",
            "municipality",
            *FLAG_KEYS,
            "low_results_cause",
            "decision",
            "decision_label",
            "reason",
        ]


class ApprovedListSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="year.end_year", read_only=True)
    kind_label = _label("kind")
    municipality_name = serializers.CharField(source="municipality.name", read_only=True, allow_null=True, default=None)
    entries = serializers.SerializerMethodField()

    class Meta:
        model = ApprovedList
        fields = [
            "id",
            "region",
            "municipality",
            "municipality_name",
            "year",
            "run",
            "kind",
            "kind_label",
            "amends",
            "order_number",
            "order_date",
            "authority",
            "basis",
            "signatory_position",
            "signatory_name",
            "reason",
            "approved_at",
            "entries",
        ]

    @extend_schema_field(ListEntrySerializer(many=True))
    def get_entries(self, approved: ApprovedList) -> list[dict]:
        # Only the entries of schools the user may see (a school's team sees its own line): the view
        # prefetches them for the page's lists; a list serialised alone reads them here.
        rows = getattr(approved, "visible_entries", None)
        if rows is None:
            visible = ApprovedListEntry.objects.visible_to(self.context["request"].user)
            rows = visible.filter(approved_list=approved).order_by("number")
        return ListEntrySerializer(rows, many=True).data


class ProfileFactorSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="factor.key", read_only=True)
    name = serializers.CharField(source="factor.name", read_only=True)
    level_label = serializers.SerializerMethodField()

    class Meta:
        model = ProfileFactor
        fields = ["key", "name", "level", "level_label", "score", "evidence"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_level_label(self, factor: ProfileFactor) -> str:
        return level_name(factor.level)


class RiskProfileSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="run.year.end_year", read_only=True)
    factors = ProfileFactorSerializer(many=True, read_only=True)

    class Meta:
        model = RiskProfile
        fields = ["id", "run", "year", "school", "code", "name", "municipality", "factors"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgramSection
        fields = ["id", "number", "title", "position"]


class ProgramSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="year.end_year", read_only=True, allow_null=True, default=None)
    kind_label = _label("kind")
    status_label = _label("status")
    school_code = serializers.CharField(source="school.code", read_only=True, allow_null=True, default=None)
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "region",
            "municipality",
            "school",
            "school_code",
            "kind",
            "kind_label",
            "title",
            "year",
            "starts_on",
            "ends_on",
            "goal",
            "tasks",
            "developers",
            "executors",
            "expected_results",
            "legal_basis",
            "control",
            "order_number",
            "order_date",
            "parent",
            "status",
            "status_label",
            "next_review_on",
            "created_at",
            "sections",
        ]
        read_only_fields = fields


class ProgramCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProgramKind.choices)
    title = serializers.CharField(max_length=500)
    school = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Школа программы (id); без неё — территория автора"
    )
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ProgramChangeSerializer(serializers.Serializer):
    """The passport of a program: only the fields sent are changed."""

    title = serializers.CharField(max_length=500, required=False)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    goal = serializers.CharField(required=False, allow_blank=True)
    tasks = serializers.CharField(required=False, allow_blank=True)
    developers = serializers.CharField(required=False, allow_blank=True)
    executors = serializers.CharField(required=False, allow_blank=True)
    expected_results = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    control = serializers.CharField(required=False, allow_blank=True)


class ActivitySerializer(serializers.ModelSerializer):
    status_label = _label("status")
    shown_status = serializers.CharField(read_only=True, help_text="Состояние как на странице: с «просрочено»")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "program",
            "section",
            "number",
            "position",
            "content",
            "deadline",
            "starts_on",
            "ends_on",
            "owners",
            "expected_result",
            "factor_key",
            "task",
            "status",
            "status_label",
            "shown_status",
            "overdue",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, activity: Activity) -> bool:
        return activity.is_overdue()


class ActivityChangeSerializer(serializers.Serializer):
    """An activity's content: on creation ``program`` and ``content`` are required."""

    program = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Программа (id): только при создании"
    )
    section = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    content = serializers.CharField(required=False)
    deadline = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    owners = serializers.CharField(required=False, allow_blank=True)
    expected_result = serializers.CharField(required=False, allow_blank=True)
    task = serializers.CharField(required=False, allow_blank=True)
    factor_key = serializers.SlugField(max_length=60, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Версия мероприятия, которую видела система (поле version); если его с тех пор изменили — 409",
    )


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActivityStatus.choices)
    report = serializers.CharField(help_text="Короткий отчёт: что сделано, чем подтверждается")
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2**31 - 1,
        help_text="Версия мероприятия, которую видела система (поле version); если его с тех пор изменили — 409",
    )


class ActivityEventSerializer(serializers.ModelSerializer):
    status_from_label = _label("status_from")
    status_to_label = _label("status_to")
    author = serializers.SerializerMethodField()

    class Meta:
        model = ActivityEvent
        fields = [
            "id",
            "status_from",
            "status_from_label",
            "status_to",
            "status_to_label",
            "report",
            "author",
            "created_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, event: ActivityEvent) -> str:
        user = event.created_by
        return "" if user is None else (user.get_full_name() or user.username)


class ActualSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorActual
        fields = ["id", "period", "value", "source", "measured_on", "computed", "created_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    direction_label = _label("direction")
    actuals = ActualSerializer(many=True, read_only=True)

    class Meta:
        model = ProgramIndicator
        fields = [
            "id",
            "program",
            "number",
            "position",
            "name",
            "unit",
            "direction",
            "direction_label",
            "baseline",
            "targets",
            "factor_key",
            "computed",
            "actuals",
        ]


class ActualEnterSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=20, help_text="Год: 2026 или 2025/2026")
    value = serializers.FloatField(allow_null=True, help_text="Значение; null — «нет данных»")
    source = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    measured_on = serializers.DateField(required=False, allow_null=True, default=None)


class PartnershipSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    status_label = _label("status")

    class Meta:
        model = Partnership
        fields = [
            "id",
            "school",
            "school_code",
            "partner",
            "partner_code",
            "year",
            "status",
            "status_label",
            "reasons",
            "agreement_number",
            "agreement_date",
            "subjects",
            "planned_activities",
            "confirmed_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    level_label = _label("level")
    audience_label = _label("audience")
    status_label = _label("status")

    class Meta:
        model = Event
        fields = [
            "id",
            "region",
            "municipality",
            "title",
            "kind",
            "kind_label",
            "level",
            "level_label",
            "audience",
            "audience_label",
            "organiser",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "description",
            "subjects",
            "factor_keys",
            "capacity",
            "status",
            "status_label",
        ]


class RegistrationSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="school.code", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "school",
            "code",
            "teacher",
            "participants",
            "attended",
            "attended_count",
            "winners",
            "prize_winners",
            "registered_at",
        ]


class RegisterSerializer(serializers.Serializer):
    school = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Школа (id)")
    participants = serializers.IntegerField(min_value=0, max_value=10000)
