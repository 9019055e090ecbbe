"""Ritual pages: thin views that parse, ask the access helper or an action, and render."""

import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from reattune.accounts import sealed
from reattune.accounts.http import AuthedRequest
from reattune.accounts.models import User
from reattune.care.support import support_context, support_context_from
from reattune.core import access
from reattune.core.aftersave import after_save, saved_check
from reattune.core.decorators import partner_required
from reattune.core.number_cells import number_cells
from reattune.couples.membership import partner_of
from reattune.couples.models import Space
from reattune.domain import charts
from reattune.domain.plan.library import load_agreements
from reattune.rituals import actions, forms, progress, queries, reactions, sharing, slots
from reattune.rituals.calendar import build_calendar
from reattune.rituals.kinds import DAILY, KINDS, Kind, feelings_vocabulary
from reattune.rituals.models import (
    AgreementAcceptance,
    CalendarFeed,
    RitualEntry,
    TimeOut,
    words_of,
)

FEED_LINK = "rituals_feed_link"
FEED_LINK_LIFETIME = 600  # seconds: long enough to reach the next page
GET_POST = require_http_methods(["GET", "POST"])


def _space(request: AuthedRequest) -> Space:
    try:
        return actions.space_of(request.user)
    except actions.RitualError as error:
        raise Http404 from error


# --- the three rituals ---------------------------------------------------------------------


def _answers_from_post(kind: Kind, post: QueryDict) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for prompt in kind.answer_prompts():
        if prompt["kind"] == "feelings":
            answers[prompt["id"]] = post.getlist(prompt["id"])
            own = post.get("own_feelings", "")
            answers["own_feelings"] = [w for w in own.replace(";", ",").split(",")]
        else:
            answers[prompt["id"]] = post.get(prompt["id"], "")
    return answers


