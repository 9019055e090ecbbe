"""The ladder's weekly prompt: one rule, on the step itself (pages and API both ask it)."""

from datetime import date, timedelta

from reattune.domain.plan.library import LadderStep, load_ladder


def _step(prompts):
    return LadderStep(number=1, id="s", theme="t", prompts=tuple(prompts), match_depth="light")


def test_the_prompts_take_turns_one_calendar_week_each():
    step = _step(["a", "b", "c"])
    monday = date(2026, 11, 30)
    weeks = [step.prompt_for_week(monday + timedelta(weeks=n)) for n in range(6)]
    assert weeks[:3] == weeks[3:]
    assert sorted(weeks[:3]) == ["a", "b", "c"]


def test_two_prompts_alternate_from_one_week_start_to_the_next():
    step = _step(["a", "b"])
    monday = date(2026, 11, 30)
    this, following = step.prompt_for_week(monday), step.prompt_for_week(monday + timedelta(7))
    assert {this, following} == {"a", "b"}


def test_every_shipped_step_answers_one_of_its_own_prompts():
    for step in load_ladder().steps:
        assert step.prompt_for_week(date(2026, 12, 7)) in step.prompts
