from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.schools.models import Municipality, School, SchoolContext, SchoolYear


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["label", "end_year"]


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_name", "municipality", "school_type", "locality", "is_active"]
    list_filter = ["municipality__region", "municipality", "school_type", "locality", "is_active"]
    search_fields = ["code", "name", "short_name", "address", "director"]
    list_select_related = ["municipality"]


@admin.register(SchoolContext)
class SchoolContextAdmin(SimpleHistoryAdmin):
    list_display = ["school", "year", "students", "students_disabled", "students_low_income", "teachers"]
    list_filter = ["year", "school__municipality"]
    search_fields = ["school__code", "school__name"]
    list_select_related = ["school", "year"]
    autocomplete_fields = ["school"]
