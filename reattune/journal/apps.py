from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "reattune.journal"
    label = "journal"
