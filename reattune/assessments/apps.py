from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "reattune.assessments"
    label = "assessments"

    def ready(self):
        # Validate every instrument file at start-up: a malformed file stops the app here with
        # "<file>: <field>: <problem>" instead of failing on someone's check-up later.
        from reattune.assessments.catalog import catalog

        catalog()
        from reattune.assessments import home, progress  # noqa: F401  (register card and chart)
