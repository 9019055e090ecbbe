from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "reattune.assessments"
    label = "assessments"

    def ready(self):
        # Validate every data file at start-up (concepts, learn pages, instruments, practices,
        # rituals, coach and crisis lexicons, help resources with the host's override folders,
        # the safety screen, plan and safety-mode text, and the host's instrument folders): a
        # malformed file stops the app here with "<file>: <field>: <problem>" instead of failing
        # on someone's page later.
        from django.conf import settings

        from reattune.domain.data_check import validate_all_once

        # Skipped when the data folder's stamp says these very files passed before (every
        # `reattune` command starts here; see data_check.validate_all_once). The host's
        # instrument folders are checked (and stamped) with the rest, each file as the
        # catalogue reads it, so the catalogue itself is built when first asked for (by
        # `reattune serve` before its workers start) rather than by every command.
        validate_all_once(
            settings.DATA_DIR / ".data-check",
            instrument_dirs=settings.INSTRUMENT_DIRS,
            resource_dirs=[d for d in settings.RESOURCE_DIRS if d],
        )

        from reattune.hooks import install

        install(self.label)  # the home card, the progress page's areas (reattune/hooks.py)
