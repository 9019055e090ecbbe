"""The private safety screen: its latest result for its author, and safety mode.

`safety_mode(user)` is True while the person's latest screen is positive. Features that ask a
person to raise things with their partner (the coach's opener builder, the rituals ladder)
step back for them. It reads one row of the person's own (one query, cached on the user
object for the request) and must only ever change what THAT person sees: never a partner's
page, count or API response.
"""

import json

from reattune.domain.safety.screen import ScreenResult

_CACHE = "_care_safety_result"


def latest_result(user) -> ScreenResult | None:
    """The person's latest screen result (None if they never answered, or deleted it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, _CACHE):
        from reattune.care.models import SafetyScreen

        row = SafetyScreen.objects.filter(author=user).only("result").first()
        setattr(user, _CACHE, result_from_json(row.result) if row else None)
    return getattr(user, _CACHE)


def safety_mode(user) -> bool:
    result = latest_result(user)
    return bool(result and result.positive)


def forget(user) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def result_to_json(result: ScreenResult) -> str:
    return json.dumps(
        {
            "positive": result.positive,
            "urgent": result.urgent,
            "areas": sorted(result.areas),
            "noted": sorted(result.noted),
            "answered": result.answered,
        }
    )


def result_from_json(text: str) -> ScreenResult:
    data = json.loads(text or "{}")
    return ScreenResult(
        positive=bool(data.get("positive")),
        areas=frozenset(data.get("areas") or ()),
        urgent=bool(data.get("urgent")),
        noted=frozenset(data.get("noted") or ()),
        answered=int(data.get("answered") or 0),
    )


#: What partner-facing prompts (the ladder's deeper question, openers) show in safety mode.
RESTING_PROMPT = "This question is resting for now. Take your time, and look after yourself first."


def resting_prompt(user, prompt):
    """`prompt`, or the resting text while the person is in safety mode (their view only)."""
    return RESTING_PROMPT if safety_mode(user) else prompt
