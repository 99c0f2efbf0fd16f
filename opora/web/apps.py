from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "opora.web"
    label = "web"
    verbose_name = "Веб-интерфейс"
