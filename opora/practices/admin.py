from django.contrib import admin

from opora.practices import models
from opora.practices.services import practice_search_text


class PracticeMaterialInline(admin.TabularInline):
    model = models.PracticeMaterial
    extra = 0
    readonly_fields = ["original_name", "size", "content_type", "uploaded_by", "uploaded_at"]


class PracticeStepInline(admin.TabularInline):
    model = models.PracticeStep
    extra = 0
    readonly_fields = ["kind", "status_from", "status_to", "note", "by", "at"]


@admin.register(models.Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "school", "status", "published_at"]
    list_filter = ["status", "kind", "school__municipality"]
    search_fields = ["title", "school__code"]
    list_select_related = ["school"]
    autocomplete_fields = ["school", "measures"]
    raw_id_fields = ["author", "moderated_by"]
    inlines = [PracticeMaterialInline, PracticeStepInline]

    def save_model(self, request, obj, form, change):
        # The search reads the stems: an edit here keeps them in step with the texts.
        obj.search_text = practice_search_text(obj)
        super().save_model(request, obj, form, change)


@admin.register(models.PracticeMaterial)
class PracticeMaterialAdmin(admin.ModelAdmin):
    list_display = ["original_name", "practice", "size", "uploaded_at"]
    search_fields = ["original_name", "practice__title"]
    raw_id_fields = ["practice", "uploaded_by"]


@admin.register(models.PracticeStep)
class PracticeStepAdmin(admin.ModelAdmin):
    list_display = ["practice", "kind", "status_to", "by", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["practice", "by"]
