from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "opora.students"
    label = "students"
    verbose_name = "Обучающиеся с трудностями"
