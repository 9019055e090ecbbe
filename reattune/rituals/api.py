"""Rituals API: the same reveal rule, hold rule and actions as the pages.

Errors: 422 for answers that cannot be saved (a rating outside 0-10, a future day, a day
whose edit window has closed: `detail` says which), 409 for a second submit for the same
period, an edit that lost a race (`version`) or a `share_anyway` without the current
`version`, 404 for anything not visible.

Crisis language (actions.held_answers, shown through sharing.saved_answers): an answer your partner would read that contains it is
held, saved but kept from your partner, and listed in `held_answers` with `support`, until you confirm it
(`share_anyway` on PUT with the entry's `version`) or keep it (`private_fields`).
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Annotated, Any, Literal, Protocol, TypeVar

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import StringConstraints, model_serializer

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import may_refuse, partner_auth
from reattune.api.types import JsonBool, JsonDate, JsonInt, NumberNotFlag
from reattune.care.api import SUPPORT_DESCRIPTION, SupportOut
from reattune.core import access
from reattune.core.aftersave import saved_check
from reattune.couples.membership import partner_of
from reattune.couples.models import Space
from reattune.domain.plan.library import load_agreements, load_rituals
from reattune.rituals import actions, progress, queries, sharing
from reattune.rituals.kinds import DAILY, KINDS, MONTHLY, WEEKLY, Kind
from reattune.rituals.models import AgreementAcceptance, RitualEntry, Schedule, TimeOut, words_of

router = Router(tags=["rituals"], auth=partner_auth())


# --- schemas -------------------------------------------------------------------------------


PRIVATE_FIELDS = (
    "Answers to keep from your partner (prompt ids of written answers, e.g. best_part): stored, "
    "never shown to your partner. On PUT this is the complete list (an answer left out is "
    "shared); leave the field out to keep the list as it is."
)


# A prompt id (best_part, closer_area, ...): never free text.
PromptId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]

SHARE_ANYWAY = (
    "Answers you confirm to share as written although they contain crisis language (prompt "
    "ids, e.g. from `held_answers`). Without it such an answer is held: saved, and kept from your partner. "
    "On PUT it needs `version` (the version you read the answers in): if they changed since, "
    "or no version is sent, the answer is 409 and nothing is saved or shared. On POST it "
    "confirms the words sent in the same request. An id may not also be in `private_fields`."
)


class DailyIn(Schema):
    day: JsonDate | None = Field(None, description="Defaults to today in the couple's timezone.")
    connection_today: JsonInt = Field(..., ge=0, le=10, description="0 far apart .. 10 very close")
    feelings: list[str] = Field(default_factory=list, description="Words from GET /prompts")
    own_feelings: list[str] = Field(default_factory=list, max_length=3)
    best_part: str = Field(..., max_length=2000)
    challenging_part: str = Field(..., max_length=2000)
    appreciation: str = Field(..., max_length=1000)
    need: str = Field("", max_length=1000)
    submit_key: uuid.UUID | None = Field(
        None, description="Send the same key again to retry safely: no second check-in is made."
    )
    version: JsonInt | None = Field(
        None, description="On PUT: the version you edited; 409 if changed."
    )
    private_fields: list[str] | None = Field(None, description=PRIVATE_FIELDS)
    share_anyway: list[PromptId] | None = Field(None, description=SHARE_ANYWAY)


class WeeklyIn(Schema):
    week: JsonDate | None = Field(None, description="Any day of the week; defaults to this week.")
    connecting_moment: str = Field(..., max_length=2000)
    closer_area: str = Field("", max_length=2000, description="Optional.")
    appreciation: str = Field(..., max_length=1000)
    looking_ahead: str = Field(..., max_length=2000)
    what_would_help: str = Field("", max_length=1000)
    submit_key: uuid.UUID | None = None
    version: JsonInt | None = None
    private_fields: list[str] | None = Field(None, description=PRIVATE_FIELDS)
    share_anyway: list[PromptId] | None = Field(None, description=SHARE_ANYWAY)


class MonthlyIn(Schema):
    month: JsonDate | None = Field(
        None, description="Any day of the month; defaults to this month."
    )
    most_connecting: str = Field(..., max_length=3000)
    want_to_grow: str = Field("", max_length=3000, description="Optional.")
    appreciation: str = Field(..., max_length=2000)
    submit_key: uuid.UUID | None = None
    version: JsonInt | None = None
    private_fields: list[str] | None = Field(None, description=PRIVATE_FIELDS)
    share_anyway: list[PromptId] | None = Field(None, description=SHARE_ANYWAY)


class RitualIn(Protocol):
    """What the endpoints below read of a save's body: the fields DailyIn, WeeklyIn and
    MonthlyIn share (besides the answers and the period, read by name)."""

    @property
    def submit_key(self) -> uuid.UUID | None: ...
    @property
    def version(self) -> int | None: ...
    @property
    def private_fields(self) -> list[str] | None: ...
    @property
    def share_anyway(self) -> list[str] | None: ...
    def dict(self, *, exclude: set[str]) -> dict[str, Any]: ...


class DropEmptySupport(Schema):
    """Leaves `support` (and `crisis_answers`, `held_answers`) out of the JSON when there is
    none."""

    # Typed in a comment (PEP 484), not annotated: pydantic reads an annotated return type
    # as the shape of the output, and the schema would lose its fields.
    @model_serializer(mode="wrap")
    def _drop_empty(self, handler):  # type: (Callable[[Any], dict[str, Any]]) -> dict[str, Any]
        data = handler(self)
        for name in ("support", "crisis_answers", "held_answers"):
            if name in data and data[name] is None:
                del data[name]
        return data


class RitualEntryOut(DropEmptySupport):
    id: int
    kind: str
    period: date
    mine: bool
    author_name: str
    answers: dict[str, Any] = Field(
        ...,
        description="On your partner's entry, the answers they keep private are left out "
        "(and so is any answer they were not asked this time).",
    )
    created_at: datetime
    updated_at: datetime = Field(
        ...,
        description="On your partner's entry: when an answer you can read last changed.",
    )
    version: int = Field(
        ...,
        description="Send it back on PUT. On your partner's entry it counts only changes to "
        "answers you can read.",
    )
    private_fields: list[str] = Field(
        default_factory=list,
        description="Your answers kept from your partner (always empty on your partner's entry).",
    )
    edited_after_reveal: list[str] = Field(
        default_factory=list,
        description="On your partner's entry: answers they changed after you could first read "
        "them.",
    )
    support: SupportOut | None = Field(
        None,
        description="On your own save: " + SUPPORT_DESCRIPTION + " Context `shared` when an "
        "answer your partner would read contains crisis language: if answers were held "
        "(`held_answers`), its message says your partner has not seen them and that you can "
        "share, keep or change them. Context `private` when only an answer kept for you "
        "does. On your partner's revealed entry (context `partner`, on every read: the list, "
        "one period, today): how to respond when what they shared contains crisis language, "
        "with the lines of your country.",
    )
    held_answers: list[str] | None = Field(
        None,
        description="On your own save: answers with crisis language that this save held. "
        "They are saved and your partner has not seen them. To share one as "
        "written, PUT the answers again with its id in `share_anyway` and this entry's "
        "`version` (409 and nothing shared if the answers changed since); to keep it, PUT "
        "with its id in `private_fields`; or PUT changed words. Left out when none.",
    )
    crisis_answers: list[str] | None = Field(
        None,
        description="On your own save: the shared answers that contain crisis language (ones "
        "you confirmed with `share_anyway`, or shared so before). Your partner reads them "
        "once you have both shared; to keep one from your partner, send it in `private_fields` "
        "with a PUT.",
    )


class PeriodOut(Schema):
    kind: str
    period: date
    editable: bool
    mine: RitualEntryOut | None
    partner: RitualEntryOut | None = Field(None, description="Only once you have shared your own.")
    partner_done: bool = Field(..., description="Your partner has shared for this period.")
    due: bool = Field(
        ...,
        description="Due today: its day in this period has come (the couple's schedule; never "
        "before the couple has been here a week for the weekly review, four weeks for the "
        "monthly check-in). The Today card and the rituals page follow the same rule.",
    )
    due_from: date | None = Field(
        ...,
        description="The day it is due from: in this period, or in the next one when the "
        "couple started too late in this one; null when the couple turned it off.",
    )


def _entry_out(
    kind: Kind,
    entry: RitualEntry,
    user: User,
    request: ApiRequest | None = None,
    reader_since: datetime | None = None,
    memo: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry as `user` may read it. On the partner's entry, `reader_since` (when the
    user's own entry for the period was made) dates the reveal for the "changed" mark; its
    shared values are computed once, and `memo` (one dict per response) builds the partner
    support once per distinct shared text."""
    mine = entry.author_id == user.pk
    values = sharing.own_values(kind, entry) if mine else sharing.shared_values(kind, entry)
    answers = {}
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid not in values:
            continue
        answers[pid] = words_of(values[pid]) if prompt["kind"] == "feelings" else values[pid]
    out = {
        "id": entry.pk,
        "kind": kind.key,
        "period": getattr(entry, kind.period_field),
        "mine": mine,
        "author_name": user.display_name if mine else entry.author.display_name,
        "answers": answers,
        "created_at": entry.created_at,
        # The partner's view moves only with what they may read (sharing.partner_version).
        "updated_at": entry.updated_at if mine else sharing.partner_version(entry)[1],
        "version": entry.version if mine else sharing.partner_version(entry)[0],
        "private_fields": sorted(entry.kept_private()) if mine else [],
        "edited_after_reveal": []
        if mine
        else sharing.edited_after_reveal(kind, entry, reader_since, visible=values),
    }
    if not mine:
        out["support"] = sharing.partner_support(
            kind, entry, user, request, shared=values, memo=memo
        )
    return out


