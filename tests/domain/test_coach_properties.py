"""Properties of the coach that must hold for any text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.coach import MAX_CHARS, TextTooLong, analyze, suggest

# Text built from words the lexicons care about, mixed with arbitrary characters, so the
# interesting code paths (absolutes, quotes, negation, emoji) are actually reached.
WORDS = st.sampled_from(
    [
        "you",
        "You",
        "never",
        "ALWAYS",
        "every time",
        "I",
        "feel",
        "that",
        "like",
        "not",
        "don't",
        "don’t",
        "you're",
        "so",
        "selfish",
        "idiot",
        "whatever",
        "fine",
        ".",
        "?",
        "!",
        ",",
        '"',
        "'",
        "“",
        "”",
        "😢",
        "🙄",
        "❤️",
        "but",
        "sorry",
        "tired",
        "us",
        "milk",
        "at 7",
        "\n",
        "İ",
        "ß",
        "because",
        "when",
        "left",
        "the",
        "party",
        "make",
        "me",
        "happy",
    ]
)
MIXED = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=60).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(MIXED, st.text(max_size=400)))
def test_analyze_never_raises_and_spans_are_inside_the_text(text):
    text = text[:MAX_CHARS]
    analysis = analyze(text)
    for finding in analysis.findings:
        assert finding.spans, finding
        for start, end in finding.spans:
            assert 0 <= start < end <= len(text)
    for feeling in analysis.feelings:
        start, end = feeling.span
        assert 0 <= start < end <= len(text)
    suggestions = suggest(analysis)
    assert isinstance(suggestions.question_back, str)
    if suggestions.rewrite is not None:
        assert "absolute" not in analyze(suggestions.rewrite).labels


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=3000))
def test_text_over_the_cap_is_refused(extra):
    with pytest.raises(TextTooLong) as caught:
        analyze("a" * (MAX_CHARS + extra))
    assert str(MAX_CHARS) in str(caught.value)


def test_text_at_the_cap_is_read():
    analyze("You never listen. " * (MAX_CHARS // 18) + "x" * (MAX_CHARS % 18))


def test_non_string_is_refused():
    with pytest.raises(TypeError):
        analyze(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_the_ascii_fast_path_finds_exactly_what_the_regexes_find(raw):
    """ASCII messages are read with byte translations instead of regexes (text.py): the same
    tokens, the same digits and the same sentence marks, or the analysis would differ."""
    from reattune.domain.coach.text import (
        ASCII_CLASSES,
        ASCII_TOKENS_APART,
        DIGIT_CLASS,
        SENTENCE_MARK_CLASS,
        SENTENCE_MARKS,
        TOKEN_RE,
        normalize,
    )

    work = normalize(raw)
    encoded = work.encode()
    assert encoded.translate(ASCII_TOKENS_APART).decode().split() == TOKEN_RE.findall(work)
    classes = encoded.translate(ASCII_CLASSES)
    assert (DIGIT_CLASS in classes) == any(c.isdigit() for c in work)
    marks = [i for i, c in enumerate(work) if c in SENTENCE_MARKS]
    assert [i for i, b in enumerate(classes) if b == SENTENCE_MARK_CLASS[0]] == marks
