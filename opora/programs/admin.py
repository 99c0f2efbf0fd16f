from django.contrib import admin

from opora.programs import models


@admin.register(models.Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status"]
    list_filter = ["kind", "status"]


for model in (
    models.ProgramSection,
    models.Activity,
    models.ProgramIndicator,
    models.ActivityEvent,
    models.Evidence,
    models.Comment,
    models.Notification,
    models.StatusChange,
    models.ProgramVersion,
    models.ProgramReview,
    models.IndicatorActual,
):
    admin.site.register(model)
