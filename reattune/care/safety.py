"""The private safety screen: its latest result for its author, and safety mode.

`policy(user)` is the one place every feature asks what rests for a person: it is
`reattune.domain.safety.policy.policy_for` applied to the person's latest screen result (a
frozen SafetyPolicy with named flags and what is offered instead). `safety_mode(user)` is
`policy(user).active`; `rests(user, feature)` one flag; `resting_prompt(user, prompt)` the
resting text instead of a partner-facing prompt. It reads one row of the person's own (one
query, at most once per request: request.couple.safety, core.request_context) and must only
ever change what THAT person sees: never a partner's page, count or API response. Deleting the
result (or answering again with nothing at a threshold) ends safety mode at once (the action
calls `core.request_context.changed`, which makes the request's context read it again).
"""

import json

from reattune.core.prepared import Prepared
from reattune.core.request_context import context_of
from reattune.domain.safety.policy import SafetyPolicy, policy_for
from reattune.domain.safety.screen import ScreenResult


def _latest_screen(author_id: int):
    from reattune.care.models import SafetyScreen

    return SafetyScreen.objects.filter(author_id=author_id).only("result")[:1]  # newest first


_LATEST_SCREEN = Prepared(_latest_screen, author_id=0)


def read_latest_result(user) -> ScreenResult | None:
    """One query for the person's latest screen result. Registered as core.request_context's
    safety reader (CareConfig.ready), which calls it at most once per request."""
    row = _LATEST_SCREEN.first(author_id=user.pk)
    return result_from_json(row.result) if row else None


def latest_result(user) -> ScreenResult | None:
    """The person's latest screen result (None if they never answered, or deleted it)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return context_of(user).safety_result


def policy(user) -> SafetyPolicy:
    """What rests for this person (their own view only): request.couple.safety."""
    if not getattr(user, "is_authenticated", False):
        return policy_for(None)
    return context_of(user).safety


def safety_mode(user) -> bool:
    return policy(user).active


def rests(user, feature: str) -> bool:
    """True while `feature` (a name in reattune.domain.safety.policy.FEATURES) rests for them."""
    return policy(user).rests(feature)


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


#: Where each kind of suggestion leads (the person's own pages).
SUGGESTION_URLS = {
    "help_lines": ("care", "#help-now"),
    "emergency": ("care", "#help-now"),
    "safety_plan": ("care-safety-result", "#safety-plan"),
    "individual_support": ("care", "#individual"),
}


def resting_if_positive() -> dict:
    """care/includes/resting.html's context as a positive (not urgent) check gives it: the
    resting variant a page carries beside the usual one for a safety check kept in the vault
    (core.request_context.vault_rest; an urgent result's note is on the vault safety page)."""
    return _resting(policy_for(ScreenResult(positive=True)))


def resting_context(user) -> dict:
    """Template context for care/includes/resting.html: the policy and its suggestions with
    links. Empty (nothing to show) outside safety mode."""
    pol = policy(user)
    if not pol.active:
        return {"policy": pol, "suggestions": []}
    return _resting(pol)


def _resting(pol: SafetyPolicy) -> dict:
    """The policy and its suggestions, each with the link to the person's own page."""
    from django.urls import reverse

    suggestions = []
    for s in pol.suggestions:
        name, anchor = SUGGESTION_URLS[s.target]
        suggestions.append(
            {"id": s.id, "title": s.title, "text": s.text, "url": reverse(name) + anchor}
        )
    return {"policy": pol, "suggestions": suggestions}
