from django.contrib import admin

from opora.risks import models


@admin.register(models.FactorSet)
class FactorSetAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "version", "created_at"]
    list_filter = ["region"]


@admin.register(models.RiskFactor)
class RiskFactorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "factor_set"]
    list_filter = ["factor_set"]
    search_fields = ["name"]


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["ident", "kind", "region", "source"]
    list_filter = ["kind", "region"]
    search_fields = ["ident", "text"]


for model in (
    models.IndicatorRule,
    models.Questionnaire,
    models.QuestionSection,
    models.QuestionItem,
    models.SurveyLink,
    models.SurveyResponse,
    models.ProfileRun,
    models.RiskProfile,
    models.ProfileFactor,
    models.LevelOverride,
    models.ExternalLevel,
    models.PriorityFactor,
):
    admin.site.register(model)
