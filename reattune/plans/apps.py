from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "reattune.plans"
    label = "plans"

    def ready(self):
        from reattune.plans import home  # noqa: F401  (registers the home card)
