"""The crisis detector's learned second stage (reattune/domain/safety/crisis_model.py).

Only dev sentences and sentences written here are used; the holdout is never read.
Figures (recall, false alarms, time) are in bench/crisis_eval.py, not here.
"""

from __future__ import annotations

import copy
import json
import math

import pytest

from bench.crisis_eval import load_part
from reattune.domain.safety import crisis, crisis_model
from reattune.domain.safety.crisis import KINDS, detect_crisis, model_work
from reattune.domain.safety.crisis_model import ModelError, load_model, parse, read

DEV_TEXTS = [c["text"] for cases in load_part("dev").values() for c in cases]


def model_only(text: str):
    """The model's findings for a text, whatever the rules say."""
    return crisis._model_spans(text)


def test_the_shipped_model_loads_and_is_small():
    model = load_model()
    assert model.labels == crisis_model.LABELS
    assert set(model.labels) == KINDS
    assert 1_000 < len(model.weights)
    assert crisis_model.MODEL_FILE.stat().st_size < 2_000_000
    assert all(len(row) == len(model.labels) for row in model.weights.values())
    assert load_model() is model  # read once


def test_the_model_was_trained_on_dev_only():
    trained = read()["trained"]
    assert "dev" in trained["corpus"] and "holdout never read" in trained["corpus"]
    assert trained["setting"] and trained["cv"]["model_alone"]["false_alarm_rate"] <= 0.015


def test_start_up_checks_the_model_file():
    assert crisis.validate_all_lexicons()  # the shipped files, model included


def _broken(change):
    doc = copy.deepcopy(read())
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d.pop("threshold"), "(top)", "'threshold' is a required property"),
        (lambda d: d["weights"].pop(), "weights", "numbers for"),
        (lambda d: d["weights"].__setitem__(0, 900), "weights[0]", "900"),
        (lambda d: d["weights"].__setitem__(3, 1.5), "weights[3]", "1.5"),
        (lambda d: d["features"].__setitem__(2, "xkill"), "features[2]", "xkill"),
        (lambda d: d.__setitem__("labels", ["suicide"]), "labels", "expected"),
        (lambda d: d["features"].__setitem__(1, d["features"][0]), "features", "twice"),
        (lambda d: d["fold"].__setitem__("70000", "x"), "fold.70000", "below limit"),
        (lambda d: d.__setitem__("colour", 1), "(top)", "unknown field 'colour'"),
    ],
)
def test_a_broken_model_file_names_field_and_problem(change, field, problem):
    with pytest.raises(ModelError) as caught:
        parse(_broken(change), "crisis_model.json")
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_an_unreadable_model_file_is_named(tmp_path):
    path = tmp_path / "crisis_model.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot be read"):
        read(path)


def test_same_text_same_answer():
    text = "lately everything feels pointless and heavy, like nothing i do matters to anyone"
    first = [crisis_model.load_model().scores(p) for _s, _e, p in crisis.model_pieces(text)]
    again = [crisis_model.load_model().scores(p) for _s, _e, p in crisis.model_pieces(text)]
    assert first == again and first[0] is not None
    assert detect_crisis(text) == detect_crisis(text)


def _in_scope(negation, tokens: list[str], starts: set[int]) -> list[int]:
    """Where the negated words are, written out again: from each cue to the end of its clause, a break
    word, or ``window`` words, whichever comes first; none after a cue before a not_before word."""
    if negation is None:
        return []
    out = []
    for i, token in enumerate(tokens):
        if token not in negation.cues:
            continue
        if i + 1 < len(tokens) and i + 1 not in starts and tokens[i + 1] in negation.not_before:
            continue
        taken, j = 0, i + 1
        while j < len(tokens) and taken < negation.window:
            nxt = tokens[j]
            if j in starts or nxt in negation.breaks or nxt in negation.cues:
                break
            out.append((j, nxt))
            taken, j = taken + 1, j + 1
    # a later cue takes over the scope of an earlier one: each word once, in order
    return sorted({j for j, _token in out})


