from django.apps import AppConfig


class CouplesConfig(AppConfig):
    name = "reattune.couples"
    label = "couples"

    def ready(self):
        from reattune.hooks import install

        install(self.label)  # request.couple's reader (reattune/hooks.py)
