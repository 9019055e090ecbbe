from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "reattune.assessments"
    label = "assessments"
