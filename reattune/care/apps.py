from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "reattune.care"
    label = "care"

    def ready(self):
        from reattune.care import support  # noqa: F401  (registers the crisis after-save hook)
        from reattune.care.access import therapist_grant
        from reattune.care.help import home_panel
        from reattune.core.access import register_grant_provider
        from reattune.core.home import register_panel

        register_panel(home_panel)
        register_grant_provider(therapist_grant)
