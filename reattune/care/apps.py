from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "reattune.care"
    label = "care"

    def ready(self):
        from reattune.care import support  # noqa: F401  (registers the crisis after-save hook)
        from reattune.care.help import home_panel
        from reattune.core.home import register_panel

        register_panel(home_panel)
