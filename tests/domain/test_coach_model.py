"""The coach's learned second stage (reattune/domain/coach/learned.py): the shipped file loads
and is checked, the analyzer stays deterministic and explainable with it, and it can be
switched off."""

import copy
import json
import math

import pytest

from reattune.domain.coach import TextTooLong, analyze, learned
from reattune.domain.coach.analyzer import analyze_with, model_features, model_gate, model_gates
from reattune.domain.coach.labels import LABELS


@pytest.fixture(scope="module")
def model():
    return learned.load_model()


@pytest.fixture(scope="module")
def data():
    return json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))


def test_the_shipped_model_loads(model):
    assert model.labels == learned.ADDABLE
    assert set(model.labels) <= set(LABELS)
    assert "feeling_named" not in model.labels and "no_feeling_named" not in model.labels
    assert len(model.bias) == len(model.cutoffs) == len(model.labels)
    assert len(model.table) > 100
    assert any(cutoff is not None for cutoff in model.cutoffs)
    for label in model.labels:
        assert "{words}" in model.explanations[label]


def test_the_shipped_model_records_how_it_was_made(data):
    trained = data["trained"]
    assert "development part" in trained["corpus"]
    assert trained["folds"] >= 5 and trained["messages"] >= 1000
    assert set(trained["setting"]) == {"l1", "l2", "min_count"}


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("weights"), "(top)"),
        (lambda d: d["bias"].pop(), "bias"),
        (lambda d: d["cutoffs"].append(1.0), "cutoffs"),
        (lambda d: d["labels"].__setitem__(0, "feeling_named"), "labels"),
        (lambda d: d["explanations"].__setitem__("contempt", "no words here"), "explanations"),
        (lambda d: d["weights"].__setitem__("you", [[99, 3]]), "weights"),
        (lambda d: d["weights"].__setitem__("you", [[0, 500]]), "weights"),
        (lambda d: d.__setitem__("format", 1), "format"),
    ],
)
def test_a_broken_model_file_is_refused_naming_the_field(data, change, where):
    broken = copy.deepcopy(data)
    change(broken)
    with pytest.raises(learned.CoachModelError) as caught:
        learned.from_data(broken, "coach_model.json")
    assert str(caught.value).startswith("coach_model.json: ")
    assert where in caught.value.field


def test_the_model_is_deterministic(data, model):
    again = learned.from_data(copy.deepcopy(data))
    assert again == model
    text = "Well, aren't you a proper little comedian."
    first = analyze_with(text, "en", model).to_dict()
    assert all(analyze_with(text, "en", again).to_dict() == first for _ in range(3))
    assert first != analyze_with(text, "en", None).to_dict()  # the model did add something


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😢😡🙄💀" * 20,
        "אני מרגישה בודדה כשאתה בטלפון",  # Hebrew, right to left
        "أنت لا تستمع لي أبدا",  # Arabic, right to left
        "\u202eyou never listen\u202c",  # a right-to-left override
        "ok",
        "?!",
        "a " * 2499,
        "You never help! " * 300,
    ],
)
def test_no_exception_and_every_finding_is_explained(text, model):
    for analysis in (analyze(text), analyze_with(text, "en", model)):
        for finding in analysis.findings:
            assert finding.explanation
            assert finding.spans
            for start, end in finding.spans:
                assert 0 <= start < end <= len(text)


def test_the_model_reads_long_inputs_without_an_exception(model):
    text = "whatever you say genius 🙄 אני " * 700  # about 21,000 characters
    assert len(text) >= 20000
    feats = model_features(text)
    assert "genius" in feats
    assert len(model.scores(feats)) == len(model.labels)
    with pytest.raises(TextTooLong):
        analyze(text)  # the analyzer's own limit is unchanged


@pytest.mark.parametrize("on", [True, False])
def test_one_constant_switches_the_model(monkeypatch, model, on):
    texts = [
        "You have the emotional range of a teaspoon.",
        "Maybe if you picked up your socks once I wouldn't have to nag.",
        "Can you grab milk on the way home?",
    ]
    monkeypatch.setattr(learned, "USE_MODEL", on)
    for text in texts:
        expected = analyze_with(text, "en", model if on else None)
        assert analyze(text).to_dict() == expected.to_dict()


def _added(text):
    """The findings the learned stage adds to the rules' ones."""
    rules = {f.label for f in analyze_with(text, "en", None).findings}
    with_model = analyze_with(text, "en", learned.load_model()).findings
    return [f for f in with_model if f.label not in rules]


# Development messages (the model was trained on them) where the rules miss a label the
# corpus gives and the model adds it.
@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Well, aren't you a proper little comedian.", "contempt"),
        ("What a lovely surprise, you actually showed up.", "you_blame"),
        ("I said I'd do it, stop going on about it.", "defensiveness"),
    ],
)
def test_the_model_adds_a_label_the_rules_missed(text, label):
    added = _added(text)
    assert label in {finding.label for finding in added}, (text, added)
    for finding in added:
        (start, end), *_ = finding.spans
        assert text[start:end].strip()
        # The explanation quotes words of the message.
        quoted = finding.explanation.split("“", 1)[1].split("”", 1)[0]
        assert quoted.lower() in text.lower()


