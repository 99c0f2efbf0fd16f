from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "opora.programs"
    label = "programs"
    verbose_name = "Программы и дорожные карты"
