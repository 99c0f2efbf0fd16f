from django.urls import path

from opora.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("drafts/<str:code>/", views.drafts_create, name="drafts_create"),
]
