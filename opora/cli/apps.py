from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "opora.cli"
    label = "cli"
    verbose_name = "Командная строка"
