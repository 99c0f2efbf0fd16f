from django.contrib import admin

from opora.support import models
from opora.support.models import Teacher


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["school", "code", "full_name", "subjects", "category", "last_training_year"]
    list_filter = ["category", "school__municipality"]
    search_fields = ["school__code", "code", "full_name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]


@admin.register(models.CuratorAssignment)
class CuratorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["school", "curator", "starts_on", "ends_on", "order_number", "order_date"]
    list_filter = ["school__municipality"]
    search_fields = ["school__code", "curator__last_name", "order_number"]
    list_select_related = ["school", "curator"]
    autocomplete_fields = ["school"]


@admin.register(models.CuratorWorkplace)
class CuratorWorkplaceAdmin(admin.ModelAdmin):
    list_display = ["curator", "school", "position", "since_year", "until_year"]
    search_fields = ["school__code", "curator__last_name"]
    autocomplete_fields = ["school"]


class VisitCheckInline(admin.TabularInline):
    model = models.VisitCheck
    extra = 0


class VisitRecommendationInline(admin.TabularInline):
    model = models.VisitRecommendation
    extra = 0


@admin.register(models.MonitoringVisit)
class MonitoringVisitAdmin(admin.ModelAdmin):
    list_display = ["school", "visited_on", "curator", "status", "follow_up_on"]
    list_filter = ["status", "school__municipality"]
    search_fields = ["school__code"]
    autocomplete_fields = ["school"]
    inlines = [VisitCheckInline, VisitRecommendationInline]


class ConcernStepInline(admin.TabularInline):
    model = models.ConcernStep
    extra = 0


@admin.register(models.EngagementConcern)
class EngagementConcernAdmin(admin.ModelAdmin):
    list_display = ["school", "reason", "status", "raised_by", "raised_at"]
    list_filter = ["status", "reason"]
    search_fields = ["school__code"]
    autocomplete_fields = ["school"]
    inlines = [ConcernStepInline]


class PartnershipActivityInline(admin.TabularInline):
    model = models.PartnershipActivity
    extra = 0


@admin.register(models.Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["school", "partner", "year", "status", "agreement_number", "agreement_date"]
    list_filter = ["year", "status"]
    search_fields = ["school__code", "partner__code"]
    autocomplete_fields = ["school", "partner"]
    inlines = [PartnershipActivityInline]


class PlanItemInline(admin.TabularInline):
    model = models.PlanItem
    extra = 0


@admin.register(models.DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ["teacher", "title", "starts_on", "ends_on"]
    search_fields = ["teacher__code", "teacher__school__code"]
    inlines = [PlanItemInline]


for _model in (
    models.VisitCheck,
    models.VisitRecommendation,
    models.ConcernStep,
    models.PartnershipActivity,
    models.PlanItem,
    models.TeacherDiagnostic,
    models.CourseRecord,
    models.ContestRecord,
    models.MentoringPair,
):
    admin.site.register(_model)
