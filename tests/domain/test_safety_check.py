"""The one safety check every free-text path calls (reattune.domain.safety.check)."""

import pytest

from reattune.domain.safety.check import CONTEXTS, SafetyCheck, check_text

CRISIS = "You always ignore me and I want to kill myself."
HURT = "He threatened to kill me and I want to kill myself."


def test_the_contexts_are_the_four_documented_ones():
    assert CONTEXTS == ("private", "shared", "draft", "partner")


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_crisis_sentence_is_a_hit_in_every_context(context):
    check = check_text(CRISIS, context)
    assert isinstance(check, SafetyCheck)
    assert check.context == context
    assert "suicide" in check.kinds
    assert check.message_key == f"{context}.suicide"


def test_being_hurt_comes_first():
    check = check_text(HURT, "draft")
    assert check.kinds[0] == "harm_from_others"
    assert "suicide" in check.kinds
    assert check.harm_from_others
    assert check.message_key == "draft.harm_from_others"


@pytest.mark.parametrize(
    "text", ["", "   ", "This deadline is killing me.", None, b"\xff\xfe", "\U0001f600" * 50]
)
def test_ordinary_empty_and_odd_input_is_no_hit(text):
    assert check_text(text, "private") is None


def test_an_unknown_context_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown safety context"):
        check_text(CRISIS, "public")
