from django.apps import AppConfig


class EffectivenessConfig(AppConfig):
    name = "opora.effectiveness"
    label = "effectiveness"
    verbose_name = "Эффективность и управленческие решения"
