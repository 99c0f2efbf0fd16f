from django.urls import path

from opora.web import school_pages as views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("export.xlsx", views.school_list_export, name="list_export"),
    path("<str:code>/", views.school_detail, name="detail"),
    path("<str:code>/results.xlsx", views.school_results_export, name="results_export"),
]
