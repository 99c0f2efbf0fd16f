from django.urls import path

from opora.effectiveness import views

app_name = "effectiveness"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("dashboard/school/<str:code>/", views.school_dashboard, name="school_dashboard"),
    path("dashboard/school/<str:code>/note.docx", views.school_note, name="school_note"),
    path("reports/<slug:kind>.docx", views.report, name="report"),
    path("dashboard/charts/<slug:key>.png", views.chart_png, name="chart_png"),
    path("dashboard/charts/<slug:key>.xlsx", views.chart_xlsx, name="chart_xlsx"),
    path("export.xlsx", views.export, name="export"),
    path("council/", views.meetings, name="meetings"),
    path("council/<int:pk>/", views.meeting_detail, name="meeting"),
    path("council/decisions/<int:pk>/", views.decision_status, name="decision_status"),
]