def _one_feature_at_a_time(model, text: str):
    """Model.scores as first written (and as crisis.js still sums): every feature in the order
    it is met, one multiply-add at a time. The shipped one sums whole columns of the known
    features; integer sums are exact in any order, so the scores must be equal to the bit."""
    counts = {}
    if model.negation is None:
        tokens, starts = model.tokens(text), set()
    else:  # the clauses one by one: the same tokens, and where each clause starts
        tokens, starts = [], set()
        for clause in crisis_model.CLAUSE_MARKS.split(text):
            starts.add(len(tokens))
            tokens += model.tokens(clause)
    for i, token in enumerate(tokens):
        counts["w" + token] = counts.get("w" + token, 0) + 1
        if i + 1 < len(tokens):
            key = "b" + token + " " + tokens[i + 1]
            counts[key] = counts.get(key, 0) + 1
    joined = " " + " ".join(tokens) + " "
    for n in range(model.char_min, model.char_max + 1):
        for i in range(len(joined) - n + 1):
            key = "c" + joined[i : i + n]
            counts[key] = counts.get(key, 0) + 1
    scope = _in_scope(model.negation, tokens, starts)
    extra = ["n" + tokens[j] for j in scope]
    if model.concepts is not None:
        extra += crisis_model.concept_features(tokens, set(scope), model.concepts)
    for key in extra:
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None, counts
    sums, squares = [0] * len(model.labels), 0
    for key, count in counts.items():
        squares += count * count
        row = model.weights.get(key)
        if row is not None:
            for k in range(len(sums)):
                sums[k] += count * row[k]
    norm = math.sqrt(squares)
    return [model.bias[k] + model.scale * sums[k] / norm for k in range(len(sums))], counts


def test_the_scores_are_those_of_the_one_feature_at_a_time_sum():
    model = load_model()
    pieces = [p for c in DEV_TEXTS[::4] for _s, _e, p in crisis.model_pieces(c)]
    pieces += ["", "   ", "a", "😭", "I want to die 😭 \udcff", "ıİ ſ ﬁ " * 3]
    for piece in pieces:
        expected, counts = _one_feature_at_a_time(model, piece)
        assert model.scores(piece) == expected, piece
        features = model.features(piece)
        assert list(features.items()) == list(counts.items()), piece  # same order too
    assert len(pieces) > 1_000


# Dev sentences (tests/data/crisis/dev) the model alone flags, with their labels.
KNOWN = [
    ("I want to kill myself.", "suicide"),
    ("I just want to die.", "suicide"),
    ("He said he would kill me if I leave him", "harm_from_others"),
]


@pytest.mark.parametrize(("text", "kind"), KNOWN)
def test_known_dev_sentences(text, kind):
    spans = model_only(text)
    assert [s.kind for s in spans] == [kind]
    assert spans[0].rule == f"model.{kind}"


IDIOMS = [
    "I'm dead tired after work",
    "dead tired, going to bed early",
    "you're killing it at work lately!",
    "she is killing it at the gym",
    "I'd die for a coffee right now",
    "this commute is killing me",
    "I'm not suicidal, just really tired",
    "we laughed so hard I nearly died",
    "we watched a documentary about a murder case",
]


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_stay_quiet(text):
    assert model_only(text) == []
    assert not detect_crisis(text)


def test_the_model_only_speaks_where_the_rules_found_nothing(monkeypatch):
    text = "I want to kill myself."
    with_rules = detect_crisis(text)
    assert with_rules.hit and not any(s.rule.startswith("model.") for s in with_rules.spans)
    monkeypatch.setattr(crisis, "_scan", lambda *args, **kwargs: [])  # rules find nothing
    alone = detect_crisis(text)
    assert alone.kinds == {"suicide"}
    assert [s.rule for s in alone.spans] == ["model.suicide"]


def test_a_model_finding_points_at_its_sentence(monkeypatch):
    monkeypatch.setattr(crisis, "_scan", lambda *args, **kwargs: [])
    text = "We had dinner at mum's.  I want to kill myself.  😭"
    result = detect_crisis(text)
    assert result.hit and result.kinds <= KINDS
    (span,) = result.spans
    assert text[span.start : span.end] == "I want to kill myself"
    assert span.lang == ""


def test_switching_the_model_off(monkeypatch):
    monkeypatch.setattr(crisis, "_scan", lambda *args, **kwargs: [])
    assert detect_crisis("I want to kill myself.").hit
    assert not detect_crisis("I want to kill myself.", model=False).hit
    monkeypatch.setattr(crisis, "USE_MODEL", False)
    assert not detect_crisis("I want to kill myself.").hit
    from reattune.care import lexicons_json

    assert lexicons_json.build([])["model"] is None


def test_the_browser_gets_the_model_without_the_training_notes():
    from reattune.care import lexicons_json

    doc = lexicons_json.model_json()
    assert "trained" not in doc
    assert parse({**doc, "trained": {}}).weights == load_model().weights
    assert len(json.dumps(doc, separators=(",", ":"))) < 2_000_000


