"""The docs say what the code does: every setting it reads and every command it offers is written
down, and every document the README points to exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "reattune"
VARIABLE = re.compile(r"\bREATTUNE_[A-Z0-9_]*[A-Z0-9]\b")


def variables_read_by_the_code() -> set[str]:
    found = set()
    for path in CODE.rglob("*.py"):
        found |= set(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return found


def cli_commands() -> set[str]:
    """Subcommands of `reattune`, from the parser itself (feature apps add their own)."""
    from reattune.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return set(sub.choices)


def test_every_setting_the_code_reads_is_in_the_deploy_guide():
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    variables = variables_read_by_the_code()
    assert len(variables) > 15
    missing = sorted(v for v in variables if not re.search(rf"\b{v}\b", deploy))
    assert missing == [], f"read by the code but not in docs/deploy.md: {missing}"


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = cli_commands()
    assert {"serve", "demo", "coach", "export", "import", "backup", "restore"} <= commands
    missing = sorted(c for c in commands if not re.search(rf"reattune {c}\b", readme))
    assert missing == [], f"commands missing from the README: {missing}"


def test_every_document_the_readme_links_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs/)[^)#]+)", readme)
    assert links
    assert [link for link in links if not (ROOT / link).exists()] == []


def test_no_doc_or_comment_cites_material_that_is_not_in_the_repository():
    """'the domain brief' and 'issue N' live outside this repository: a reader cannot follow them."""
    stale = re.compile(r"\b(domain brief|[Ii]ssue \d+|domain\.md)\b")
    found = []
    for path in [*CODE.rglob("*.py"), *CODE.rglob("*.yaml"), *(ROOT / "docs").rglob("*.md")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if stale.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == [], found


# Environment names the code reads that are not settings of reattune (each with its reason).
NOT_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "set by reattune itself before Django starts (setdefault)",
    "PATH_INFO": "a WSGI request key (the access log), not the process environment",
    "REQUEST_METHOD": "a WSGI request key (the access log), not the process environment",
    "SERVER_PROTOCOL": "a WSGI request key (the access log), not the process environment",
    "DATABASE_URL_FILE": "the NAME_FILE form of DATABASE_URL (documented once, as NAME_FILE)",
}
READERS = {"env", "env_bool", "env_int", "env_list", "get", "getenv", "setdefault"}


def names_read_from_the_environment() -> dict[str, str]:
    """Every name the code reads by a literal, whatever its prefix: env helpers, os.environ."""
    import ast

    found = {}
    for path in CODE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name not in READERS or not isinstance(node.args[0], ast.Constant):
                continue
            if name in ("get", "setdefault") and "environ" not in ast.unparse(func):
                continue  # a dict's get, not the environment's
            value = node.args[0].value
            if isinstance(value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", value):
                found.setdefault(value, str(path.relative_to(ROOT)))
    return found


def test_every_name_read_from_the_environment_is_in_the_deploy_guide():
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    names = names_read_from_the_environment()
    assert {"DATABASE_URL", "REATTUNE_DATA_DIR", "REATTUNE_HTTPS"} <= set(names)
    missing = sorted(
        f"{name} ({where})"
        for name, where in names.items()
        if name not in NOT_SETTINGS and not re.search(rf"\b{name}\b", deploy)
    )
    assert missing == [], f"read by the code but not in docs/deploy.md: {missing}"
    assert set(NOT_SETTINGS) <= set(names), "NOT_SETTINGS names something no longer read"


def test_every_setting_in_the_deploy_guide_is_read_by_the_code():
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    documented = set(VARIABLE.findall(deploy))
    read = variables_read_by_the_code()
    # REATTUNE_X_FILE is the NAME_FILE form of a setting read through settings.env()
    stale = sorted(v for v in documented if v not in read and v.removesuffix("_FILE") not in read)
    assert stale == [], f"in docs/deploy.md but read nowhere in the code: {stale}"


def test_the_name_file_form_of_every_setting_is_documented():
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "NAME_FILE" in deploy  # settings.env() reads NAME, or the file named by NAME_FILE


def test_every_subcommand_of_a_command_is_in_the_readme():
    """`reattune vault decrypt` and the like: the second word of a command is written too."""
    import argparse

    from reattune.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    nested = []
    for command, command_parser in sub.choices.items():
        for action in command_parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                nested += [f"{command} {name}" for name in action.choices]
    assert "vault decrypt" in nested
    missing = sorted(n for n in nested if not re.search(rf"reattune {n}\b", readme))
    assert missing == [], f"commands missing from the README: {missing}"


def test_a_truth_value_that_is_not_one_stops_start_up():
    """env_bool raises on a word it does not know ("ture"), it never reads it as off."""
    import os

    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from reattune.settings import FALSE_WORDS, TRUE_WORDS, env_bool

    name = "REATTUNE_DOCS_TRUE_PROBE"
    try:
        for word, expected in [
            *((w, True) for w in TRUE_WORDS),
            *((w, False) for w in FALSE_WORDS),
        ]:
            os.environ[name] = word.upper()
            assert env_bool(name, default=not expected) is expected
        os.environ[name] = "ture"
        with pytest.raises(ImproperlyConfigured, match="ture"):
            env_bool(name)
    finally:
        os.environ.pop(name, None)
