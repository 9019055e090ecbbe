"""Guard: every action that saves free text runs the one crisis check itself.

The adapters (pages, API) no longer run the detector on text that was saved: they read the
result the action attached (core.aftersave.saved_check) and only build the support object for
the request's country. So no adapter can forget the check, and this test makes sure no action
can either:

* Every ``do_*`` function of ``reattune/<app>/actions.py`` is enumerated; one whose signature
  takes free text (a ``str`` parameter named like text, or answers whose values may be text) must
  be registered with ``@saves_text`` (core.aftersave.TEXT_ACTIONS), unless NOT_FREE_TEXT says
  why its text is not free text.
* Every registered action is called with a crisis sentence (a recipe below for each) and must
  return an object whose ``saved_check`` is a hit in the context that is true for the words.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from collections.abc import Callable

import pytest

import reattune
from reattune.core.aftersave import TEXT_ACTIONS, saved_check
from tests.base import make_world

CRISIS = "I want to kill myself. I can't do this anymore."
ORDINARY = "We had a calm evening together."

# Parameter names that carry words a person wrote.
TEXT_NAMES = {"body", "title", "note", "text", "comment", "message", "answers", "values"}

# Parameters with a text-like name whose content is not free text, each with its reason.
NOT_FREE_TEXT = {
    "reattune.assessments.actions.do_save_answers": "answers are numbers on a scale",
    "reattune.care.actions.do_save_screen": "answers are yes/no choices of the safety screen",
    "reattune.rituals.actions.do_update_schedule": "values are weekdays and times",
}


def _action_modules():
    for info in pkgutil.iter_modules(reattune.__path__):
        if not info.ispkg:
            continue
        name = f"reattune.{info.name}.actions"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


def _takes_free_text(func: Callable) -> bool:
    hints = typing.get_type_hints(func)
    for name in inspect.signature(func).parameters:
        if name not in TEXT_NAMES:
            continue
        hint = str(hints.get(name, ""))
        if hint == str(str) or "str" in hint or "Any" in hint or "dict" in hint:
            return True
    return False


def free_text_actions() -> list[str]:
    found = []
    for module in _action_modules():
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and func.__module__ == module.__name__:
                if _takes_free_text(inspect.unwrap(func)):
                    found.append(f"{module.__name__}.{name}")
    return sorted(found)


def test_the_enumeration_finds_the_journal_actions():
    found = free_text_actions()
    assert "reattune.journal.actions.do_create_entry" in found
    assert "reattune.journal.actions.do_update_entry" in found


def test_every_action_that_saves_free_text_is_registered():
    missing = [
        name
        for name in free_text_actions()
        if name not in TEXT_ACTIONS and name not in NOT_FREE_TEXT
    ]
    assert missing == [], f"do_* actions that save free text without @saves_text: {missing}"


def test_the_not_free_text_list_names_real_actions_not_registered():
    for name in NOT_FREE_TEXT:
        module, _, func = name.rpartition(".")
        assert hasattr(importlib.import_module(module), func), name
        assert name not in TEXT_ACTIONS, f"{name} is registered: take it off NOT_FREE_TEXT"


# ----- recipes: how to call each registered action with some words (returns the saved object)


def _journal_create(world, words, context):
    from reattune.journal.actions import do_create_entry

    entry, _ = do_create_entry(world["alex"], words, visibility=context, title="tonight")
    return entry


def _journal_update(world, words, context):
    from reattune.journal.actions import do_update_entry

    return do_update_entry(world["alex_private"], words, context, title="t")


def _daily_answers(words):
    from reattune.rituals.kinds import all_feeling_words

    feeling = sorted(all_feeling_words())[0]
    return {"connection_today": 5, "feelings": [feeling], "best_part": words}


def _daily(world, words, context):
    from reattune.rituals import actions
    from reattune.rituals.kinds import DAILY

    answers = _daily_answers(words)
    private = ["best_part"] if context == "private" else []
    share = [] if context == "private" else ["best_part"]
    entry, _ = actions.do_submit(DAILY, world["alex"], answers, private=private, share_anyway=share)
    return entry


def _daily_update(world, words, context):
    from reattune.rituals import actions
    from reattune.rituals.kinds import DAILY

    entry, _ = actions.do_submit(DAILY, world["alex"], _daily_answers(ORDINARY))
    private = ["best_part"] if context == "private" else []
    share = [] if context == "private" else ["best_part"]
    return actions.do_update(
        DAILY,
        entry,
        _daily_answers(words),
        expected_version=entry.version,
        private=private,
        share_anyway=share,
    )


def _daily_update_own(world, words, context):
    """The API's PUT: the author's own entry of the day, found and locked by the action."""
    from reattune.rituals import actions
    from reattune.rituals.kinds import DAILY

    entry, _ = actions.do_submit(DAILY, world["alex"], _daily_answers(ORDINARY))
    private = ["best_part"] if context == "private" else []
    share = [] if context == "private" else ["best_part"]
    return actions.do_update_own(
        DAILY,
        world["alex"],
        actions.space_of(world["alex"]),
        entry.day,
        _daily_answers(words),
        expected_version=entry.version,
        private=private,
        share_anyway=share,
    )


def _daily_held(world, words, context):
    """Words of crisis in an answer about to be shared, not confirmed: the action holds the
    answer back, and its check is about sharing it ("shared")."""
    from reattune.rituals import actions
    from reattune.rituals.kinds import DAILY

    entry, _ = actions.do_submit(DAILY, world["alex"], _daily_answers(words))
    assert entry.held_answers == (["best_part"] if words == CRISIS else [])
    return entry


def _timeout(world, words, context):
    from reattune.rituals import actions

    return actions.do_start_timeout(world["alex"], 20, words)


RECIPES: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "reattune.journal.actions.do_create_entry": (_journal_create, ("private", "shared")),
    "reattune.journal.actions.do_update_entry": (_journal_update, ("private", "shared")),
    "reattune.rituals.actions.do_submit": (_daily, ("private", "shared")),
    "reattune.rituals.actions.do_update": (_daily_update, ("private", "shared")),
    "reattune.rituals.actions.do_update_own": (_daily_update_own, ("private", "shared")),
    "reattune.rituals.actions.do_start_timeout": (_timeout, ("shared",)),
}
# Further cases of a registered action (same checks): the held answer of a daily check-in.
EXTRA_CASES = {"rituals daily, answer held": (_daily_held, ("shared",))}


def test_every_registered_action_has_a_recipe():
    assert sorted(TEXT_ACTIONS) == sorted(RECIPES)


CASES = {**RECIPES, **EXTRA_CASES}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "context"), [(name, c) for name, (_, contexts) in CASES.items() for c in contexts]
)
def test_a_crisis_sentence_saved_by_the_action_is_a_hit(name, context):
    recipe, _ = CASES[name]
    found = saved_check(recipe(make_world(), CRISIS, context))
    assert found is not None, f"{name} ({context}) did not report the crisis sentence"
    assert found.context == context
    assert "suicide" in found.kinds


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_ordinary_words_saved_by_the_action_are_no_hit(name):
    recipe, contexts = CASES[name]
    assert saved_check(recipe(make_world(), ORDINARY, contexts[0])) is None


def test_an_object_no_action_checked_is_refused():
    with pytest.raises(AttributeError):
        saved_check(object())