def _fields(
    kind: Kind,
    values: Mapping[str, Any],
    private: Collection[str] = (),
    resting: Collection[str] = frozenset(),
    errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The prompts with what to show in each input (prompts in `resting` are left out: they
    rest for this person, see actions.resting_prompt_ids), each with its problem if any."""
    vocabulary = feelings_vocabulary()
    can_keep = set(sharing.private_prompt_ids(kind))
    errors = errors or {}
    fields = []
    for prompt in kind.prompts():
        if prompt["id"] in resting:
            continue
        field: dict[str, Any] = {
            "prompt": prompt,
            "value": values.get(prompt["id"], ""),
            "can_keep": prompt["id"] in can_keep,
            "private": prompt["id"] in private,
            "error": errors.get(prompt["id"]),
            # The daily check-in's short form: the answers it needs, shared in a minute; the
            # reminder, the timer and the longer prompts are offered after them.
            "short": kind.key == "daily" and bool(prompt.get("required")),
        }
        if prompt["kind"] == "scale":
            field["choices"] = [str(n) for n in range(prompt["min"], prompt["max"] + 1)]
            field["value"] = str(field["value"])
        if prompt["kind"] == "feelings":
            picked = values.get("feelings") or []
            field["groups"] = [
                ("Pleasant", [(w, w in picked) for w in vocabulary["pleasant"]]),
                ("Hard", [(w, w in picked) for w in vocabulary["hard"]]),
            ]
            field["own"] = values.get("own_feelings_text", "")
        fields.append(field)
    return fields


def _values_of(kind: Kind, entry: Any) -> dict[str, Any]:
    """The author's own answers (the private ones included) as the form shows them."""
    values = sharing.own_values(kind, entry)
    if kind.key == "daily":
        words = entry.own_feeling_list()
        offered = set(feelings_vocabulary()["pleasant"]) | set(feelings_vocabulary()["hard"])
        values["feelings"] = [w for w in words if w in offered]
        values["own_feelings_text"] = ", ".join(w for w in words if w not in offered)
    return values


def _after_save(
    request: AuthedRequest, kind: Kind, entry: RitualEntry, response: HttpResponse
) -> HttpResponse:
    """After a save: the crisis check the action ran on the answers (shared ones in the
    context "shared", then those kept private in "private") decides the next page."""
    shared = sharing.shared_values(kind, entry)
    kept = entry.kept_private()
    texts = [
        (sharing.joined(kind, shared, shared), "shared"),
        (sharing.joined(kind, kept, kept), "private"),
    ]
    return after_save(request, saved_check(entry), response, texts)


def _private_from_post(kind: Kind, post: QueryDict) -> set[str]:
    return set(post.getlist("private")) & set(sharing.private_prompt_ids(kind))


def _form_context(
    request: AuthedRequest,
    kind: Kind,
    space: Space,
    period: date,
    mine: RitualEntry | None,
    values: Mapping[str, Any],
    private: Collection[str],
    errors: Mapping[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    fields = _fields(kind, values, private, actions.resting_prompt_ids(kind, request.user), errors)
    context = {
        "kind": kind,
        "period": period,
        "period_label": kind.label_period(period),
        "mine": mine,
        "fields": fields,
        "short_fields": [f for f in fields if f["short"]],
        "more_fields": [f for f in fields if not f["short"]],
        "field_errors": [
            {"id": f["prompt"]["id"], "label": f["prompt"]["label"], "error": f["error"]}
            for f in fields
            if f["error"]
        ],
        "error": None,
        "submit_key": request.POST.get("submit_key") or uuid.uuid4(),
        "version": request.POST.get("version") or (mine.version if mine else ""),
        "partner": partner_of(request.user),
        "partner_done": access.partner_done(
            kind.model.objects.all(), request.user, **{kind.period_field: period}
        ),
        "day_url": _period_url(kind, period),
    }
    # Vault safety check (reattune/vault/rest.py): the prompts that ask to raise a problem or
    # a need are marked for the browser to hide (none is required: the rituals schema refuses
    # it); only for this person, when they have one.
    vault = _vault_rest(request)
    if vault:
        for field in fields:
            prompt = field["prompt"]
            field["vault_rests"] = bool(prompt.get("raises_issues"))
        context.update(vault)
    context.update(extra)
    return context


def _before_sharing(
    request: AuthedRequest,
    kind: Kind,
    space: Space,
    period: date,
    entry: RitualEntry,
    saved: sharing.SavedAnswers,
) -> HttpResponse:
    """The answers with crisis language are saved for the author alone; before anything of
    them is shared, the author chooses: share as written, keep private, or change them."""
    context = {
        "kind": kind,
        "period_label": kind.label_period(period),
        "held": saved.held_shown(),
        "partner": partner_of(request.user),
        "partner_done": access.partner_done(
            kind.model.objects.all(), request.user, **{kind.period_field: period}
        ),
        "others_shared": any(
            value not in ("", "[]", None) for value in sharing.shared_values(kind, entry).values()
        ),
        "form_url": reverse(f"rituals-{kind.key}"),
        "day_url": _period_url(kind, period),
        "version": entry.version,
    }
    # The choice is about the answers as shown here: the version goes with it in the form and
    # in the session (for a form posted without it), so a page left open while the answers
    # change elsewhere shares nothing (_choice). Only numbers are kept in the session.
    shown = request.session.get(CHOICE_KEY) or {}
    shown[kind.key] = [entry.pk, entry.version]
    request.session[CHOICE_KEY] = shown
    # The action checked the held answers (it held them for that); nothing of them is shared
    # yet, so this page words the help as for private words.
    found = saved.found
    if found is not None:
        found = replace(found, context="private", message_key=f"private.{found.kinds[0]}")
    support = support_context_from(request.user, found, request)
    if support:
        context.update(support)
    return render(request, "rituals/before_sharing.html", context)


CHOICE_KEY = "rituals_choice"


def _shown_version(request: AuthedRequest, kind: Kind, mine: RitualEntry) -> int | None:
    """The version of `mine` the author saw on the before-sharing page: the form's, else the
    one this session was last shown for the entry; None if neither."""
    posted = _int(request.POST.get("version"))
    if posted is not None:
        return posted
    shown = (request.session.get(CHOICE_KEY) or {}).get(kind.key)
    if isinstance(shown, list) and len(shown) == 2 and shown[0] == mine.pk:
        return _int(shown[1])
    return None


def _forget_shown(request: AuthedRequest, kind: Kind) -> None:
    shown = request.session.get(CHOICE_KEY)
    if shown and kind.key in shown:
        shown.pop(kind.key)
        request.session[CHOICE_KEY] = shown


def _stale_choice(
    request: AuthedRequest,
    kind: Kind,
    space: Space,
    period: date,
    mine: RitualEntry | None,
    problem: actions.RitualError,
) -> HttpResponse:
    """409: the answers changed after the before-sharing page was shown. Nothing is shared;
    the form shows the answers as they are saved now (nothing typed is lost: the page held no
    typing), to look over and save again."""
    if mine is None:
        messages.error(request, str(problem))
        return redirect(f"rituals-{kind.key}")
    context = _form_context(
        request,
        kind,
        space,
        period,
        mine,
        _values_of(kind, mine),
        set(mine.kept_private()),
        version=mine.version,
        submit_key=uuid.uuid4(),
        error=str(problem),
    )
    return render(request, "rituals/form.html", context, status=problem.status)


def _choice(
    request: AuthedRequest, kind: Kind, space: Space, period: date, mine: RitualEntry | None
) -> HttpResponse:
    """The author's answer to the question before sharing (POST choice=share|private|edit)."""
    choice = request.POST.get("choice")
    if mine is None:
        messages.error(
            request,
            f"Nothing was changed: there are no answers of yours for this {kind.noun} to share. "
            "Anything you kept just for you stays that way.",
        )
        return redirect(f"rituals-{kind.key}")
    pids = [p for p in request.POST.getlist("answer") if p in mine.kept_private()]
    period_url = _period_url(kind, period)
    expected = _shown_version(request, kind, mine)
    if choice in ("share", "private"):
        _forget_shown(request, kind)
        if expected != mine.version:
            return _stale_choice(request, kind, space, period, mine, actions.StaleChoice())
    if choice == "share":
        try:
            shared = actions.do_share_answers(kind, mine, pids, expected)
        except actions.StaleChoice as problem:
            mine = queries.own_entry(kind, request.user, space, period)
            return _stale_choice(request, kind, space, period, mine, problem)
        except actions.RitualError as problem:
            messages.error(request, str(problem))
            return redirect(period_url)
        partner = partner_of(request.user)
        name = partner.display_name if partner else "Your partner"
        done = access.partner_done(
            kind.model.objects.all(), request.user, **{kind.period_field: period}
        )
        if shared:
            messages.success(
                request,
                f"Shared as you wrote it. {name} can read it now."
                if done
                else f"Shared as you wrote it. {name} can read it once you have both shared.",
            )
        return redirect(period_url)
    if choice == "edit":
        values = _values_of(kind, mine)
        private = set(mine.kept_private()) - set(pids)
        context = _form_context(
            request,
            kind,
            space,
            period,
            mine,
            values,
            private,
            version=mine.version,
            submit_key=uuid.uuid4(),
            editing_held=True,
        )
        return render(request, "rituals/form.html", context)
    messages.success(
        request,
        "Kept just for you. Your other answers are shared as usual; you can change this "
        "until the " + kind.noun + " ends.",
    )
    return redirect(period_url)


def _mine(kind: Kind, user: User, space: Space, period: date) -> Any:
    """The author's own entry for the period, or None (one place, so a test can stage a race
    of two submits that both read "none yet")."""
    return queries.own_entry(kind, user, space, period)


@partner_required
@GET_POST
def ritual_form(request: AuthedRequest, kind: str) -> HttpResponse:
    """Today's (this week's, this month's) answers: a new form, or one's own to change."""
    ritual = KINDS[kind]
    space = _space(request)
    period = ritual.period_of(space.today())
    mine = _mine(ritual, request.user, space, period)
    status = 200
    error = None
    private = set(mine.kept_private()) if mine else set()
    if request.method == "POST" and request.POST.get("choice"):
        return _choice(request, ritual, space, period, mine)
    errors = None
    if request.method == "POST":
        answers = _answers_from_post(ritual, request.POST)
        private = _private_from_post(ritual, request.POST)
        # Every problem at once, each beside its answer; nothing is saved until all are fine.
        errors = forms.field_errors(
            ritual, answers, actions.resting_prompt_ids(ritual, request.user)
        )
    if errors:
        status = 422
        values = dict(answers)
        values["own_feelings_text"] = request.POST.get("own_feelings", "")
    elif request.method == "POST":
        try:
            # The action holds any answer with crisis language this save would newly share
            # (actions.held_answers) and reports it in entry.held_answers; the page then asks.
            if mine is None:
                entry, created = actions.do_submit(
                    ritual,
                    request.user,
                    answers,
                    period=period,
                    submit_key=_uuid(request.POST.get("submit_key")),
                    private=private,
                )
            else:
                entry = actions.do_update(
                    ritual,
                    mine,
                    answers,
                    expected_version=_int(request.POST.get("version")),
                    private=private,
                )
                created = False
        except actions.RitualError as problem:
            error, status = str(problem), problem.status
            values = dict(answers)
            values["own_feelings_text"] = request.POST.get("own_feelings", "")
        else:
            saved = sharing.saved_answers(ritual, entry)
            if saved.held:  # empty on a retried submit: the first one asked
                return _before_sharing(request, ritual, space, period, entry, saved)
            messages.success(
                request,
                "Thank you for sharing." if created or mine is None else "Your changes are saved.",
            )
            target = redirect(_period_url(ritual, entry_period(ritual, entry)))
            return _after_save(request, ritual, entry, target)
    else:
        values = _values_of(ritual, mine) if mine else {}
    context = _form_context(
        request, ritual, space, period, mine, values, private, errors=errors, error=error
    )
    return render(request, "rituals/form.html", context, status=status)


def entry_period(kind: Kind, entry: RitualEntry) -> date:
    return getattr(entry, kind.period_field)


def _period_url(kind: Kind, period: date) -> str:
    return reverse(f"rituals-{kind.key}-period", kwargs={"period": period})


def _uuid(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        return None


def _int(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@partner_required
@require_GET
def ritual_period(request: AuthedRequest, kind: str, period: date) -> HttpResponse:
    """One period: one's own answers and, once both have shared, the partner's."""
    ritual = KINDS[kind]
    space = _space(request)
    if period != ritual.period_of(period) or period > ritual.period_of(space.today()):
        raise Http404
    status = queries.period_status(ritual, request.user, space, period)
    context = {
        **status,
        "period_label": ritual.label_period(period),
        "editable": actions.editable(ritual, space, period),
        "partner": partner_of(request.user),
        "mine_answers": _shown(ritual, status["mine"], own=True),
        "their_answers": _shown(
            ritual,
            status["theirs"],
            edited=sharing.edited_after_reveal(ritual, status["theirs"], status["mine"].created_at)
            if status["theirs"]
            else (),
        ),
        "previous_url": _period_url(ritual, ritual.previous(period)),
        "next_url": (
            _period_url(ritual, ritual.following(period))
            if ritual.following(period) <= ritual.period_of(space.today())
            else None
        ),
        "form_url": reverse(f"rituals-{ritual.key}"),
        # Answered in a space that has closed since: never "you have not shared yours yet".
        "earlier": not status["mine"]
        and queries.done_in_earlier_space(request.user, space, ritual, period),
    }
    context["mine_private"] = any(item["private"] for item in context["mine_answers"] or ())
    # After the short form: the longer prompts, still open to add while the period is open.
    if context["editable"] and context["mine_answers"]:
        answered = {item["id"] for item in context["mine_answers"]}
        context["still_open"] = [
            p["label"] for p in ritual.answer_prompts() if p["id"] not in answered
        ]
    # Reactions: one's own to the partner's answers, and theirs to one's own (reactions.py).
    given = reactions.reactions_for(ritual, request.user, space, period)
    # Paired per question on a phone: under each of the partner's answers, one's own shared
    # answer to the same question with the partner's reaction to it; marked "paired" so the
    # phone does not show it again under "Your answers" (each shows once). On wide screens
    # the pair is hidden and the two columns stand side by side.
    own = {item["id"]: item for item in context["mine_answers"] or () if not item["private"]}
    for item in context["their_answers"] or ():
        item["my_reaction"] = given["mine"].get(item["id"])
        item["mine"] = own.get(item["id"], {}).get("answer")
        item["their_reaction_to_mine"] = given["theirs"].get(item["id"]) if item["mine"] else None
        if item["mine"]:
            own[item["id"]]["paired"] = True
    for item in context["mine_answers"] or ():
        item["their_reaction"] = given["theirs"].get(item["id"])
    context["all_paired"] = bool(context["mine_answers"]) and all(
        item.get("paired") for item in context["mine_answers"]
    )
    context["reaction_choices"] = REACTION_BUTTONS
    context["kind_key"] = ritual.key
    if status["theirs"]:
        support = sharing.partner_support_context(ritual, status["theirs"], request.user, request)
        if support:
            context.update(support)
    return render(request, "rituals/period.html", context)


def _shown(
    kind: Kind, entry: RitualEntry | None, own: bool = False, edited: Collection[str] = ()
) -> list[dict[str, Any]] | None:
    """[{label, answer, private, edited}] for an entry, in prompt order, skipping empty
    optional answers. The author (own) sees every answer, marked when kept private; anyone
    else sees the shared answers only, marked when changed after they could read them."""
    if entry is None:
        return None
    values = sharing.own_values(kind, entry) if own else sharing.shared_values(kind, entry)
    kept = entry.kept_private() if own else {}
    shown = []
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid not in values:
            continue
        value = values[pid]
        if prompt["kind"] == "feelings":
            value = ", ".join(words_of(value))
        elif prompt["kind"] == "scale":
            value = f"{value} of {prompt['max']}"
        if value in ("", None):
            continue
        shown.append(
            {
                "id": pid,
                "label": prompt["label"],
                "answer": value,
                "private": pid in kept,
                "edited": pid in edited,
            }
        )
    return shown


# --- reactions -----------------------------------------------------------------------------

# (value, symbol, words on the button, words the partner reads)
REACTION_BUTTONS = (
    ("heart", "♥", "Heart", "sent you a heart"),
    ("thanks", "", "Thank you", "said thank you"),
    ("me_too", "", "Me too", "said: me too"),
)


@partner_required
@require_POST
def react(request: AuthedRequest) -> HttpResponse:
    """A reaction to one of the partner's answers (reactions.do_react), then back to it."""
    kind_key = request.POST.get("kind", "")
    prompt_id = request.POST.get("prompt", "")
    try:
        period = date.fromisoformat(request.POST.get("period", ""))
    except ValueError as error:
        raise Http404 from error
    try:
        reactions.do_react(
            request.user, kind_key, period, prompt_id, request.POST.get("reaction", "")
        )
    except reactions.NotFound as error:
        raise Http404 from error
    except actions.RitualError as error:
        messages.error(request, str(error))
    anchor = f"#answer-{prompt_id}" if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", prompt_id) else ""
    return redirect(_period_url(KINDS[kind_key], period) + anchor)


# --- home ----------------------------------------------------------------------------------


@partner_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    space = _space(request)
    today = space.today()
    user = request.user
    due = queries.due_rule(user, space)
    rituals = [
        queries.period_status(kind, user, space, kind.period_of(today), due)
        for kind in KINDS.values()
    ]
    for item in rituals:
        item["url"] = reverse(f"rituals-{item['kind'].key}")
        item["period_url"] = _period_url(item["kind"], item["period"])
    recent = _recent_days(user, space, today)
    ladder_now = queries.ladder_status(user, space)
    streaks = progress.streaks(user, space, today)
    context = {
        "space": space,
        "partner": partner_of(user),
        "rituals": rituals,
        "recent": recent,
        "streaks": streaks,
        "earlier_space": not streaks.total and queries.done_in_earlier_space(user, space),
        "plan_card": slots.plan_card(request),
        "ladder_step": ladder_now.step,
        "ladder_prompt": ladder_now.prompt,
        "timeout": actions.open_timeout(space.pk),
    }
    return render(request, "rituals/home.html", context)


def _recent_days(user: User, space: Space, today: date, days: int = 7) -> list[dict[str, Any]]:
    """The last week: for each day, whether each of you checked in (existence only). Only
    days from the couple's first day on (progress.first_day): a day before the couple was
    here was no "day off"."""
    first = today - timedelta(days=days - 1)
    first = max(first, min(progress.first_day(user, space, before=first), today))
    rows = (
        access.visible_to(DAILY.model.objects.all(), user)
        .filter(space=space, day__gte=first, day__lte=today)
        .values_list("day", "author_id")
    )
    mine: set[date] = set()
    theirs: set[date] = set()
    for day, author_id in rows:
        (mine if author_id == user.pk else theirs).add(day)
    out = []
    for i in range((today - first).days + 1):
        day = today - timedelta(days=i)
        out.append(
            {
                "day": day,
                "mine": day in mine,
                "theirs": day in theirs,
                "url": _period_url(DAILY, day),
            }
        )
    return out


# --- timer ---------------------------------------------------------------------------------


@partner_required
@require_GET
def timer(request: AuthedRequest) -> HttpResponse:
    space = _space(request)
    minutes = DAILY.ritual["duration_minutes"]
    started = ends = None
    if request.GET.get("start"):
        now = space.local_now()
        started, ends = f"{now:%H:%M}", f"{now + timedelta(minutes=minutes):%H:%M}"
    return render(
        request,
        "rituals/timer.html",
        {"minutes": minutes, "started": started, "ends": ends, "seconds": minutes * 60},
    )


# --- ladder --------------------------------------------------------------------------------


@partner_required
@GET_POST
def ladder(request: AuthedRequest) -> HttpResponse:
    from reattune.care.safety import resting_context

    space = _space(request)
    resting = resting_context(request.user)  # the person's own safety mode only
    if request.method == "POST":
        if resting["policy"].ladder:
            messages.info(request, "The ladder is resting for you for now. Nothing changed.")
            return redirect("rituals-ladder")
        try:
            actions.do_ladder(request.user, request.POST.get("action", ""))
        except actions.RitualError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Saved. Go at the pace that feels right to you both.")
        return redirect("rituals-ladder")
    status = queries.ladder_status(request.user, space, with_partner=True)
    return render(
        request,
        "rituals/ladder.html",
        {
            "ladder": status.ladder,
            "step": status.step,
            "prompt": status.prompt,
            "state": status.state,
            "partner": partner_of(request.user),
            "partner_step": status.partner_step,
            "top": len(status.ladder),
            "resting": resting if resting["policy"].ladder else None,
            **_vault_rest(request),
        },
    )


def _vault_rest(request: AuthedRequest) -> dict[str, Any]:
    """Vault safety check (reattune/vault/rest.py): the resting variant too, for the browser to
    choose from; only for this person, and only when they have one."""
    from reattune.care.safety import resting_if_positive
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    return {"vault_rest": rest, "vault_resting": resting_if_positive()} if rest else {}


# --- agreements ----------------------------------------------------------------------------


@partner_required
@GET_POST
def agreements(request: AuthedRequest) -> HttpResponse:
    from reattune.care.safety import resting_context

    space = _space(request)
    user = request.user
    resting = resting_context(user)  # the person's own safety mode only
    if request.method == "POST":
        agreement_id = request.POST.get("agreement", "")
        try:
            if request.POST.get("action") != "withdraw" and resting["policy"].agreements:
                messages.info(request, "Agreements are resting for you for now. Nothing changed.")
            elif request.POST.get("action") == "withdraw":
                actions.do_withdraw_agreement(user, agreement_id)
                messages.success(
                    request, "You took this agreement back. You can accept it again any time."
                )
            else:
                actions.do_accept_agreement(user, agreement_id)
                messages.success(request, "Accepted. Thank you.")
        except actions.RitualError as error:
            if error.status == 404:
                raise Http404 from error
            messages.error(request, str(error))
        return redirect(reverse("rituals-agreements") + f"#agreement-{agreement_id}")
    accepted: dict[str, dict[bool, Any]] = {}
    rows = (
        access.visible_to(AgreementAcceptance.objects.all(), user)
        .filter(space=space, withdrawn_at__isnull=True)
        .values_list("agreement_id", "author_id", "accepted_at")
    )
    for agreement_id, author_id, accepted_at in rows:
        accepted.setdefault(agreement_id, {})[author_id == user.pk] = accepted_at
    partner = partner_of(user)
    items = []
    for agreement in load_agreements():
        who = accepted.get(agreement.id, {})
        items.append(
            {
                "agreement": agreement,
                "mine": who.get(True),
                "theirs": who.get(False),
            }
        )
    return render(
        request,
        "rituals/agreements.html",
        {
            "items": items,
            "partner": partner,
            "resting": resting if resting["policy"].agreements else None,
            **_vault_rest(request),
        },
    )


# --- time-out ------------------------------------------------------------------------------


def _timeout_context(request: AuthedRequest, space: Space) -> dict[str, Any]:
    current = actions.open_timeout(space.pk)
    now = timezone.now()
    context = {
        "timeout": current,
        "running": current is not None and current.ends_at > now,
        "ends_local": current.ends_at.astimezone(space.tzinfo()).strftime("%H:%M")
        if current
        else None,
        "mine": current is not None and current.author_id == request.user.pk,
        "lengths": TimeOut.LENGTHS,
        "suggested": TimeOut.SUGGESTED,
        "partner": partner_of(request.user),
    }
    if current is not None and current.note and current.author_id != request.user.pk:
        # The partner reads the note: how to respond if it reads like a crisis.
        support = support_context(request.user, current.note, request, context="partner")
        if support:
            context.update(support)
    return context


@partner_required
@GET_POST
def timeout(request: AuthedRequest) -> HttpResponse:
    space = _space(request)
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            started = actions.do_start_timeout(
                request.user, _int(request.POST.get("minutes")) or 0, note
            )
        except actions.RitualError as error:
            context = _timeout_context(request, space)
            context.update({"error": str(error), "note": note})
            return render(request, "rituals/timeout.html", context, status=error.status)
        messages.success(request, "Your time-out has started. Take a breath; it is fine to pause.")
        response = redirect("rituals-timeout")
        if started.note:
            # The note is for the partner: they read it on this page while it runs.
            return after_save(request, saved_check(started), response, [(started.note, "shared")])
        return response
    return render(request, "rituals/timeout.html", _timeout_context(request, space))


@partner_required
@require_POST
def timeout_end(request: AuthedRequest, timeout_id: int) -> HttpResponse:
    space_id = access.active_space_id(request.user)
    if space_id is None:  # no space, no time-out of theirs (as the empty filter answered)
        raise Http404
    current = access.get_visible_or_404(
        TimeOut.objects.filter(space_id=space_id),
        request.user,
        pk=timeout_id,
    )
    if current.ended_at is None:
        actions.do_end_timeout(request.user, current)
        messages.success(request, "Welcome back. Go gently with each other.")
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=None) and target.startswith("/")
    return redirect(target if safe else "rituals-timeout")


# --- calendar ------------------------------------------------------------------------------


@partner_required
@GET_POST
def calendar(request: AuthedRequest) -> HttpResponse:
    space = _space(request)
    schedule = actions.schedule_for(space)
    if request.method == "POST":
        values: dict[str, Any] = {
            "daily_on": request.POST.get("daily_on") == "on",
            "weekly_on": request.POST.get("weekly_on") == "on",
            "monthly_on": request.POST.get("monthly_on") == "on",
        }
        try:
            for key in ("daily_time", "weekly_time", "monthly_time"):
                values[key] = _time(request.POST.get(key), getattr(schedule, key))
            for key in ("weekly_day", "monthly_day", "monthly_ordinal"):
                values[key] = int(request.POST.get(key, getattr(schedule, key)))
            actions.do_update_schedule(
                request.user, values, expected_version=_int(request.POST.get("version"))
            )
        except (ValueError, actions.RitualError) as error:
            message = (
                str(error)
                if isinstance(error, actions.RitualError)
                else ("Please choose a time like 20:30 and a day from the list.")
            )
            messages.error(request, message)
        else:
            messages.success(request, "Your ritual times are saved.")
        return redirect("rituals-calendar")
    feed = (
        CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    link = sealed.take(request, FEED_LINK) if feed else None
    if link is None:
        sealed.drop(request, FEED_LINK)
    return render(
        request,
        "rituals/calendar.html",
        {
            "schedule": schedule,
            "feed": feed,
            "feed_link": link,
            # the same address for a one-tap subscription in the phone's calendar app
            "webcal_link": "webcal://" + link.split("://", 1)[1] if link else None,
            "weekdays": list(enumerate(schedule.WEEKDAYS)),
            "ordinals": schedule.ORDINALS,
        },
    )


def _time(raw: str | None, default: time) -> time:
    if not raw:
        return default
    hours, minutes = raw.split(":")[:2]
    return time(int(hours), int(minutes))


@partner_required
@require_POST
def feed_create(request: AuthedRequest) -> HttpResponse:
    raw = actions.do_create_feed(request.user)
    # Shown once on the next page; only the hash is kept in the database, and the link waits
    # in the session sealed (never readable from a copy of the database).
    link = request.build_absolute_uri(reverse("rituals-feed", kwargs={"token": raw}))
    sealed.seal(request, FEED_LINK, link, FEED_LINK_LIFETIME)
    messages.success(request, "Your private calendar address is ready.")
    return redirect("rituals-calendar")


@partner_required
@require_POST
def feed_revoke(request: AuthedRequest) -> HttpResponse:
    actions.do_revoke_feeds(request.user)
    sealed.drop(request, FEED_LINK)
    messages.success(
        request, "The calendar address is turned off. Calendars using it stop updating."
    )
    return redirect("rituals-calendar")


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The public end of a private calendar address: no log-in, the secret is the URL."""
    record = actions.feed_for_token(token)
    if record is None or record.user.role != record.user.Role.PARTNER:
        raise Http404
    space_id = access.active_space_id(record.user)
    space = schedule = open_timeout = None
    if space_id is not None:
        from reattune.couples.models import Space

        space = Space.objects.get(pk=space_id)
        schedule = actions.schedule_for(space)
        current = actions.open_timeout(space_id)
        open_timeout = current if current and current.ends_at > timezone.now() else None
    response = HttpResponse(
        build_calendar(space, schedule, open_timeout), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="rituals.ics"'
    return response


# --- progress ------------------------------------------------------------------------------


def _table_rows(rows: Iterable[list[Any]], empty: str = "") -> SafeString:
    """The <tr> rows of a "show the numbers" table: first cell a row header, then numbers.

    Built here rather than with nested {% for %} loops in the template: the 12-week table has
    ~85 rows of 5 cells and the template loops were a third of the dashboard's time. Every
    cell is localized and escaped exactly as {{ cell }} would be (conditional_escape of
    localize); None shows as `empty`. The same few numbers repeat, so each value is localized
    and escaped once (keyed by type too: 6 == 6.0, but they show as "6" and "6.0").
    """
    cell = number_cells(empty)
    html = [
        f'<tr><th scope="row">{cell(header)}</th>'
        + "".join([f"<td>{cell(value)}</td>" for value in cells])
        + "</tr>"
        for header, *cells in rows
    ]
    # Every value above went through conditional_escape; the tags are our own constants.
    return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703 - escaped above


@partner_required
@require_GET
def progress_page(request: AuthedRequest) -> HttpResponse:
    space = _space(request)
    user = request.user
    today = space.today()
    range_key = request.GET.get("range", "12w")
    if range_key not in progress.RANGES:
        range_key = "12w"
    partner = partner_of(user)
    people = [(user.pk, "You")] + ([(partner.pk, partner.display_name)] if partner else [])
    # once: both charts start at the couple's first day (no query when the couple is older
    # than the axes)
    first = progress.first_day(user, space, before=progress.axis_start(today, range_key))
    data = progress.connection_data(user, space, today, range_key, since=first)
    series = []
    table = []
    for index, (pk, name) in enumerate(people):
        marker = ("circle", "square")[index]
        values = data.values.get(pk, [None] * len(data.periods))
        series.append(charts.Series(name, values, marker=marker))
        if data.averages:
            averages = data.averages.get(pk, [None] * len(data.periods))
            series.append(charts.Series(f"{name}, 7-day average", averages, average=True))
    what = {
        "12w": "each day's answer and the average of the last seven days",
        "1y": "the average for each week",
        "all": "the average for each month",
    }[range_key]
    connection_svg = charts.line_chart(
        data.labels,
        series,
        title="How connected you felt",
        desc=f"Connection today, from 0 (far apart) to 10 (very close): {what}. "
        "Your partner's answers show for the days you both checked in.",
        chart_id="chart-connection",
        y_label="0 to 10",
    )
    for i, label in enumerate(data.labels):
        row = [label] + [s.values[i] for s in series]
        if any(v is not None for v in row[1:]):
            table.append(row)
    ritual_counts = progress.ritual_counts(user, space, today)  # the chart and the streaks
    streaks = progress.streaks(user, space, today, counts=ritual_counts)
    weeks, counts = progress.rituals_per_week(user, space, today, since=first, counts=ritual_counts)
    week_labels = [f"{w:%-d %b}" for w in weeks]
    bar_series = [
        charts.Series(name, counts.get(pk, [0] * len(weeks)), pattern=("solid", "hatch")[i])
        for i, (pk, name) in enumerate(people)
    ]
    rituals_svg = charts.bar_chart(
        week_labels,
        bar_series,
        title="Rituals each week",
        desc="Daily check-ins and weekly reviews done each week, for each of you, "
        + (
            "over the last twelve weeks."
            if len(weeks) >= 12
            else f"since the week you started ({weeks[0]:%-d %B %Y})."
        ),
        chart_id="chart-rituals",
        y_label="rituals",
    )
    ritual_table = [
        [label] + [s.values[i] for s in bar_series] for i, label in enumerate(week_labels)
    ]
    return render(
        request,
        "rituals/progress.html",
        {
            "range_key": range_key,
            "ranges": progress.RANGES.items(),
            "connection_svg": connection_svg,
            "connection_headers": ["When"] + [s.label for s in series],
            "connection_table": table,
            "connection_rows": _table_rows(table, empty="–"),
            "rituals_svg": rituals_svg,
            "ritual_headers": ["Week of"] + [s.label for s in bar_series],
            "ritual_table": ritual_table,
            "ritual_rows": _table_rows(ritual_table),
            "streaks": streaks,
            "earlier_space": not streaks.total and queries.done_in_earlier_space(user, space),
            "sections": slots.progress_sections(request, space),
            "partner": partner,
        },
    )
