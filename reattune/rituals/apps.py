from django.apps import AppConfig


class RitualsConfig(AppConfig):
    name = "reattune.rituals"
    label = "rituals"

    def ready(self):
        from reattune.core.home import register_panel
        from reattune.rituals.panels import home_panel

        register_panel(home_panel)
