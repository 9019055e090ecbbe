"""Every page that gives the emergency number words it one way: through one include.

A second copy of the sentence once read "call 000 (triple zero (police, fire, ambulance))"
on the vault's pages while the help pages had been mended.
"""

from pathlib import Path

import reattune

TEMPLATES = Path(reattune.__file__).parent / "templates"
THE_INCLUDE = TEMPLATES / "care" / "includes" / "emergency_line.html"


def test_it_is_written_in_one_template_only():
    writing_it = [
        path.relative_to(TEMPLATES).as_posix()
        for path in TEMPLATES.rglob("*.html")
        if 'class="emergency' in path.read_text(encoding="utf-8")
    ]
    assert writing_it == [THE_INCLUDE.relative_to(TEMPLATES).as_posix()]


def test_the_vault_pages_use_it():
    help_card = (TEMPLATES / "vault" / "includes" / "help.html").read_text(encoding="utf-8")
    assert '{% include "care/includes/emergency_line.html"' in help_card
