from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reattune.reports"
    label = "reports"
