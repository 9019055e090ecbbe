from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "reattune.care"
    label = "care"

    def ready(self):
        from reattune.hooks import install

        # The safety reader, the therapist rule, the crisis after-save hook, the help card.
        install(self.label)
