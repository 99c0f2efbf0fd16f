from django.urls import path

from opora.identification import views

app_name = "identification"
urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/compare/", views.run_compare, name="compare"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/rerun/", views.run_rerun_view, name="rerun"),
    path("runs/<int:pk>/export.xlsx", views.run_export, {"fmt": "xlsx"}, name="run_export"),
    path("runs/<int:pk>/export.csv", views.run_export, {"fmt": "csv"}, name="run_export_csv"),
    path("runs/<int:pk>/schools/<str:code>/", views.school_why, name="school"),
    path("runs/<int:pk>/approve/", views.run_approve_view, name="approve"),
    path("failure/", views.failure_view, name="failure"),
    path("lists/", views.list_index, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list"),
    path("lists/<int:pk>/amend/", views.list_amend_view, name="list_amend"),
    path("lists/<int:pk>/cancel/", views.list_cancel_view, name="list_cancel"),
    path("lists/<int:pk>/list.docx", views.list_download, {"fmt": "docx"}, name="list_docx"),
    path("lists/<int:pk>/list.xlsx", views.list_download, {"fmt": "xlsx"}, name="list_xlsx"),
    path("methodology/", views.methodology_list, name="methodologies"),
    path("methodology/docs/", views.methodology_docs, name="methodology_docs"),
    path("methodology/<int:pk>/", views.methodology_detail, name="methodology"),
    path("methodology/<int:pk>/edit/", views.methodology_edit, name="methodology_edit"),
]