def _saved_out(
    kind: Kind, saved: sharing.SavedAnswers, user: User, request: ApiRequest
) -> dict[str, Any]:
    """The author's entry after a save, with what sharing.saved_answers says about crisis
    language in it: `held_answers` and `support` when the save held answers, `crisis_answers`
    (the shared ones with it) and `support` on a hit among the shared answers."""
    out = _entry_out(kind, saved.entry, user, request)
    out["held_answers"] = saved.held or None
    out["crisis_answers"] = saved.crisis or None
    out["support"] = saved.support(request)
    return out


def _answers(payload: RitualIn) -> dict[str, Any]:
    return payload.dict(
        exclude={
            "day",
            "week",
            "month",
            "submit_key",
            "version",
            "private_fields",
            "share_anyway",
        }
    )


def _own_since(
    kind: Kind, user: User, space: Space, periods: Iterable[date]
) -> dict[date, datetime]:
    """{period: created_at} of the user's own entries for these periods (the reveal time)."""
    rows = access.owned_by(kind.model.objects.filter(space=space), user).filter(
        **{f"{kind.period_field}__in": list(periods)}
    )
    return dict(rows.values_list(kind.period_field, "created_at"))


def _period_out(
    kind: Kind,
    user: User,
    space: Space,
    period: date,
    request: ApiRequest | None = None,
    due: queries.DueRule | None = None,
) -> dict[str, Any]:
    status = queries.period_status(kind, user, space, period, due or queries.due_rule(user, space))
    mine, theirs = status["mine"], status["theirs"]
    return {
        "kind": kind.key,
        "period": period,
        "editable": actions.editable(kind, space, period),
        "mine": _entry_out(kind, mine, user, request) if mine else None,
        "partner": _entry_out(kind, theirs, user, request, mine.created_at) if theirs else None,
        "partner_done": status["partner_done"],
        "due": status["due"],
        "due_from": status["due_from"],
    }


