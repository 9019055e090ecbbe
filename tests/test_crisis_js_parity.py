"""The browser's crisis detector (static/reattune/crisis.js) answers as the Python one does.

crisis.js gets the lexicons from reattune/care/lexicons_json.py, which translates every pattern
from Python's regular expressions into JavaScript's. Here node runs crisis.js on every sentence
of tests/data/crisis/dev and tests/data/crisis/holdout (rules, and the learned second stage where
no rule matched), on the same sentences in upper case
with a dotted capital I (which sends crisis.py down its IGNORECASE path), on some after a CJK
word (crisis.js's exact Unicode classes) and on edge cases; kinds (and rule spans) must be the
same as detect_crisis gives. On a difference only dev sentences and edge cases are printed; a
holdout sentence is never printed, only how many differ.

The lexicons are read once at the start (the files may be edited while this runs), and the
Python detector is asked with the same compiled lexicons. crisis.js gets the document the view
serves (lexicons_json._cached_build: built once per version of its inputs and kept in the cache
folder), so this test and the view's share one build of it.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from filelock import FileLock

from bench.crisis_eval import load_part
from reattune.care import lexicons_json
from reattune.domain.safety import crisis
from reattune.domain.safety.crisis import detect_crisis

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "js" / "crisis_parity.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
# V8 runs a regular expression in its bytecode interpreter until it is hot, then compiles it
# to machine code; the corpus runs hundreds of patterns a few thousand times each, so
# compiling them at once costs a quarter less CPU. The same matches either way (the engine's
# two tiers have one meaning).
NODE_FLAGS = ["--no-regexp-tier-up"]

EDGE_CASES = [
    "",
    " ",
    "\n\t \u3000",
    "😭😭😭",
    "💀💀💀💀",
    "🔪🩸",
    "😂😂😂",
    "😭😭 I want to die 😭",
    "i want to kms 🫠",
    "I want to die 🫨",  # an emoji newer than Python's Unicode tables
    "أريد أن أموت",
    "אני רוצה למות",
    "مرحبا I want to kill myself",
    "\u202eI want to die\u202c",
    "I\u200f want\u200f to die",
    "Ich kann nicht mehr. I want to die.",
    "je veux mourir, honestly",
    "no quiero vivir más, i'm done",
    "ik wil dood, lol",
    "<p>I want to <b>kill myself</b></p>",
    # an act ruled out after it, and quoted lines in a reported sentence (round 16)
    "Me faire du mal, non. Mich umzubringen, nein",
    "Mir das Leben zu nehmen 😶 kam nie in Frage, mezelf pijn doen, nee",
    "Im Film: 'ich bring mich um 🎬' sagt sie, dann \"ich bring mich um\" und 'c'est 'je veux mourir'",
    "in the film he wrote 'i want to die",
    "dans le film 'je vais me tuer'😶 et' puis",
    "<script>alert(1)</script>I want to die",
    "&lt;3 I want to die &amp; disappear",
    "<br>I want to die<br>",
    "I WANT TO KİLL MYSELF",
    "İ want to die",
    "ı want to dıe",
    "I feel ſuicidal",
    "ICH WILL STERBEN, STRAẞE",
    "ΣΑΣ I want to die",
    "ＩＷＡＮＴ ＴＯ ＤＩＥ",
    '"I Want To Die" by Some Band is on repeat',
    "‘Kill Myself’ is a song",
    "“I want to die,” she said in the movie",
    "and just... not wake up",
    "I want to… die",
    "I want\u200bto die",
    "kill\u00admyself",
    "I want to\x00die",
    "hi\r\nI want to die",
    "我想死。I want to die",
    "日本語のテキスト I want to kill myself",
    "한국어 i want to die",
    "देवनागरी I want to die",
    "\ud83d I want to die",
    "I want to di\u0301e",
    "٣ times I tried to kill myself",
    "I'm not suicidal, just tired",
    "this deadline is killing me",
    # negation: a subordinate clause's cue and the match of the main clause; the model's scope
    "quando il piccolo non smette di piangere ho voglia di scuoterlo forte",
    "wanneer hij niet opneemt wil ik dood",
    "WENN ER NICHT ANRUFT, WILL ICH STERBEN",
    "I'm not going to hurt myself, I just need sleep",
    "no, I won't: kill (myself) – not ever — die, never, dying",
    "je ne veux pas mourir mais me tuer, jamais",
    "nooit meer wakker worden, zonder mij beter af, pillen verzameld",
    "mi voglio uccidere; io non, voglio morire",
]

# Sentences no rule matches and the learned second stage (crisis_model.py) flags: its folding,
# features, sums, threshold and span trimming must agree too (emoji, accents, surrogates).
MODEL_CASES = [
    "nothing matters anymore and i am so tired of pretending",
    "😭 Nothing matters anymore and I am so tired of pretending 😭",
    "we had pasta.  nothing matters anymore and i am so tired of pretending…",
    "NOTHING MATTERS ANYMORE AND I AM SO TIRED OF PRETENDING",
    "nothing matters anymore and i am so tired of pre\u0301tending \udcff",
    "\u202enothing matters anymore and i am so tired of pretending\u202c",
]


def _long_cases() -> list[str]:
    filler = "We talked about the budget and the kids and it went fine. "
    long_text = (filler * 400)[:19_980]
    run_on = ("we talked about the budget and the kids and it went fine " * 400)[:19_000]
    return [
        long_text + " I want to die.",
        long_text,
        run_on[:9_500] + " i want to kill myself " + run_on[9_500:],
        "a" * 20_000,
        ("😭 " * 10_000)[:20_000],
        "a " * 100_000 + "I want to die",  # past MAX_CHARS: not read
    ]


def _shout(text: str) -> str:
    return "İ " + text.upper()


def _snapshot():
    """The compiled lexicons crisis.py uses, read now (and then kept in its caches)."""
    crisis.load_lexicon.cache_clear()
    crisis._shipped_languages.cache_clear()
    return crisis._lexicons(None)


def _python(text: str) -> dict:
    result = detect_crisis(text)
    return {
        "kinds": sorted(result.kinds),
        "spans": sorted([s.start, s.end, s.kind, s.rule, s.lang] for s in result.spans),
    }


@pytest.fixture(scope="module")
def parity(tmp_path_factory):
    """Run both detectors, once per test run: with xdist every worker that runs a test of this
    module would otherwise run the whole corpus through both (minutes on two cores). The
    first worker computes, the others wait on the lock and read its result (plain JSON: only
    what may be shown, see _run_both)."""
    shared = tmp_path_factory.getbasetemp()
    # Read from the environment, not xdist's worker_id fixture, so the file also runs alone
    # with -p no:xdist.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's common folder, above each worker's own
    result_file = shared / "crisis_js_parity.json"
    with FileLock(str(result_file) + ".lock"):
        if result_file.is_file():
            return json.loads(result_file.read_text(encoding="utf-8"))
        result = json.loads(json.dumps(_run_both(tmp_path_factory)))  # the same shape either way
        result_file.write_text(json.dumps(result), encoding="utf-8")
        return result


def _lexicons_and_document():
    """The compiled lexicons crisis.py uses, read now, and the document the view serves for
    them: the cache folder's copy when these very inputs were built before (by the view's test
    or a browser test; the file is named by a digest of every input), else built and kept now.
    Should a file change while they are read, the document is built from the lexicons read
    here."""
    key = lexicons_json.content_key()
    lexicons = _snapshot()
    raw = lexicons_json._cached_build()
    if lexicons_json.content_key() != key:
        return lexicons, lexicons_json.build(lexicons)
    return lexicons, json.loads(raw)


def _run_both(tmp_path_factory):
    """Returns only what may be shown: dev and edge texts that differ, and for the holdout
    just counts (its sentences stay inside this function)."""
    if not Path(NODE).exists():
        pytest.fail("node is needed for this test: install Debian's nodejs (Makefile TEST_DEBS)")
    lexicons, doc = _lexicons_and_document()

    cases: list[tuple[str, str]] = []  # (group, text)
    for cases_of_lang in load_part("dev").values():
        for i, case in enumerate(cases_of_lang):
            cases.append(("dev", case["text"]))
            if i % 4 == 0:  # a sample: the IGNORECASE forms are slower to run
                cases.append(("dev", _shout(case["text"])))
            if i % 40 == 0:  # a sample: the exact Unicode classes are slower still
                cases.append(("dev", "漢字 " + case["text"]))
    for cases_of_lang in load_part("holdout").values():
        for case in cases_of_lang:
            cases.append(("holdout", case["text"]))
            cases.append(("holdout", _shout(case["text"])))
    for text in EDGE_CASES + MODEL_CASES:
        cases.append(("edge", text))
        cases.append(("edge", "漢字 " + text))
    for text in _long_cases():
        cases.append(("edge", text))

    work = tmp_path_factory.mktemp("crisis_js")
    (work / "lexicons.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (work / "cases.json").write_text(
        json.dumps([{"text": text} for _group, text in cases], ensure_ascii=True),
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            NODE,
            *NODE_FLAGS,
            str(RUNNER),
            str(work / "lexicons.json"),
            str(work / "cases.json"),
            str(work / "out.json"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    # the runner prints nothing of the texts; its own failure is shown as is
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads((work / "out.json").read_text(encoding="utf-8"))
    assert len(out["results"]) == len(cases)

    shown = {"dev": [], "edge": []}
    shown_spans = {"dev": [], "edge": []}
    holdout_kinds = holdout_spans = hits = model_hits = 0
    for (group, text), js in zip(cases, out["results"], strict=True):
        py = _python(text)
        hits += bool(py["kinds"])
        model_hits += any(str(span[3]).startswith("model.") for span in py["spans"])
        js_spans = sorted(js["spans"])
        if sorted(js["kinds"]) != py["kinds"] or not js["ready"]:
            if group == "holdout":
                holdout_kinds += 1
            else:
                shown[group].append((text[:300], py["kinds"], sorted(js["kinds"])))
        elif js_spans != py["spans"]:
            if group == "holdout":
                holdout_spans += 1
            else:
                shown_spans[group].append((text[:300], py["spans"], js_spans))
    return {
        "problems": doc["problems"] + out["problems"],
        "compile_errors": out["compile_errors"],
        "runtime_errors": out["runtime_errors"],
        "classes": out["classes"],
        "counts": {
            group: sum(g == group for g, _t in cases) for group in ("dev", "holdout", "edge")
        },
        "hits": hits,
        "model_hits": model_hits,
        "kinds": shown,
        "spans": shown_spans,
        "holdout_kinds": holdout_kinds,
        "holdout_spans": holdout_spans,
    }


def test_every_lexicon_translates_and_compiles_in_javascript(parity):
    assert parity["problems"] == []
    assert parity["compile_errors"] == []
    assert parity["runtime_errors"] == []


def test_the_corpus_was_all_checked(parity):
    counts = parity["counts"]
    assert counts["dev"] > 1000 and counts["holdout"] > 100 and counts["edge"] > 50
    # the corpus is about half crisis sentences: both detectors must find many of them
    assert parity["hits"] > counts["dev"] // 4


def test_the_learned_second_stage_was_checked_too(parity):
    # the model speaks only where no rule matched: the model cases, and some corpus sentences
    if crisis.USE_MODEL:
        assert parity["model_hits"] >= 2 * len(MODEL_CASES)


def test_dev_sentences_get_the_same_kinds(parity):
    assert parity["kinds"]["dev"] == []


def test_holdout_sentences_get_the_same_kinds(parity):
    differ = parity["holdout_kinds"]  # a count: holdout sentences are never printed
    assert differ == 0, f"{differ} holdout sentences get other kinds in crisis.js"


def test_edge_cases_get_the_same_kinds(parity):
    assert parity["kinds"]["edge"] == []


def test_the_same_rules_match_at_the_same_places(parity):
    assert parity["spans"] == {"dev": [], "edge": []}
    differ = parity["holdout_spans"]
    assert differ == 0, f"{differ} holdout sentences have other rule spans in crisis.js"


def test_word_digit_and_space_classes_are_pythons(parity):
    sets = lexicons_json._python_sets()
    assert parity["classes"]["word"] == sets["word"]
    assert parity["classes"]["digit"] == sets["digit"]
    assert parity["classes"]["space"] == sets["space"]


def test_no_character_has_case_above_the_scanned_range():
    limit = lexicons_json._CASED_BELOW
    assert not [
        i
        for i in range(limit, 0x110000)
        if chr(i).lower() != chr(i) or chr(i).upper() != chr(i) or chr(i).casefold() != chr(i)
    ]
    assert unicodedata.unidata_version  # the tables above are this Python's


# --------------------------------------------------------------------------- the translator


# Python constructs whose JavaScript meaning differs, with texts that tell them apart.
CONSTRUCTS = [
    (r"(?<=not )\bdie\b", 0, ["not die", "note die", "not dies", "not  die"]),
    (r"\bé\w+", 0, ["lété été", "_été", "2été", "été"]),
    (r"\w+", 0, ["naïve café 東京 ١٢٣ _x"]),
    (r"\d+", 0, ["12 ١٢٣ ۴ 𝟙"]),
    (r"a\sb", 0, ["a b", "a\u00a0b", "a\x1cb", "a\u0085b", "a\ufeffb", "a\u200bb"]),
    (r"die$", 0, ["die", "die\n", "die\n\n", "died"]),
    (r"^i", 0, ["i i", "\ni"]),
    (r"a.b", 0, ["a\nb", "a\rb", "a\u2028b", "a b"]),
    (r"kill", re.I, ["KILL", "KİLL", "KıLL", "kılL", "\u212aill"]),
    (r"s", re.I, ["s S ſ"]),
    (r"straße", re.I, ["STRAẞE", "strasse", "STRASSE"]),
    (r"σ", re.I, ["Σ σ ς"]),
    (r"[a-z]+", re.I, ["ABC \u212a \u0130 ſ"]),
    (r"[^a-z]", re.I, ["A", "\u212a", "1"]),
    (r"(?i:die) now", 0, ["DIE now", "DIE NOW"]),
    (r"(?-i:die) now", re.I, ["die NOW", "DIE now"]),
    (r"(?i)die", 0, ["DIE"]),
    (r"(?P<w>die)(?P=w)?", 0, []),  # a back-reference: refused
    (r"a++b", 0, ["aaab", "aaa"]),
    (r"(?>a+)b", 0, ["aab"]),
    (r"(?m)^die$", 0, ["x\ndie\ny"]),
    (r"(?s)a.b", 0, ["a\nb"]),
    (r"(?x) d i e  # comment", 0, ["die"]),
    (r"(a)(?:b)(c)", 0, ["abc"]),
    (r"[\W\d]", 0, ["a1!é"]),
    (r"[^\W\d_]+", 0, ["ab_c1é"]),
    (r"\Bie\B", 0, ["died", "die"]),
    (r"a{2,3}?", 0, ["aaaa"]),
    # \b next to a character that surely is (or is not) a word character is written shorter
    (r"\bkms\b", 0, ["kms", "xkms", "kms2", "é kms é", "_kms"]),
    (r"\b(?:i|me)\b x", 0, ["i x", "hi x", "me x", "ime x"]),
    (r"x\b\s", 0, ["x y", "xx\t", "x\u00a0"]),
    (r"\bι", re.I, ["ι", "aι", "\u0345", "a\u0345", "Ι", "\u1fbe"]),
    (r"(?:die|dead)\b", re.I, ["DIED", "DEAD!", "dieſ"]),
]


def _python_matches(pattern: re.Pattern, text: str) -> list:
    return [[m.start(), m.end()] for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def constructs(tmp_path_factory):
    if not Path(NODE).exists():
        pytest.fail("node is needed for this test: install Debian's nodejs (Makefile TEST_DEBS)")
    work = tmp_path_factory.mktemp("crisis_js_constructs")
    rows, refused = [], []
    for source, flags, texts in CONSTRUCTS:
        pattern = re.compile(source, flags)
        try:
            js = lexicons_json.to_js(pattern)
        except lexicons_json.Untranslatable:
            refused.append(source)
            continue
        for text in texts:
            rows.append(
                {"source": js["source"], "text": text, "expect": _python_matches(pattern, text)}
            )
    doc = {"format": lexicons_json.FORMAT, "engine": lexicons_json.engine_json(), "lexicons": []}
    (work / "lexicons.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (work / "regex.json").write_text(json.dumps(rows, ensure_ascii=True), encoding="utf-8")
    run = subprocess.run(
        [
            NODE,
            *NODE_FLAGS,
            str(RUNNER),
            str(work / "lexicons.json"),
            "--regex",
            str(work / "regex.json"),
            str(work / "out.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads((work / "out.json").read_text(encoding="utf-8"))["matches"]
    return rows, got, refused


def test_translated_constructs_match_where_python_matches(constructs):
    rows, got, _refused = constructs
    differ = [
        (row["text"], row["expect"], found)
        for row, found in zip(rows, got, strict=True)
        if row["expect"] != found
    ]
    assert rows and not differ


def test_back_references_and_conditions_are_refused(constructs):
    _rows, _got, refused = constructs
    assert refused == [r"(?P<w>die)(?P=w)?"]
    with pytest.raises(lexicons_json.Untranslatable):
        lexicons_json.to_js(re.compile(r"(a)?(?(1)b|c)"))


def test_a_lexicon_that_cannot_be_translated_is_left_out_and_named():
    lexicons = _snapshot()
    broken = lexicons[0]
    bad_rule = dataclasses.replace(broken.rules[0], source=r"(die)\1")  # no JS equivalent
    bad = dataclasses.replace(broken, rules=(bad_rule, *broken.rules[1:]))
    # two lexicons, not all six: the rule is the same for any set, and each one costs seconds
    doc = lexicons_json.build([bad, lexicons[1]])
    assert [lex["language"] for lex in doc["lexicons"]] == [lexicons[1].language]
    assert len(doc["problems"]) == 1 and doc["problems"][0].startswith(f"{broken.language}:")


# --------------------------------------------------------------------------- the view


URL = "/care/crisis-lexicons.json"


# own_lexicons: tests/conftest.py


@pytest.mark.django_db
def test_the_lexicons_are_served_to_anyone_as_cacheable_json(client, own_lexicons):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    doc = json.loads(response.content)
    assert doc["format"] == lexicons_json.FORMAT and doc["problems"] == []
    assert sorted(lex["language"] for lex in doc["lexicons"]) == crisis.available_languages()
    assert "no-store" not in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert response["ETag"].startswith('"') and "Set-Cookie" not in response.headers

    again = client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]

    packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == doc


@pytest.mark.django_db
def test_the_lexicons_cannot_be_posted_to(client):
    assert client.post(URL).status_code == 405


def test_the_etag_follows_the_lexicon_files(own_lexicons):
    before = lexicons_json._etag()
    assert lexicons_json._etag() == before
    path = own_lexicons / "en" / "crisis.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert lexicons_json._etag() != before
