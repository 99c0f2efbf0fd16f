from django.urls import path

from opora.network import views

app_name = "network"
urlpatterns = [
    path("curators/", views.curators, name="curators"),
    path("curators/order.docx", views.curators_order, name="curators_order"),
    path("curators/assignments/<int:pk>/end/", views.assignment_end_view, name="assignment_end"),
    path("curator/", views.curator_home, name="curator"),
    path("curator/<int:pk>/", views.curator_detail, name="curator_detail"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_add, name="visit_add"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/protocol/", views.visit_edit, name="visit_edit"),
    path(
        "visits/<int:pk>/recommendations/<int:recommendation>/activity/",
        views.recommendation_activity,
        name="recommendation_activity",
    ),
    path("concerns/", views.concerns, name="concerns"),
    path("concerns/new/", views.concern_add, name="concern_add"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("partners/", views.partners, name="partners"),
    path("partners/confirm/", views.partners_confirm, name="partners_confirm"),
    path("partnerships/", views.partnerships, name="partnerships"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership"),
    path("teachers/", views.teachers, name="teachers"),
    path("teachers/school/<str:code>/", views.school_teachers, name="school_teachers"),
    path("teachers/school/<str:code>/add/", views.teacher_add, name="teacher_add"),
    path("teachers/school/<str:code>/mentoring/", views.mentoring, name="mentoring"),
    path("teachers/<int:pk>/", views.teacher_detail, name="teacher"),
]
