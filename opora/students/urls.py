from django.urls import path

from opora.students import views

app_name = "students"

urlpatterns = [
    path("", views.counts, name="counts"),
    path("counts.xlsx", views.counts_export, name="counts_export"),
    path("bank/", views.my_bank, name="my_bank"),
    path("school/<str:code>/", views.bank, name="bank"),
    path("school/<str:code>/bank.xlsx", views.bank_export, name="bank_export"),
    path("school/<str:code>/views/", views.view_log, name="view_log"),
    path("school/<str:code>/settings/", views.bank_settings, name="bank_settings"),
    path("school/<str:code>/delete/", views.bank_delete, name="bank_delete"),
    path("school/<str:code>/add/", views.student_add, name="student_add"),
    path("<int:pk>/", views.card, name="card"),
    path("<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("<int:pk>/delete/", views.student_delete, name="student_delete"),
    path("<int:pk>/difficulties/add/", views.difficulty_add, name="difficulty_add"),
    path("<int:pk>/routes/add/", views.route_edit, name="route_add"),
    path("<int:pk>/routes/<int:route>/", views.route_edit, name="route_edit"),
    path("<int:pk>/routes/<int:route>/reviews/add/", views.review_add, name="review_add"),
    path("<int:pk>/consilium/add/", views.consilium_add, name="consilium_add"),
    path("<int:pk>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path("<int:pk>/remove/<str:kind>/<int:item>/", views.record_remove, name="record_remove"),
]
