from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "reattune.care"
    label = "care"
