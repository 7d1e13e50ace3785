from django.apps import AppConfig


class ReportersConfig(AppConfig):
    name = "reporters"
