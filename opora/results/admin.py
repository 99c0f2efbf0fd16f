from django.contrib import admin

from opora.results.models import SchoolResult, StudentResult, YearOutcome


@admin.register(SchoolResult)
class SchoolResultAdmin(admin.ModelAdmin):
    list_display = [
        "school",
        "year",
        "procedure",
        "grade",
        "subject",
        "participants",
        "marks_2",
        "mean_score",
    ]
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
    list_display = ["school", "year", "procedure", "grade", "subject", "participant_code", "mark", "journal_mark"]
    list_filter = ["year", "procedure", "grade", "subject"]
    search_fields = ["school__code", "participant_code"]
    list_select_related = ["school", "year"]
    raw_id_fields = ["school", "import_batch"]
