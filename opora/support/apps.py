from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "opora.support"
    label = "support"
    verbose_name = "Сопровождение"
