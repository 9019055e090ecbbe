"""Kind words are never called blame: warm, appreciative, apologetic and gently firm messages
get no conflict label, with the coach as shipped and with its learned stage switched on.

The messages below were written for this test and are not in the development corpus the
learned stage is trained on. Several are in other languages: the coach reads English only,
but people write in theirs, and the app analyses what they type.
"""

import pytest

from reattune.domain.coach import analyze, learned
from reattune.domain.coach.analyzer import analyze_with, model_gate
from reattune.domain.coach.labels import BLAME_LABELS
from reattune.domain.coach.lexicon import LexiconError
from reattune.domain.coach.warmth import load_warmth

NEGATIVE = BLAME_LABELS | {"complaint"}

WARM = [
    # English, plain
    "You're so kind to me.",
    "You're a genius!",
    "You're such a thoughtful husband.",
    "You are an incredible mother and I tell everyone.",
    "You're ridiculously good at making me laugh.",
    "You're the strongest person I know.",
    "You were so patient with me today, thank you.",
    "You're the best, honestly.",
    "You totally rescued my evening.",
    "You're so clever with money, it's amazing.",
    "You have such a generous heart.",
    "You're absolutely brilliant at calming the kids down.",
    # texting and slang
    "ur amazing tysm",
    "you're such a sweetheart omg",
    "u absolute legend ❤️",
    "you're so cute i can't",
    "ur a genius lol thank u",
    # British and Australian
    "You're a proper star, cheers for today.",
    "You're a top bloke, thanks for sorting the car.",
    # apologies
    "I'm so sorry, you deserved a proper answer.",
    "That's on me, I'm sorry I made you wait.",
    "You were right, sorry for being stubborn.",
    # gently firm
    "I love you, and I need us to talk about the rent tonight.",
    "I'm on your side, and I'd like us to plan the weekend together.",
    # French
    "Tu es tellement gentil, merci pour tout.",
    "Je suis si fière de toi, tu as été génial.",
    # German
    "Du bist so lieb, danke für alles.",
    "Ich bin so stolz auf dich, du warst großartig.",
    # Spanish
    "Eres increíble, gracias por cuidarme tanto.",
    "Te quiero mucho, eres lo mejor que me ha pasado.",
    # Dutch
    "Je bent zo lief, dankjewel voor vandaag.",
    # Italian
    "Sei fantastico, grazie di cuore.",
    # Portuguese
    "Você é tão carinhoso, obrigada por tudo.",
]


def test_there_are_enough_warm_messages_in_several_languages():
    assert len(WARM) >= 30
    assert len(set(WARM)) == len(WARM)


@pytest.mark.parametrize("text", WARM)
def test_a_warm_message_gets_no_negative_label_as_shipped(text):
    labels = analyze(text).labels
    assert not labels & NEGATIVE, (text, sorted(labels & NEGATIVE))


@pytest.mark.parametrize("text", WARM)
def test_a_warm_message_gets_no_negative_label_from_the_learned_stage(text):
    labels = analyze_with(text, "en", learned.load_model()).labels
    assert not labels & NEGATIVE, (text, sorted(labels & NEGATIVE))


@pytest.mark.parametrize(
    "text",
    [
        "You're so kind.",
        "You're a genius!",
        "ty babe ur a lifesaver",
        "I'm sorry I was short with you.",
    ],
)
def test_a_simply_warm_message_is_not_handed_to_the_model(text):
    _, asked = model_gate(text)
    assert not asked


@pytest.mark.parametrize(
    "text",
    [
        "You're sooo helpful, really.",  # stretched vowels
        "Oh you're a saint, aren't you.",  # a negation in a tag question
        "Nice of you to finally show up, genius.",  # "finally"
        "You're sweet but you're useless.",  # "but", an insult
        "You're such a hero 🙄",  # an eye roll
        "Love how you always make everything about you.",  # praise around a standing complaint
        "Love the way you never listen to a word I say.",
        "Appreciate it, really, do it again or else.",  # a threat in thanks
    ],
)
def test_warm_words_with_a_cold_cue_are_still_read_by_the_model(text):
    # Sarcasm borrows warm words: the veto does not keep the model from reading it (unless
    # the rules already found the conflict, when it is not asked anyway).
    labels, asked = model_gate(text)
    assert asked or labels & NEGATIVE


def test_the_rules_still_find_sarcasm_in_warm_words():
    assert "contempt" in analyze("Oh, you're SO thoughtful 🙄").labels
    assert "contempt" in analyze("Thanks a lot for nothing, sweetheart.").labels


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("warm_words: []\ncold_words: [not]\n", "warm_words"),
        ("warm_words: [kind]\ncold_words: [Not]\n", "cold_words[0]"),
        ("warm_words: [kind]\ncold_words: [kind]\n", "cold_words"),
        ("warm_words: [kind]\ncold_words: [not]\ncold_patterns: ['(']\n", "cold_patterns[0]"),
        ("warm_words: [kind]\ncold_words: [not]\ncolour: red\n", "(top level)"),
    ],
)
def test_a_broken_warmth_file_is_refused_naming_the_field(tmp_path, content, field):
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "coach_warmth.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        load_warmth(folder, LexiconError)
    assert caught.value.field == field
    assert "coach_warmth.yaml" in str(caught.value)


def test_a_language_without_a_warmth_file_has_no_veto(tmp_path):
    assert load_warmth(tmp_path) is None
