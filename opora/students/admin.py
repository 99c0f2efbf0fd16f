"""The bank in Django's admin: read-only, codes only.

Names are left out, and nothing can be changed or deleted here: a change goes through the services
(which check the school), a deletion must leave its ``DeletionRecord``, and a view must be logged —
the bank pages do all three.
"""

from django.contrib import admin

from opora.students import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Student)
class StudentAdmin(ReadOnlyAdmin):
    list_display = ["code", "school", "grade", "created_at"]
    exclude = ["full_name"]


@admin.register(models.DeletionRecord)
class DeletionRecordAdmin(ReadOnlyAdmin):
    list_display = ["school", "by", "deleted_at", "scope", "students"]


@admin.register(models.StudentRecordView)
class StudentRecordViewAdmin(ReadOnlyAdmin):
    list_display = ["school", "user", "kind", "viewed_at"]


for model in (
    models.StudentBank,
    models.Difficulty,
    models.IndividualRoute,
    models.RouteReview,
    models.ConsiliumDecision,
    models.TermOutcome,
):
    admin.site.register(model, ReadOnlyAdmin)
