from django.apps import AppConfig


class RitualsConfig(AppConfig):
    name = "reattune.rituals"
    label = "rituals"
