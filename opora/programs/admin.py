from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.programs import models


@admin.register(models.Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status"]
    list_filter = ["kind", "status"]


# Models that keep a history get the admin's «История» page of each object.
for model in (
    models.ProgramSection,
    models.Activity,
    models.ProgramIndicator,
    models.ProgramReview,
    models.IndicatorActual,
):
    admin.site.register(model, SimpleHistoryAdmin)

for model in (
    models.ActivityEvent,
    models.Evidence,
    models.Comment,
    models.Notification,
    models.StatusChange,
    models.ProgramVersion,
):
    admin.site.register(model)
