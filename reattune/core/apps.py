from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reattune.core"
    label = "core"
