"""The administration pages in Russian, sections of the libraries included.

The product's apps and models carry Russian names of their own; two libraries do not (the task
queue, the login guard). Their sections are renamed here, for display only: their models stay
as the libraries define them, so no migration of a library is ever needed.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

SECTIONS = {
    "django_tasks_database": ("Фоновые задачи", {"DBTaskResult": "Фоновые задачи"}),
    "axes": ("Защита входа", {}),
}


class OporaAdminSite(admin.AdminSite):
    site_header = "Опора: администрирование"
    site_title = "Опора"
    index_title = "Справочники, пользователи и данные"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] in SECTIONS:
                name, models = SECTIONS[app["app_label"]]
                app["name"] = name
                for model in app["models"]:
                    model["name"] = models.get(model["object_name"], model["name"])
        return apps


class OporaAdminConfig(AdminConfig):
    default_site = "opora.web.admin_site.OporaAdminSite"
