"""The portability registry: every app that stores what people write contributes its kinds.

The guard test fails when a model with an EncryptedTextField, or a CoupleContent subclass,
belongs to an app whose reattune/<app>/portability.py does not list it in a Kind's `models`
(or, with a reason, in NOT_EXPORTED): a new feature cannot forget the export.
"""

import inspect

from django.apps import apps
from django.test import SimpleTestCase

from reattune.core.crypto import encrypted_fields
from reattune.core.visibility import CoupleContent
from reattune.exports.registry import Kind, portability_modules

HOW_TO = (
    "Add reattune/{app}/portability.py with KINDS = [Kind(name, version, models=(...), "
    "description, csv_columns)], export_user(user) and import_user(user, documents, id_map), "
    "and list the model in a Kind's models (or in NOT_EXPORTED with the reason). "
    "See docs/export.md, 'For developers'."
)


def _models_that_must_be_exported():
    labels = {model._meta.label for model, _ in encrypted_fields()}
    labels |= {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, CoupleContent) and not model._meta.abstract
    }
    return labels


class PortabilityRegistryTests(SimpleTestCase):
    def test_it_finds_the_foundation_modules(self):
        found = {entry.app: entry for entry in portability_modules()}
        for app in ("accounts", "couples", "journal"):
            self.assertIn(app, found)
        kinds = {kind.name for entry in found.values() for kind in entry.kinds}
        self.assertLessEqual(
            {"profile", "spaces", "memberships", "notices", "journal_entries"}, kinds
        )

    def test_it_requires_every_encrypted_or_couple_model_to_be_exported(self):
        covered = {}
        for entry in portability_modules():
            for kind in entry.kinds:
                for label in kind.models:
                    covered[label] = entry.app
            for label in entry.not_exported:
                covered[label] = entry.app
        missing = []
        for label in sorted(_models_that_must_be_exported()):
            app = label.split(".")[0]
            if covered.get(label) != app:
                missing.append(f"{label}: " + HOW_TO.format(app=app))
        self.assertEqual(missing, [], "Models no export covers:\n" + "\n".join(missing))

    def test_it_checks_the_contract_of_every_module(self):
        names = set()
        problems = []
        for entry in portability_modules():
            module = entry.module
            for function, params in (
                ("export_user", ["user"]),
                ("import_user", ["user", "documents", "id_map"]),
            ):
                if not callable(getattr(module, function, None)):
                    problems.append(f"{entry.app}: no {function}()")
                    continue
                got = list(inspect.signature(getattr(module, function)).parameters)
                if got != params:
                    problems.append(f"{entry.app}.{function}{tuple(got)}: expected {params}")
            for kind in entry.kinds:
                if not isinstance(kind, Kind):
                    problems.append(f"{entry.app}: KINDS holds {kind!r}, not a Kind")
                    continue
                if kind.name in names:
                    problems.append(f"{entry.app}: kind {kind.name} is defined twice")
                names.add(kind.name)
                if not kind.name.isidentifier() or kind.name != kind.name.lower():
                    problems.append(f"{entry.app}: kind {kind.name!r}: use lower_snake_case")
                if kind.version < 1 or not kind.description:
                    problems.append(
                        f"{entry.app}: kind {kind.name} needs a version and description"
                    )
                for label in kind.models:
                    if label.split(".")[0] != entry.app:
                        problems.append(f"{entry.app}: {label} belongs to another app")
                    apps.get_model(label)  # raises LookupError for a typo
            for label, reason in entry.not_exported.items():
                if not reason:
                    problems.append(f"{entry.app}: NOT_EXPORTED[{label}] needs a reason")
        self.assertEqual(problems, [], "\n".join(problems))