def test_the_model_is_not_asked_where_the_rules_already_speak(model):
    # A conflict pattern or a disclaimer: the model is not asked at all.
    for text in ("You never listen to me.", "I'm not saying you never help."):
        assert model_gates(text)[1] == frozenset(), text
        assert analyze_with(text, "en", model).labels == analyze_with(text, "en", None).labels
    # An I-statement, a complaint, a simply warm message: it may add a soft label (a level, a
    # curious question, a complaint where no kind sentence is), never a conflict pattern.
    for text, may_add in (
        ("I feel lonely, and I'd like you to put your phone away.", learned.SOFT_LABELS),
        ("You raised your voice at me in front of the kids.", learned.SOFT_LABELS),
        ("You're so kind.", learned.GENTLE_LABELS),
    ):
        labels, allowed = model_gates(text)
        assert not model_gate(text)[1], text
        assert allowed <= may_add and not allowed & labels, (text, allowed)
        added = analyze_with(text, "en", model).labels - analyze_with(text, "en", None).labels
        assert added <= may_add, (text, added)
    assert "complaint" not in learned.GENTLE_LABELS


def test_the_model_adds_a_soft_label_where_the_rules_found_a_constructive_form(model):
    # Its cut-offs are chosen out of fold; at least one soft label is in use.
    assert {model.labels[i] for i in model.active} & learned.SOFT_LABELS


def test_clear_messages_keep_their_labels():
    assert {"absolute", "you_blame"} <= analyze("You never listen to me.").labels
    assert "i_statement" in analyze("I feel lonely when we don't talk in the evening.").labels
    good = analyze("Thank you for cooking tonight, it meant a lot to me.").labels
    assert not good & {"contempt", "criticism", "you_blame", "defensiveness", "stonewalling"}


def _read(text):
    """The tokens and the prepared text the analyzer hands the model."""
    from reattune.domain.coach.analyzer import _Message, _prepare
    from reattune.domain.coach.lexicon import load_lexicon

    lex = load_lexicon("en")
    prepared = _prepare(text, lex)
    return _Message(prepared, lex).tokens, prepared


def test_spellings_share_a_word_class_and_words_share_pieces():
    ur = model_features("ur so lazy")
    youre = model_features("you're so lazy")
    assert "#you #so" in ur and "#you #so" in youre
    assert "#you" in ur and "ur" in ur and "you're" in youre
    # character grams of each word, ends marked, stored apart from the words themselves
    clueless = model_features("so clueless")
    assert {"~<clu", "~less", "~ess>"} <= clueless
    assert "less" not in clueless
    assert "🙄" in model_features("sure 🙄")
    # the first word, as itself and as its class
    assert {"^what", "^u", "^#you"} <= model_features("what") | model_features("u ok?")
    assert "^#you" not in model_features("what about you")


@pytest.mark.parametrize(
    "text",
    [
        "Oh you're a saint, aren't you.",
        "ur such a clown lmaooo 🙄",
        "Whatever you want for dinner is fine.",
        "i'm not doing this rn",
        "Thanks SO much for leaving me one slice.",
        "How hard is it to text back?",
        "never mind, forget it",
        "omg ur such a drama queen lol",
    ],
)
def test_the_fast_path_agrees_with_the_scores(model, text):
    """passing_tokens (the analyzer's packed sum) names exactly the labels whose score from
    the features reaches their cut-off."""
    tokens, prepared = _read(text)
    scores = model.scores(learned.features(tokens, prepared))
    # the cut-off as the fast path applies it: a whole number of weight steps above the bias
    steps = {
        i: math.ceil((model.cutoffs[i] - model.bias[i]) / model.scale - 1e-9) for i in model.active
    }
    expected = [
        i for i in model.active if scores[i] >= model.bias[i] + model.scale * steps[i] - 1e-9
    ]
    assert model.passing_tokens(tokens, prepared) == expected


def test_an_explanation_quotes_whole_words_for_a_character_piece(model):
    span = learned._word_span("you're so clueless", "~uele", 0, 18)
    assert span == (10, 18)
    span = learned._word_span("ur so lazy", "#you #so", 0, 10)
    assert span == (0, 5)


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin so stolz auf dich, du warst großartig.",
        "Du bist so lieb, danke für alles.",
        "Te quiero mucho, eres lo mejor que me ha pasado.",
        "Sei fantastico, grazie di cuore.",
    ],
)
def test_a_message_in_another_language_is_left_to_the_rules(model, text):
    """The model reads English: it adds nothing where it knows few of the words."""
    tokens, prepared = _read(text)
    assert len(set(tokens) & model.known) < learned.MIN_KNOWN * len(set(tokens))
    assert model.passing_tokens(tokens, prepared) == []
    assert analyze_with(text, "en", model).labels == analyze_with(text, "en", None).labels
