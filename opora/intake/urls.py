from django.urls import path

from opora.intake import views

app_name = "intake"
urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/export.xlsx", views.import_list_export, name="imports_export"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/status/", views.import_status, name="import_status"),
    path("imports/<int:pk>/problems.xlsx", views.import_problems, name="import_problems"),
    path("imports/<int:pk>/apply/", views.import_apply_view, name="import_apply"),
    path("imports/<int:pk>/discard/", views.import_discard_view, name="import_discard"),
    path("imports/<int:pk>/rollback/", views.import_rollback_view, name="import_rollback"),
    path("forms/", views.form_list, name="forms"),
    path("forms/<str:form_key>/template.xlsx", views.form_template, name="form_template"),
    path("forms/<str:form_key>/export.xlsx", views.form_export, name="form_export"),
    path("completeness/", views.completeness_view, name="completeness"),
    path("completeness/export.xlsx", views.completeness_export, name="completeness_export"),
]
