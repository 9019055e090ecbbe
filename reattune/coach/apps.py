from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "reattune.coach"
    label = "coach"
