from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "opora.practices"
    label = "practices"
    verbose_name = "Банк лучших практик"
