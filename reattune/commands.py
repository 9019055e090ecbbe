"""Subcommands contributed by feature issues (coach, export, import, backup, restore...).

Each feature adds a function here that registers its parser; cli.py stays small.
"""


def add_feature_commands(sub) -> None:
    for register in FEATURES:
        register(sub)


FEATURES: list = []
