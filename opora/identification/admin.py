from django.contrib import admin

from opora.identification.models import ApprovedList, ApprovedListEntry, IdentificationRun, Methodology, RunSchool


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "created_at", "created_by"]
    readonly_fields = ["name", "version", "parameters", "created_by", "created_at"]


@admin.register(IdentificationRun)
class IdentificationRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "region", "year", "methodology", "status", "created_at"]
    list_filter = ["status", "year", "region"]


@admin.register(RunSchool)
class RunSchoolAdmin(admin.ModelAdmin):
    list_display = ["run", "code", "name", "low_results", "unfavourable", "resilient", "objectivity_risk"]
    list_filter = ["run", "low_results", "unfavourable"]
    search_fields = ["code", "name"]


class ApprovedListEntryInline(admin.TabularInline):
    model = ApprovedListEntry
    extra = 0


@admin.register(ApprovedList)
class ApprovedListAdmin(admin.ModelAdmin):
    list_display = ["year", "region", "municipality", "order_number", "order_date", "approved_by"]
    inlines = [ApprovedListEntryInline]


@admin.register(ApprovedListEntry)
class ApprovedListEntryAdmin(admin.ModelAdmin):
    list_display = ["approved_list", "number", "code", "name", "low_results", "unfavourable"]
    list_filter = ["approved_list"]
    search_fields = ["code", "name"]
