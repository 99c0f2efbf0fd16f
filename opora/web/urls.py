from django.urls import path

from opora.web import audit, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", audit.audit_page, name="audit"),
]
