from django.urls import path

from opora.effectiveness import views

app_name = "effectiveness"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.export, name="export"),
    path("council/", views.meetings, name="meetings"),
    path("council/<int:pk>/", views.meeting_detail, name="meeting"),
    path("council/decisions/<int:pk>/", views.decision_status, name="decision_status"),
]
