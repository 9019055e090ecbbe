from django.apps import AppConfig


class RitualsConfig(AppConfig):
    name = "reattune.rituals"
    label = "rituals"

    def ready(self):
        from reattune.hooks import install

        install(self.label)  # the home (Today) card (reattune/hooks.py)
