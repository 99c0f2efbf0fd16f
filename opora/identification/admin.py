from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.identification.flags import FLAG_KEYS, LISTED_FLAGS
from opora.identification.models import (
    ApprovedList,
    ApprovedListEntry,
    IdentificationRun,
    Methodology,
    RosobrnadzorListing,
    RunSchool,
)


@admin.register(Methodology)
class MethodologyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "version", "region", "created_at", "created_by"]
    list_filter = ["region"]
    readonly_fields = ["region", "name", "version", "parameters", "created_by", "created_at"]


@admin.register(IdentificationRun)
class IdentificationRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "region", "year", "methodology", "status", "created_at"]
    list_filter = ["status", "year", "region"]


@admin.register(RunSchool)
class RunSchoolAdmin(admin.ModelAdmin):
    list_display = ["run", "code", "name", *FLAG_KEYS]
    list_filter = ["run", *(flag.key for flag in LISTED_FLAGS)]
    search_fields = ["code", "name"]


class ApprovedListEntryInline(admin.TabularInline):
    model = ApprovedListEntry
    extra = 0


@admin.register(ApprovedList)
class ApprovedListAdmin(SimpleHistoryAdmin):
    list_display = ["year", "region", "municipality", "order_number", "order_date", "approved_by"]
    inlines = [ApprovedListEntryInline]


@admin.register(ApprovedListEntry)
class ApprovedListEntryAdmin(SimpleHistoryAdmin):
    list_display = ["approved_list", "number", "code", "name", *(flag.key for flag in LISTED_FLAGS)]
    list_filter = ["approved_list"]
    search_fields = ["code", "name"]


@admin.register(RosobrnadzorListing)
class RosobrnadzorListingAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "procedure", "source"]
    list_filter = ["year", "procedure"]
    search_fields = ["school__code", "school__name"]
