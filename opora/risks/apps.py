from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "opora.risks"
    label = "risks"
    verbose_name = "Рисковые профили, анкеты и меры"
