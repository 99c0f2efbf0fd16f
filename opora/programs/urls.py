from django.urls import path

from opora.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("import/", views.program_import, name="import"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/report.docx", views.monitoring_report, name="monitoring_report"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/program.docx", views.program_export, {"fmt": "docx"}, name="export_docx"),
    path("<int:pk>/program.xlsx", views.program_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/sections/add/", views.section_edit, name="section_add"),
    path("<int:pk>/sections/<int:section>/", views.section_edit, name="section_edit"),
    path("<int:pk>/indicators/add/", views.indicator_edit, name="indicator_add"),
    path("<int:pk>/indicators/<int:indicator>/", views.indicator_edit, name="indicator_edit"),
    path("<int:pk>/indicators/<int:indicator>/actual/", views.actual_add, name="actual_add"),
    path("<int:pk>/indicators/<int:indicator>/chart.svg", views.indicator_chart, name="indicator_chart"),
    path("<int:pk>/indicators/compute/", views.actuals_compute_view, name="actuals_compute"),
    path("<int:pk>/activities/add/", views.activity_edit, name="activity_add"),
    path("<int:pk>/activities/<int:activity>/", views.activity_detail, name="activity"),
    path("<int:pk>/activities/<int:activity>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/send/", views.program_transition, {"action": "send"}, name="send"),
    path("<int:pk>/return/", views.program_transition, {"action": "return"}, name="return"),
    path("<int:pk>/approve/", views.program_transition, {"action": "approve"}, name="approve"),
    path("<int:pk>/reviews/add/", views.review_add, name="review_add"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("drafts/<str:code>/", views.drafts_create, name="drafts_create"),
]
