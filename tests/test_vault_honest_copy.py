"""Sentences that promise privacy say who, for both modes.

Outside the vault, "private" means never shown to the partner or a therapist, but stored
encrypted on the server, whose keys whoever runs it holds. So a sentence that promises words
or answers to the person alone ("private to you", "yours alone", "only you can read them",
"nobody else can see them") is true only about the vault, or with the host named beside it.

Every such sentence in the templates, the scripts, the code's messages, the shipped data files
and the docs must name the server or its host, or speak of the vault ("where only you can read
them" after "in your vault"), in the same sentence; one that lists the private entries or
safety checks kept outside it beside the vault ("your private entries, your safety checks and
your vault stay yours alone") must name the server all the same. The vault's own pages and
script speak of the vault alone; tests/test_attack_vault.py checks their promises against
their caveats.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMISE = re.compile(
    r"private to you|yours alone|only (ever )?(you|seen by you)( can)? (read|see|open|know)"
    r"|(nobody|no one|no-one) else (can|could|will) (read|see)|for your eyes only"
    r"|only you can see|only you,|for you alone",
    re.I,
)
HOST = re.compile(r"\b(server|host)\b", re.I)
VAULT = re.compile(r"\bvault", re.I)
# A list that names what is kept outside the vault beside it.
OUTSIDE = re.compile(r"(private entries|safety checks|answers)\s*(,|and\b)", re.I)
# Where every sentence speaks of the vault alone (its pages and its scripts).
VAULT_ONLY = ("reattune/templates/vault/", "reattune/static/reattune/vault")
SUFFIXES = {".html", ".js", ".yaml", ".yml", ".md", ".txt", ".py"}


def sources() -> list[Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for path in sorted((ROOT / "reattune").rglob("*")):
        parts = path.relative_to(ROOT).parts
        if path.suffix not in SUFFIXES or "vendor" in parts or "migrations" in parts:
            continue
        if "lexicons" in parts or "crisis" in parts:  # words people write, not our promises
            continue
        found.append(path)
    return found


def sentences(text: str):
    text = re.sub(r"\{[{%#].*?[%}#]\}", " ", text, flags=re.S)  # template tags and comments
    text = re.sub(r"<[^>]+>", " ", text)
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text):
        yield " ".join(sentence.split())


def test_every_promise_of_privacy_names_the_host_or_speaks_of_the_vault():
    unqualified = []
    scanned = 0
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        if name.startswith(VAULT_ONLY):
            continue
        scanned += 1
        for sentence in sentences(path.read_text(encoding="utf-8", errors="replace")):
            if not PROMISE.search(sentence) or HOST.search(sentence):
                continue
            if not VAULT.search(sentence) or OUTSIDE.search(sentence):
                unqualified.append(f"{name}: {sentence[:160]}")
    assert scanned > 200
    assert not unqualified, "\n".join(unqualified)


def test_the_scan_finds_a_promise_without_the_host():
    bad = (
        "Your answers stay private to you. Only you can read these notes. Your private "
        "entries, your safety checks and your vault stay yours alone."
    )
    assert [s for s in sentences(bad) if PROMISE.search(s)] == list(sentences(bad))
    assert all(OUTSIDE.search(s) or not VAULT.search(s) for s in sentences(bad))
    good = "Only you can read them; not even whoever runs this server can."
    assert all(HOST.search(s) for s in sentences(good) if PROMISE.search(s))
    vault = "You can also answer them in your vault, where only you can read them."
    assert PROMISE.search(vault) and VAULT.search(vault) and not OUTSIDE.search(vault)
