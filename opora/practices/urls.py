from django.urls import path

from opora.practices import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("export/", views.practice_export, name="export"),
    path("add/", views.practice_add, name="add"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.practice_detail, name="detail"),
    path("<int:pk>/edit/", views.practice_edit, name="edit"),
    path("<int:pk>/send/", views.practice_send_view, name="send"),
    path("<int:pk>/publish/", views.practice_publish_view, name="publish"),
    path("<int:pk>/return/", views.practice_return_view, name="return"),
    path("<int:pk>/unpublish/", views.practice_unpublish_view, name="unpublish"),
    path("<int:pk>/materials/", views.material_add_view, name="material_add"),
    path("<int:pk>/materials/<int:material>/delete/", views.material_remove_view, name="material_remove"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("public/", views.public, name="public"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("public/materials/<int:pk>/", views.public_material, name="public_material"),
]
