from django.urls import path

from opora.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.events_export, name="export"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("calendar.ics", views.calendar_ics, name="ics"),
    path("participation/", views.participation_view, name="participation"),
    path("participation/export.xlsx", views.participation_export, name="participation_export"),
    path("new/", views.event_add, name="add"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/cancel/", views.event_cancel_view, name="cancel"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel_view, name="registration_cancel"),
]
