from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "reattune.couples"
    label = "couples"
