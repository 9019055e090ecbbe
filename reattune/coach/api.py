"""Coach endpoints. The text is analysed in memory and never logged or stored.

Every text goes through the one safety check first (reattune.care.support.support_for): on
crisis language the answer carries only `support` (context "draft"; for /validate, context
"partner": how to respond to a partner who says this) and no analysis, rewrite or opener.
Without a hit, `support` is left out.
"""

from typing import Any, NoReturn

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from reattune.accounts.http import ApiRequest
from reattune.api.base import partner_auth
from reattune.care.api import SUPPORT_DESCRIPTION, SupportOut
from reattune.care.safety import rests
from reattune.care.support import support_for
from reattune.coach.present import feedback
from reattune.domain.coach import MAX_CHARS, TextTooLong, build_opener, validating_responses

router = Router(tags=["coach"], auth=partner_auth())


class TextIn(Schema):
    # No max_length here: the limit is the coach's own, with its own clear message.
    text: str


class OpenerIn(Schema):
    miss: str = Field("", max_length=1000)
    feel: str = Field("", max_length=1000)
    like: str = Field("", max_length=1000)


class AnalyzeOut(Schema):
    analysis: dict | None = Field(None, description="Left out when `support` is given.")
    suggestions: dict | None = Field(
        None, description="The rewrite, antidotes and a question back; left out with `support`."
    )
    support: SupportOut | None = Field(None, description=SUPPORT_DESCRIPTION)


class ValidateOut(Schema):
    replies: list[str] = Field(..., description="Empty when `support` is given.")
    support: SupportOut | None = Field(
        None,
        description=SUPPORT_DESCRIPTION + " Here with context partner: how to respond to a "
        "partner who speaks of suicide or of being hurt, with the lines of your country.",
    )


class OpenerOut(Schema):
    text: str | None = Field(None, description="Left out when `support` is given.")
    analysis: dict | None = None
    adjusted: list[str] | None = None
    support: SupportOut | None = Field(None, description=SUPPORT_DESCRIPTION)


def _too_long(text: str) -> NoReturn:
    raise HttpError(
        422,
        f"The coach reads up to {MAX_CHARS:,} characters at a time; this is "
        f"{len(text):,}. Try the part that matters most.",
    )


@router.post(
    "/analyze",
    response=AnalyzeOut,
    exclude_none=True,
    summary="Feedback on a draft: findings with spans, feelings, levels, a rewrite",
)
def analyze_text(request: ApiRequest, payload: TextIn) -> dict[str, Any]:
    user = request.auth
    if rests(user, "coach_rewrite"):
        raise HttpError(404, "Not found.")  # resting for this person only (safety mode)
    support = support_for(user, payload.text, request, context="draft")
    if support is not None:
        return {"support": support}
    try:
        result = feedback(payload.text)
    except TextTooLong:
        _too_long(payload.text)
    return {"analysis": result["analysis"], "suggestions": result["suggestions"]}


@router.post(
    "/validate",
    response=ValidateOut,
    exclude_none=True,
    summary="Validating replies to something your partner said",
)
def validate(request: ApiRequest, payload: TextIn) -> dict[str, Any]:
    user = request.auth
    support = support_for(user, payload.text, request, context="partner")
    if support is not None:
        return {"replies": [], "support": support}
    try:
        return {"replies": validating_responses(payload.text)}
    except TextTooLong:
        _too_long(payload.text)


@router.post(
    "/opener",
    response=OpenerOut,
    exclude_none=True,
    summary="A calm opening from what you miss, feel and would like",
)
def opener(request: ApiRequest, payload: OpenerIn) -> dict[str, Any]:
    user = request.auth
    if rests(user, "coach_opener"):
        raise HttpError(404, "Not found.")
    fields = (payload.miss, payload.feel, payload.like)
    if not any(v.strip() for v in fields):
        raise HttpError(422, "Fill in at least one of miss, feel and like.")
    support = support_for(user, "\n".join(fields), request, context="draft")
    if support is not None:
        return {"support": support}
    return build_opener(payload.miss, payload.feel, payload.like).to_dict()
