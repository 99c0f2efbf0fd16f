from django.contrib import admin

from opora.support.models import Teacher


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["school", "code", "full_name", "subjects", "category", "last_training_year"]
    list_filter = ["category", "school__municipality"]
    search_fields = ["school__code", "code", "full_name"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
