from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "reattune.exports"
    label = "exports"