# --- prompts and today ---------------------------------------------------------------------


@router.get("/prompts", summary="The questions of each ritual and the feelings vocabulary")
def prompts(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    data = load_rituals()
    return {
        "rituals": {
            key: {
                "title": kind.title,
                "intro": kind.ritual["intro"],
                # `resting`: not asked of this person for now (their own safety mode).
                "prompts": [
                    {**p, "resting": p["id"] in resting}
                    for resting in [actions.resting_prompt_ids(kind, user)]
                    for p in kind.prompts()
                ],
            }
            for key, kind in KINDS.items()
        },
        "feelings": {k: list(v) for k, v in data["feelings"].items()},
    }


@router.get("/today", response=list[PeriodOut], summary="Today, this week and this month")
def today(request: ApiRequest) -> list[dict[str, Any]]:
    user = request.auth
    space = actions.space_of(user)
    due = queries.due_rule(user, space)
    return [
        _period_out(k, user, space, k.period_of(due.today), request, due) for k in KINDS.values()
    ]


# --- the three rituals, one set of routes each ---------------------------------------------


SAVE_DESCRIPTION = (
    "An answer your partner would read that contains crisis language, and that you have not "
    "confirmed, is held: saved, and your partner does not see it. The response "
    "lists it in `held_answers` with `support` (context `shared`, saying your partner has not "
    "seen it and how to share or keep it). To share it as written, PUT your answers again "
    "with its id in `share_anyway` and the entry's `version` (409, nothing saved or shared, "
    "if the answers changed since or no version is sent); to keep it, PUT with its id in "
    "`private_fields`; or PUT changed words. An answer already shared with exactly the same "
    "words is not held again. The pages ask the same question before sharing."
)


View = TypeVar("View", bound=Callable[..., Any])


def _body(schema: type[RitualIn]) -> Callable[[View], View]:
    """Give an endpoint its kind's own body schema: django-ninja reads the `payload`
    annotation when the route is declared, to parse, check and document the body, while the
    endpoint is written (and type checked) against RitualIn, which every save schema has."""

    def give(view: View) -> View:
        view.__annotations__["payload"] = schema
        return view

    return give


def _register(kind: Kind, schema: type[RitualIn]) -> None:
    base = f"/{kind.key}"

    @router.get(
        base,
        response=list[RitualEntryOut],
        summary=f"{kind.title}: answers I can read (mine, and my partner's once revealed)",
        operation_id=f"rituals_{kind.key}_list",
        description="Up to `limit` (at most 400) entries, newest first. Your partner's entries "
        "carry `support` (context `partner`) when what they shared contains crisis language; "
        "it is built once per distinct shared text in the response.",
    )
    def list_entries(
        request: ApiRequest, start: date | None = None, end: date | None = None, limit: int = 60
    ) -> list[dict[str, Any]]:
        user = request.auth
        space = actions.space_of(user)
        rows = access.revealed_to(
            kind.model.objects.filter(space=space).select_related("author"),
            user,
            kind.period_field,
        )
        if start:
            rows = rows.filter(**{f"{kind.period_field}__gte": start})
        if end:
            rows = rows.filter(**{f"{kind.period_field}__lte": end})
        limit = max(1, min(limit, 400))
        # newest first; the id breaks ties (both partners write for the same day), so a page
        # and its limit never depend on how the database happens to return equal rows
        entries = list(rows.order_by(f"-{kind.period_field}", "-pk")[:limit])
        periods = {getattr(e, kind.period_field) for e in entries if e.author_id != user.pk}
        since = _own_since(kind, user, space, periods) if periods else {}
        memo: dict[str, Any] = {}  # partner support, built once per distinct shared text
        return [
            _entry_out(kind, e, user, request, since.get(getattr(e, kind.period_field)), memo)
            for e in entries
        ]

    @router.post(
        base,
        response={201: RitualEntryOut, 200: RitualEntryOut},
        summary=f"{kind.title}: share my answers for the current {kind.noun}",
        operation_id=f"rituals_{kind.key}_create",
        description=SAVE_DESCRIPTION,
    )
    @may_refuse
    @_body(schema)
    def create_entry(request: ApiRequest, payload: RitualIn) -> tuple[int, dict[str, Any]]:
        user = request.auth
        period = getattr(payload, kind.period_field)
        saved, created = actions.do_submit(
            kind,
            user,
            _answers(payload),
            period=period,
            submit_key=payload.submit_key,
            private=payload.private_fields,
            share_anyway=payload.share_anyway,
        )
        entry = kind.model.objects.select_related("author").get(pk=saved.pk)
        shown = sharing.saved_answers(kind, saved, entry)
        return (201 if created else 200), _saved_out(kind, shown, user, request)

    @router.get(
        base + "/{period}",
        response=PeriodOut,
        summary=f"{kind.title}: one {kind.noun}, with my partner's answers once I shared mine",
        operation_id=f"rituals_{kind.key}_get",
    )
    def get_period(request: ApiRequest, period: date) -> dict[str, Any]:
        user = request.auth
        space = actions.space_of(user)
        # Any day of a period that has started reads as that period (a week or month that
        # has not started yet is not found).
        period = kind.period_of(period)
        if period > kind.period_of(space.today()):
            raise Http404
        return _period_out(kind, user, space, period, request)

    @router.put(
        base + "/{period}",
        response=RitualEntryOut,
        summary=f"{kind.title}: change my answers (until the {kind.noun} ends)",
        operation_id=f"rituals_{kind.key}_update",
        description=SAVE_DESCRIPTION,
    )
    @may_refuse
    @_body(schema)
    def update_entry(request: ApiRequest, period: date, payload: RitualIn) -> dict[str, Any]:
        user = request.auth
        space = actions.space_of(user)
        # Only the author's own row (as access.get_own_or_404), found and locked by the action.
        try:
            entry = actions.do_update_own(
                kind,
                user,
                space,
                period,
                _answers(payload),
                payload.version,
                private=payload.private_fields,
                share_anyway=payload.share_anyway,
            )
        except actions.NoEntry:
            raise Http404 from None
        return _saved_out(kind, sharing.saved_answers(kind, entry), user, request)


_register(DAILY, DailyIn)
_register(WEEKLY, WeeklyIn)
_register(MONTHLY, MonthlyIn)


# --- streaks and progress ------------------------------------------------------------------


@router.get("/streaks", summary="Rituals this week and runs of days (never a penalty)")
def streaks(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    space = actions.space_of(user)
    return progress.streaks(user, space, space.today()).__dict__


@router.get("/progress", summary="Connection over time and rituals per week (aggregated)")
def progress_data(
    request: ApiRequest,
    range: Literal["12w", "1y", "all"] = "12w",  # noqa: A002
) -> dict[str, Any]:
    user = request.auth
    space = actions.space_of(user)
    today_ = space.today()
    partner = partner_of(user)
    people = [(user.pk, "me")] + ([(partner.pk, "partner")] if partner else [])
    first = progress.first_day(user, space)  # once: both series start at the couple's first day
    data = progress.connection_data(user, space, today_, range, since=first)
    weeks, counts = progress.rituals_per_week(user, space, today_, since=first)
    return {
        "range": range,
        "periods": data.periods,
        "connection": {
            who: {
                "values": data.values.get(pk, [None] * len(data.periods)),
                "average_7_days": data.averages.get(pk) if data.averages else None,
            }
            for pk, who in people
        },
        "rituals_per_week": {
            "weeks": weeks,
            **{who: counts.get(pk, [0] * len(weeks)) for pk, who in people},
        },
    }


# --- time-out ------------------------------------------------------------------------------


class TimeOutIn(Schema):
    minutes: JsonInt = Field(TimeOut.SUGGESTED, description="One of 10, 20, 30, 45, 60")
    note: str = Field("", max_length=500)


class TimeOutOut(DropEmptySupport):
    id: int
    mine: bool
    called_by: str
    started_at: datetime
    ends_at: datetime
    running: bool
    note: str
    ended_at: datetime | None
    support: SupportOut | None = Field(
        None,
        description="When the note contains crisis language: on starting, for you who wrote "
        "it (context `shared`: your partner reads the note); on your partner's time-out "
        "(context `partner`), how to respond, with the lines of your country.",
    )


def _timeout_out(
    t: TimeOut, user: User, request: ApiRequest | None = None, saved: TimeOut | None = None
) -> dict[str, Any]:
    """`saved`: the time-out as do_start_timeout returned it, with the check it ran on the
    note (the author is shown support from that); a partner reading the note gets support
    for the context "partner"."""
    from reattune.care.support import support_for, support_from

    mine = t.author_id == user.pk
    out = {
        "id": t.pk,
        "mine": mine,
        "called_by": t.author.display_name,
        "started_at": t.started_at,
        "ends_at": t.ends_at,
        "running": t.running(),
        "note": t.note,
        "ended_at": t.ended_at,
    }
    if t.note and saved is not None:
        out["support"] = support_from(user, saved_check(saved), request)
    elif t.note and not mine:
        out["support"] = support_for(user, t.note, request, context="partner")
    return out


@router.get("/timeout", response={200: TimeOutOut, 204: None}, summary="The open time-out")
def get_timeout(request: ApiRequest) -> tuple[int, None] | dict[str, Any]:
    user = request.auth
    space = actions.space_of(user)
    current = (
        access.visible_to(TimeOut.objects.select_related("author"), user)
        .filter(space=space, ended_at__isnull=True)
        .first()
    )
    if current is None:
        return 204, None
    return _timeout_out(current, user, request)


@router.post("/timeout", response={201: TimeOutOut}, summary="Call a time-out")
@may_refuse
def start_timeout(request: ApiRequest, payload: TimeOutIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    saved = actions.do_start_timeout(user, payload.minutes, payload.note)
    started = TimeOut.objects.select_related("author").get(pk=saved.pk)
    return 201, _timeout_out(started, user, request, saved=saved)


@router.post(
    "/timeout/{int:timeout_id}/end", response=TimeOutOut, summary="End a time-out (either of you)"
)
@may_refuse
def end_timeout(request: ApiRequest, timeout_id: int) -> dict[str, Any]:
    user = request.auth
    space_id = access.active_space_id(user)
    if space_id is None:
        raise Http404  # as for a time-out that is not theirs
    current = access.get_visible_or_404(
        TimeOut.objects.select_related("author").filter(space_id=space_id),
        user,
        pk=timeout_id,
    )
    if current.ended_at is None:
        actions.do_end_timeout(user, current)
    return _timeout_out(current, user, request)


# --- agreements and ladder -----------------------------------------------------------------


@router.get("/agreements", summary="The agreements and who has accepted each")
def agreements(request: ApiRequest) -> list[dict[str, Any]]:
    user = request.auth
    space = actions.space_of(user)
    rows = (
        access.visible_to(AgreementAcceptance.objects.all(), user)
        .filter(space=space, withdrawn_at__isnull=True)
        .values_list("agreement_id", "author_id", "accepted_at")
    )
    accepted: dict[str, dict] = {}
    for agreement_id, author_id, at in rows:
        accepted.setdefault(agreement_id, {})["me" if author_id == user.pk else "partner"] = at
    return [
        {
            "id": a.id,
            "title": a.title,
            "text": a.text,
            "why": a.why,
            "accepted_by_me": accepted.get(a.id, {}).get("me"),
            "accepted_by_partner": accepted.get(a.id, {}).get("partner"),
        }
        for a in load_agreements()
    ]


@router.post(
    "/agreements/{agreement_id}", response={201: dict, 200: dict}, summary="Accept an agreement"
)
def accept(request: ApiRequest, agreement_id: str) -> tuple[int, dict[str, Any]]:
    user = request.auth
    from reattune.care.safety import rests

    if rests(user, "agreements"):  # the person's own safety mode; nothing is stored
        raise HttpError(409, RESTING_MESSAGE)
    row, created = actions.do_accept_agreement(user, agreement_id)
    return (201 if created else 200), {"id": agreement_id, "accepted_at": row.accepted_at}


@router.delete("/agreements/{agreement_id}", response={204: None}, summary="Take it back")
@may_refuse
def withdraw(request: ApiRequest, agreement_id: str) -> tuple[int, None]:
    user = request.auth
    actions.do_withdraw_agreement(user, agreement_id)
    return 204, None


RESTING_MESSAGE = (
    "This is resting for you for now: your safety comes first. See /api/v1/care/resources for "
    "people you can talk to in confidence."
)


class LadderIn(Schema):
    action: Literal["stay", "resume", "deeper", "lighter"]


def _ladder_out(user: User, space: Space) -> dict[str, Any]:
    status = queries.ladder_status(user, space, with_partner=True)
    return {
        "advice": status.ladder.advice,
        "step": status.step.number,
        "steps": len(status.ladder),
        "theme": status.step.theme,
        "prompt": status.prompt,
        "match_depth": status.step.match_depth,
        "staying": status.state.staying,
        "partner_step": status.partner_step.number if status.partner_step else None,
    }


@router.get("/ladder", summary="This week's step on the vulnerability ladder")
def ladder(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    return _ladder_out(user, actions.space_of(user))


@router.post("/ladder", summary="Stay on a step, move on, or go deeper or lighter")
def ladder_change(request: ApiRequest, payload: LadderIn) -> dict[str, Any]:
    user = request.auth
    from reattune.care.safety import rests

    if rests(user, "ladder"):  # the person's own safety mode; nothing changes
        raise HttpError(409, RESTING_MESSAGE)
    actions.do_ladder(user, payload.action)
    return _ladder_out(user, actions.space_of(user))


# --- schedule and calendar feed ------------------------------------------------------------


# Times are local "HH:MM" strings: OpenAPI's `time` format demands a UTC offset, and a ritual
# time has none (it follows the couple's time zone).
LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TIME_FIELDS = ("daily_time", "weekly_time", "monthly_time")


class ScheduleIO(Schema):
    daily_on: JsonBool = True
    daily_time: str = Field("20:30", pattern=LOCAL_TIME, description="local time, HH:MM")
    weekly_on: JsonBool = True
    weekly_day: JsonInt = Field(6, ge=0, le=6, description="0 Monday .. 6 Sunday")
    weekly_time: str = Field("18:00", pattern=LOCAL_TIME, description="local time, HH:MM")
    monthly_on: JsonBool = True
    monthly_ordinal: Annotated[Literal[1, 2, 3, 4, -1], NumberNotFlag] = 1
    monthly_day: JsonInt = Field(6, ge=0, le=6)
    monthly_time: str = Field("17:00", pattern=LOCAL_TIME, description="local time, HH:MM")
    version: JsonInt | None = None


def _schedule_out(schedule: Schedule) -> dict[str, Any]:
    out = {name: getattr(schedule, name) for name in actions.SCHEDULE_FIELDS}
    for name in TIME_FIELDS:
        out[name] = out[name].strftime("%H:%M")
    out["version"] = schedule.version
    return out


@router.get("/schedule", response=ScheduleIO, summary="Our ritual times (space-local)")
def schedule(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    return _schedule_out(actions.schedule_for(actions.space_of(user)))


@router.put("/schedule", response=ScheduleIO, summary="Change our ritual times")
@may_refuse
def schedule_update(request: ApiRequest, payload: ScheduleIO) -> dict[str, Any]:
    user = request.auth
    values = payload.dict(exclude={"version"})
    for name in TIME_FIELDS:
        values[name] = time.fromisoformat(values[name])
    saved = actions.do_update_schedule(user, values, expected_version=payload.version)
    return _schedule_out(saved)


@router.post("/calendar-feed", response={201: dict}, summary="A new private calendar address")
def feed_create(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    user = request.auth
    raw = actions.do_create_feed(user)
    url = request.build_absolute_uri(reverse("rituals-feed", kwargs={"token": raw}))
    return 201, {
        "url": url,
        "note": "Shown once. Any earlier address stops working.",
        "created_at": timezone.now(),
    }


@router.delete("/calendar-feed", response={204: None}, summary="Turn my calendar address off")
def feed_revoke(request: ApiRequest) -> tuple[int, None]:
    user = request.auth
    actions.do_revoke_feeds(user)
    return 204, None


# --- reactions -----------------------------------------------------------------------------


class ReactionIn(Schema):
    kind: Literal["daily", "weekly", "monthly"]
    period: JsonDate = Field(
        description="The day, the Monday of the week or the first of the month."
    )
    prompt_id: PromptId = Field(description="The answer reacted to (a prompt id, e.g. best_part).")
    reaction: Literal["heart", "thanks", "me_too"] = Field(
        description="Sending the reaction you already gave takes it back."
    )


class ReactionOut(Schema):
    prompt_id: str
    reaction: Literal["heart", "thanks", "me_too"] | None = Field(
        description="Your reaction to that answer now; null once taken back."
    )


class ReactionsOut(Schema):
    mine: dict[str, Literal["heart", "thanks", "me_too"]] = Field(
        description="Your reactions to your partner's answers, by prompt id."
    )
    theirs: dict[str, Literal["heart", "thanks", "me_too"]] = Field(
        description="Your partner's reactions to your answers, by prompt id."
    )


REACTIONS_DESCRIPTION = (
    "A heart, `thanks` or `me_too` to one answer your partner shared and you can read (their "
    "answers for a period you have both shared; not an answer they kept private or left "
    "empty: 404, as for an answer that does not exist). One per answer: another reaction "
    "replaces yours, the same one again takes it back. It is shown to the two of you only, "
    "never to a therapist."
)


@router.post(
    "/reactions",
    response=ReactionOut,
    summary="React to one of my partner's answers",
    description=REACTIONS_DESCRIPTION,
)
@may_refuse
def react(request: ApiRequest, payload: ReactionIn) -> dict[str, Any]:
    from reattune.rituals.reactions import do_react

    user = request.auth
    reaction = do_react(user, payload.kind, payload.period, payload.prompt_id, payload.reaction)
    return {"prompt_id": payload.prompt_id, "reaction": reaction.reaction if reaction else None}


@router.get(
    "/reactions",
    response=ReactionsOut,
    summary="Reactions for one period: mine to my partner's answers, theirs to mine",
)
def reactions(
    request: ApiRequest,
    kind: Literal["daily", "weekly", "monthly"] | None = None,
    period: date | None = None,
) -> dict[str, Any]:
    from reattune.rituals.reactions import reactions_for

    user = request.auth  # a partner: the router's auth answered anyone else 404 already
    if kind is None or period is None:
        raise HttpError(422, "Say which check-in: kind (daily, weekly or monthly) and period.")
    space = actions.space_of(user)
    return reactions_for(KINDS[kind], user, space, period)
