from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "opora.intake"
    label = "intake"
    verbose_name = "Загрузка данных"
