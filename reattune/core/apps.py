from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reattune.core"
    label = "core"

    def ready(self):
        from reattune.hooks import install

        install(self.label)  # a stale prepared plan closes its connection (core/stale_plans.py)
