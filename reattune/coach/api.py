"""Coach endpoints. The text is analysed in memory and never logged or stored."""

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from reattune.api.base import require_partner
from reattune.coach.present import feedback
from reattune.domain.coach import MAX_CHARS, TextTooLong, build_opener, validating_responses

router = Router(tags=["coach"])


class TextIn(Schema):
    # No max_length here: the limit is the coach's own, with its own clear message.
    text: str


class OpenerIn(Schema):
    miss: str = Field("", max_length=1000)
    feel: str = Field("", max_length=1000)
    like: str = Field("", max_length=1000)


def _too_long(text: str):
    raise HttpError(
        422,
        f"The coach reads up to {MAX_CHARS:,} characters at a time; this is "
        f"{len(text):,}. Try the part that matters most.",
    )


@router.post(
    "/analyze", summary="Feedback on a draft: findings with spans, feelings, levels, a rewrite"
)
def analyze_text(request, payload: TextIn) -> dict:
    require_partner(request)
    try:
        result = feedback(payload.text)
    except TextTooLong:
        _too_long(payload.text)
    return {"analysis": result["analysis"], "suggestions": result["suggestions"]}


@router.post("/validate", summary="Validating replies to something your partner said")
def validate(request, payload: TextIn) -> dict:
    require_partner(request)
    try:
        return {"replies": validating_responses(payload.text)}
    except TextTooLong:
        _too_long(payload.text)


@router.post("/opener", summary="A calm opening from what you miss, feel and would like")
def opener(request, payload: OpenerIn) -> dict:
    user = require_partner(request)
    from reattune.coach.views import _safety_mode

    if _safety_mode(user):
        raise HttpError(404, "Not found.")
    if not any(v.strip() for v in (payload.miss, payload.feel, payload.like)):
        raise HttpError(422, "Fill in at least one of miss, feel and like.")
    return build_opener(payload.miss, payload.feel, payload.like).to_dict()
