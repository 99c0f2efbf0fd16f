from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opora.risks import models


@admin.register(models.FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "version", "created_at"]
    list_filter = ["region"]


@admin.register(models.RiskFactor)
class RiskFactorAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "factor_set"]
    list_filter = ["factor_set"]
    search_fields = ["name"]


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["ident", "kind", "region", "source"]
    list_filter = ["kind", "region"]
    search_fields = ["ident", "text"]


# Models that keep a history get the admin's «История» page of each object.
for model in (models.IndicatorRule, models.LevelOverride, models.PriorityFactor):
    admin.site.register(model, SimpleHistoryAdmin)

for model in (
    models.Questionnaire,
    models.QuestionSection,
    models.QuestionItem,
    models.SurveyLink,
    models.SurveyResponse,
    models.ProfileRun,
    models.RiskProfile,
    models.ProfileFactor,
    models.ExternalLevel,
):
    admin.site.register(model)
