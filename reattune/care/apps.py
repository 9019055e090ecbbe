from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "reattune.care"
    label = "care"

    def ready(self):
        from django.conf import settings

        from reattune.care.lexicons_json import AnalysisFolder
        from reattune.domain.safety import crisis
        from reattune.hooks import install

        # Each process that loads the crisis lexicons reads what the first one worked out.
        crisis.ANALYSIS_STORE = AnalysisFolder(settings.CACHE_DIR)

        # The safety reader, the therapist rule, the crisis after-save hook, the help card.
        install(self.label)
