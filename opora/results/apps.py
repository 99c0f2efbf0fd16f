from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "opora.results"
    label = "results"
    verbose_name = "Результаты"
