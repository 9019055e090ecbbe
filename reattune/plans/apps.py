from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "reattune.plans"
    label = "plans"

    def ready(self):
        from reattune.assessments.actions import register_after_submit
        from reattune.plans import home  # noqa: F401  (registers the home card)
        from reattune.plans.actions import do_refresh_plan

        register_after_submit(do_refresh_plan)