ODD = {
    "empty": "",
    "spaces": " \n\t ",
    "long": ("We had a long talk about the kitchen and the kids. " * 400)[:20_000],
    "long_one_sentence": ("and then we talked about the kids " * 600)[:20_000],
    "twenty_thousand_a": "a" * 20_000,
    "emoji_only": "😀😭💔🔪🙃" * 200,
    "rtl": "أنا متعب جدا ولا أريد أن أعيش. אני עייף מאוד. \u202eI feel so alone\u202c",
    "surrogates": "so tired \udcff\udcfe of everything",
    "combining": "I want to di\u0301e",
    "controls": "\x00\x01\x02 we talked\x7f\x1b[31m",
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_input_never_raises(name):
    text = ODD[name]
    spans = model_only(text)
    for span in spans:
        assert span.kind in KINDS and 0 <= span.start < span.end <= len(text)
    result = detect_crisis(text)
    assert result.kinds <= KINDS


GROWTH = {
    "everyday": "We talked about the budget and the kids. ",
    "one_sentence": "and then we talked about the kids ",
    "emoji": "😭 ",
    "accents": "je suis épuisée, ça ne va pas ",
}


@pytest.mark.parametrize("name", sorted(GROWTH))
def test_model_work_grows_linearly(name):
    unit = GROWTH[name]
    n = max(1, 2_000 // len(unit))
    small, large = model_work(unit * n), model_work(unit * 8 * n)
    assert small > 0 or name == "emoji"
    assert large <= 8 * small * 1.3 + 2_000, (small, large)
    # a bounded number of features per character (sentence pieces overlap a little)
    assert large <= 12 * len(unit * 8 * n)


def _negation_model():
    base = load_model()
    negation = crisis_model.Negation(
        cues=frozenset({"not", "non", "nicht", "dont"}),
        not_before=frozenset({"stop", "sure"}),
        breaks=frozenset({"but", "quando", "wenn", "wanneer"}),
        window=4,
    )
    return crisis_model.Model(
        base.labels,
        base.char_min,
        base.char_max,
        base.limit,
        base.fold,
        base.scale,
        base.bias,
        base.threshold,
        base.weights,
        negation,
    )


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("I'm not going to hurt myself, I just need sleep", ["going", "to", "hurt", "myself"]),
        ("I don't want to die but I'm so tired", ["want", "to", "die"]),
        ("non voglio morire quando piove", ["voglio", "morire"]),
        ("ich will nicht: sterben", []),  # the clause ends at the colon
        ("I can't stop, not sure, not ever", ["ever"]),  # not_before words open no scope
        ("wenn er nicht da ist wanneer ik", ["da", "ist"]),
        ("", []),
    ],
)
def test_the_scope_of_a_negation_stops_at_the_clause(text, negated):
    model = _negation_model()
    features = model.features(text)
    assert [k[1:] for k in features for _ in range(features[k]) if k[0] == "n"] == negated
    tokens, starts = _clause_tokens(model, text)
    assert [tokens[j] for j in _in_scope(model.negation, tokens, starts)] == negated


def _clause_tokens(model, text):
    tokens, starts = [], set()
    for clause in crisis_model.CLAUSE_MARKS.split(text):
        starts.add(len(tokens))
        tokens += model.tokens(clause)
    return tokens, starts


def test_the_negated_words_are_features_of_their_own():
    model = _negation_model()
    plain = model.features("I want to hurt myself")
    negated = model.features("I don't want to hurt myself")
    assert not any(k[0] == "n" for k in plain)
    assert {"nwant", "nto", "nhurt", "nmyself"} <= set(negated)


def test_concepts_join_the_languages():
    table = {
        "names": {"DIE": ["dying", "sterben", "morire"], "SELF": ["myself", "mich"]},
        "min_prefix": 3,
        "pair_gap": 2,
    }
    table["names"]["KILL"] = ["kill*", "umbring*", "uccid*"]
    concepts = crisis_model.concepts_from(table)
    assert concepts.of("killing") == concepts.of("umbringen") == concepts.of("uccidermi") == "KILL"
    assert concepts.of("sterben") == "DIE" and concepts.of("sterbend") is None  # whole words
    assert concepts.of("ki") is None and concepts.of("") is None
    tokens = ["ich", "will", "mich", "umbringen", "und", "nicht", "sterben"]
    assert crisis_model.concept_features(tokens, {6}, concepts) == [
        "kSELF",
        "kKILL",
        "k!DIE",
        "kSELF KILL",  # one token apart; KILL and DIE are three apart: no pair
    ]


@pytest.mark.parametrize(
    ("entries", "problem"),
    [(["kill*", "kill*"], "listed twice"), (["ki*"], "too short")],
)
def test_a_broken_concept_table_is_named(entries, problem):
    table = {"names": {"KILL": entries}, "min_prefix": 3, "pair_gap": 2}
    with pytest.raises(ModelError, match=problem):
        crisis_model.concepts_from(table)


@pytest.mark.parametrize(
    ("said", "denied"),
    [
        ("I want to hurt myself", "I don't want to hurt myself"),
        ("ich will sterben", "ich will nicht sterben"),
        ("voglio morire", "non voglio morire"),
        ("je veux mourir", "je ne veux pas mourir"),
    ],
)
def test_the_shipped_model_weighs_a_denial_below_the_statement(said, denied):
    model = load_model()
    assert model.negation is not None and model.concepts is not None
    assert max(model.scores(denied)) < max(model.scores(said)) - 1
