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
