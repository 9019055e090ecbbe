"""Rewrites, antidotes, validating responses and the conversation opener."""

import re

import pytest

from reattune.domain.coach import analyze, build_opener, suggest, validating_responses
from reattune.domain.coach.labels import BLAME_LABELS

ABSOLUTE_ABOUT_PARTNER = re.compile(r"\byou\b[^.]*\b(always|never)\b", re.I)


@pytest.mark.parametrize(
    "text",
    [
        "You never help with the dishes.",
        "You ALWAYS leave your socks on the floor.",
        "I feel that you never listen.",
        "You’re always on your phone!! 😡",
        "You never once said sorry.",
        "Why do you never say thank you?",
        "Every time I talk about money you change the subject.",
    ],
)
def test_rewrite_is_an_i_statement_without_the_absolute(text):
    rewrite = suggest(analyze(text)).rewrite
    assert rewrite and rewrite.startswith(("I feel ", "I felt "))  # the user's tense
    assert not ABSOLUTE_ABOUT_PARTNER.search(rewrite)
    assert not analyze(rewrite).labels & {"absolute", "criticism", "contempt"}


def test_rewrite_keeps_the_users_words_and_request():
    rewrite = suggest(analyze("You never help with the dishes. I'd like a rota.")).rewrite
    assert "help with the dishes" in rewrite and rewrite.endswith("I'd like a rota.")
    # "when you don't listen" would still read as blame: the request stays, the charge goes.
    rewrite = suggest(analyze("You never listen. I'd like you to put your phone away.")).rewrite
    assert rewrite == "I feel lonely, and I'd like you to put your phone away."


def test_rewrite_uses_the_named_feeling_or_one_from_the_vocabulary():
    assert suggest(analyze("I'm so frustrated, you never help.")).rewrite.startswith(
        "I feel frustrated"
    )
    assert suggest(analyze("You're so selfish.")).rewrite.startswith("I feel hurt")


def test_no_rewrite_for_a_kind_or_practical_message():
    assert suggest(analyze("Can you pick up milk?")).rewrite is None
    assert suggest(analyze("I love that you always make me laugh.")).rewrite is None


def test_antidotes_match_the_patterns():
    names = dict(suggest(analyze("You're so selfish. Whatever. 🙄 It's not my fault.")).antidotes)
    assert {
        "A gentle start-up",
        "Appreciation",
        "Taking responsibility",
        "A self-soothing pause",
    } <= set(names)


def test_question_back_offers_the_three_kinds_of_support():
    question = suggest(analyze("I had a terrible day.")).question_back
    assert "solving" in question and "heard" in question


def test_validating_responses_reflect_the_feeling_before_anything_else():
    responses = validating_responses("I'm so exhausted, work was awful.")
    assert responses[0].startswith("It sounds like you're feeling exhausted")
    assert all("should" not in r.lower() for r in responses)  # no advice


def test_validating_responses_for_relationship_worries_offer_reassurance():
    responses = validating_responses("I feel like we're roommates lately.")
    assert any("close" in r for r in responses)


def test_validating_responses_without_feelings_still_invite_more():
    responses = validating_responses("You never listen to me!")
    assert responses and any(r.endswith("?") for r in responses)


def test_opener_is_calm_and_carries_no_blame():
    opener = build_opener("the way we used to talk", "lonely", "a walk together on Sunday")
    assert "I miss the way we used to talk." in opener.text
    assert "lonely" in opener.text
    assert not opener.analysis.labels & BLAME_LABELS
    assert opener.adjusted == []


@pytest.mark.parametrize(
    ("miss", "feel", "like"),
    [
        (
            "you actually listening for once",
            "like you don't care about me",
            "you to stop always being on your phone",
        ),
        ("I miss you never being home", "that you're selfish", "you to grow up"),
        ("", "", ""),
        ("“us”", "😢", "whatever"),
    ],
)
def test_opener_softens_or_replaces_blaming_parts(miss, feel, like):
    opener = build_opener(miss, feel, like)
    assert not opener.analysis.labels & BLAME_LABELS, opener.text
    assert opener.text.startswith("I've been thinking about us")
    data = opener.to_dict()
    assert data["text"] == opener.text and "findings" in data["analysis"]
