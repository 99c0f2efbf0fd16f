from django.contrib import admin

from opora.results.frames import RESULTS, STUDENT_RESULTS
from opora.results.models import SchoolResult, StudentResult, YearOutcome
from opora.schools.frames import StoredTable


def _columns(table: StoredTable) -> list[str]:
    """The table's columns as the model's fields: the key first (school, year, …), then the values."""
    return [table.model_field(column) for column in table.fields]


@admin.register(SchoolResult)
class SchoolResultAdmin(admin.ModelAdmin):
    list_display = _columns(RESULTS)
    list_filter = ["year", "procedure", "grade", "subject"]
    search_fields = ["school__code", "school__name", "subject"]
    list_select_related = ["school", "year"]
    autocomplete_fields = ["school"]


@admin.register(YearOutcome)
class YearOutcomeAdmin(admin.ModelAdmin):
    list_display = ["school", "year", "students_end", "failing", "repeating"]
    list_filter = ["year", "school__municipality"]
    search_fields = ["school__code", "school__name"]
    list_select_related = ["school", "year"]
    autocomplete_fields = ["school"]


@admin.register(StudentResult)
class StudentResultAdmin(admin.ModelAdmin):
    list_display = _columns(STUDENT_RESULTS)
    list_filter = ["year", "procedure", "grade", "subject"]
    search_fields = ["school__code", "participant_code"]
    list_select_related = ["school", "year"]
    raw_id_fields = ["school", "import_batch"]
