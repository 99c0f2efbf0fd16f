from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "opora.api"
    label = "api"
    verbose_name = "REST API"
