"""Subcommands contributed by feature apps (coach, export, import, backup, restore...).

A feature app adds a module `reattune/<app>/cli.py` with `register(subparsers)`; it must not
import Django models at module level, so `reattune --help` stays instant.
"""

import importlib

FEATURE_CLI_APPS = [
    "accounts",
    "assessments",
    "plans",
    "rituals",
    "coach",
    "care",
    "exports",
    "reports",
]


def add_feature_commands(sub) -> None:
    for app in FEATURE_CLI_APPS:
        try:
            module = importlib.import_module(f"reattune.{app}.cli")
        except ModuleNotFoundError as error:
            if error.name != f"reattune.{app}.cli":
                raise
            continue
        module.register(sub)
