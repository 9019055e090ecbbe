from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "reattune.plans"
    label = "plans"

    def ready(self):
        from reattune.hooks import install

        # The home card, the plan card on the rituals page, the plan renewed after a check-up.
        install(self.label)
