"""A request built from "you never X and (you) always Y" asks for X, never for Y.

The second clause after "and" is what the person wants less of: carrying it into "I'd like it
if you could …" would ask for the opposite of what was meant.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.coach import analyze, suggest

MISSING = [
    "listen to me",
    "help with the dishes",
    "call me",
    "ask about my day",
    "plan anything for us",
    "text me back",
    "help with the kids",
]
TOO_MUCH = [
    "check your phone",
    "go out with friends",
    "work late",
    "play games",
    "scroll through your phone",
    "sit there",
    "leave everything to me",
]
JOINS = [
    " and you always ",
    " and always ",
    " and you just ",
    " and instead you ",
    ", and you constantly ",
    " or you ",
    " but you always ",
]


def _request(rewrite: str) -> str:
    match = re.search(r"I'd like (.*)\.$", rewrite)
    assert match, rewrite
    return match.group(1)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MISSING), st.sampled_from(JOINS), st.sampled_from(TOO_MUCH))
def test_the_request_never_asks_for_the_second_clause(missing, join, too_much):
    text = f"You never {missing}{join}{too_much}"
    rewrite = suggest(analyze(text)).rewrite
    assert rewrite, text
    request = _request(rewrite)
    assert too_much not in request, (text, rewrite)
    assert not re.search(r"\byou (?:always |just |constantly )?" + too_much.split()[0], request)


@pytest.mark.parametrize(
    "text",
    [
        "You never listen to me and you always check your phone",
        "You never listen to me and always check your phone.",
        "You don't ever help and you just sit there",
    ],
)
def test_the_walk_through_sentence_asks_only_for_the_first_clause(text):
    rewrite = suggest(analyze(text)).rewrite
    request = _request(rewrite)
    assert request.startswith("it if you could ")
    assert "phone" not in request and "sit there" not in request
    first = text.split(" and ")[0].split(" ever ")[-1].removeprefix("You never ")
    assert first in request, (text, rewrite)


def test_a_shared_object_after_and_stays_in_the_request():
    rewrite = suggest(analyze("You never help with the dishes and the laundry")).rewrite
    assert _request(rewrite) == "it if you could help with the dishes and the laundry"


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("You never stop and listen to me.", "stop and listen to me"),
        ("You never sit down and talk with me.", "sit down and talk with me"),
        ("You never come home and hug me.", "come home and hug me"),
        ("You never say sorry or thank you.", "say sorry or thank you"),
    ],
)
def test_a_second_verb_or_object_of_the_same_request_stays(text, asked):
    """ "and", "or" joining two parts of one request is not a second clause: cutting there
    would ask for something else ("could stop" for "stop and listen to me")."""
    assert _request(suggest(analyze(text)).rewrite) == f"it if you could {asked}"
