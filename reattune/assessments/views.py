from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reattune.accounts.http import AuthedRequest, Request
from reattune.accounts.models import User
from reattune.assessments import actions, queries
from reattune.assessments.catalog import CHECKUP_SEQUENCE, catalog
from reattune.assessments.models import Response
from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.core.prepared import Prepared
from reattune.domain.instruments.model import Instrument, Item

ITEMS_PER_PAGE = 6


def _pages(instrument: Instrument) -> list[list[Item]]:
    items = list(instrument.items)
    return [items[i : i + ITEMS_PER_PAGE] for i in range(0, len(items), ITEMS_PER_PAGE)]


def _own_open_response(request: AuthedRequest, response_id: int) -> Response:
    response = access.get_own_or_404(Response.objects.all(), request.user, pk=response_id)
    return response


@partner_required
def checkup_home(request: AuthedRequest) -> HttpResponse:
    cat = catalog()
    rows = []
    for instrument in cat.current():
        if instrument.kind == "safety":
            continue
        last = (
            Response.objects.filter(
                author=request.user, instrument_id=instrument.id, submitted_at__isnull=False
            )
            .order_by("-submitted_at")
            .first()
        )
        rows.append(
            {
                "instrument": instrument,
                "open": queries.open_response(request.user, instrument.id),
                "last": last,
                "in_checkup": instrument.id in CHECKUP_SEQUENCE,
            }
        )
    rows.sort(
        key=lambda r: (
            not r["in_checkup"],
            CHECKUP_SEQUENCE.index(r["instrument"].id) if r["in_checkup"] else 0,
            r["instrument"].title,
        )
    )
    return render(request, "assessments/home.html", {"rows": rows})


@partner_required
@require_POST
def checkup_start(request: AuthedRequest, instrument_id: str) -> HttpResponse:
    try:
        response, _ = actions.do_start_response(request.user, instrument_id)
    except actions.CheckupError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, str(error))
        return redirect("checkup")
    answered = set(response.answers.values_list("item_id", flat=True))
    pages = _pages(queries.instrument_of(response))
    page = next(
        (n for n, items in enumerate(pages, 1) if any(i.id not in answered for i in items)),
        len(pages),
    )
    return redirect("checkup-page", response.pk, page)


@partner_required
def checkup_page(request: AuthedRequest, response_id: int, page: int) -> HttpResponse:
    response = _own_open_response(request, response_id)
    if response.submitted_at is not None:
        return redirect("results")
    instrument = queries.instrument_of(response)
    pages = _pages(instrument)
    if not 1 <= page <= len(pages):
        raise Http404
    items = pages[page - 1]
    error = None
    status = 200
    if request.method == "POST":
        answers = {}
        for item in items:
            raw = request.POST.get(f"item-{item.id}", "")
            answers[item.id] = int(raw) if raw.lstrip("-").isdigit() else None
        try:
            actions.do_save_answers(response, answers)
        except actions.CheckupError as problem:
            error, status = str(problem), problem.status
        else:
            action = request.POST.get("go", "next")
            if action == "pause":
                messages.success(request, "Saved. You can come back and carry on any time.")
                return redirect("checkup")
            if action == "back" and page > 1:
                return redirect("checkup-page", response.pk, page - 1)
            if page < len(pages):
                return redirect("checkup-page", response.pk, page + 1)
            return redirect("checkup-review", response.pk)
    saved = queries.answers_of(response)
    questions = []
    for item in items:
        scale = instrument.scales[item.scale]
        questions.append(
            {
                "item": item,
                "choices": [
                    (value, scale.labels.get(value, str(value)))
                    for value in range(scale.min, scale.max + 1)
                ],
                "value": saved.get(item.id),
            }
        )
    return render(
        request,
        "assessments/page.html",
        {
            "response": response,
            "instrument": instrument,
            "questions": questions,
            "page": page,
            "pages": len(pages),
            "error": error,
            "progress": round(100 * (page - 1) / len(pages)),
        },
        status=status,
    )


@partner_required
def checkup_review(request: AuthedRequest, response_id: int) -> HttpResponse:
    response = _own_open_response(request, response_id)
    if response.submitted_at is not None:
        return redirect("results")
    instrument = queries.instrument_of(response)
    answered = len(queries.answers_of(response))
    error, status = None, 200
    if request.method == "POST":
        try:
            actions.do_submit(response)
        except actions.CheckupError as problem:
            error, status = str(problem), problem.status
        else:
            next_id = _next_in_sequence(request.user, instrument.id)
            if next_id:
                messages.success(request, "Thank you. One more part to go.")
                return redirect(reverse("checkup") + f"#{next_id}")
            return redirect("results")
    return render(
        request,
        "assessments/review.html",
        {
            "response": response,
            "instrument": instrument,
            "answered": answered,
            "total": len(instrument.items),
            "error": error,
            # Another part follows: the button says so instead of promising the results.
            "part_follows": _next_in_sequence(request.user, instrument.id) is not None,
        },
        status=status,
    )


def _next_in_sequence(user: User, instrument_id: str) -> str | None:
    if instrument_id not in CHECKUP_SEQUENCE:
        return None
    for later in CHECKUP_SEQUENCE[CHECKUP_SEQUENCE.index(instrument_id) + 1 :]:
        if not Response.objects.filter(
            author=user, instrument_id=later, submitted_at__isnull=False
        ).exists():
            return later
    return None


def _area_rows(areas: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Areas with a bar width for the chart (server-rendered SVG, readable without colour)."""
    rows = []
    for area in areas:
        strain = area.get("strain")
        rows.append({**area, "width": None if strain is None else round(strain * 100)})
    return rows


@partner_required
def results(request: AuthedRequest) -> HttpResponse:
    from reattune.assessments.results import insight_for

    insight, latest = insight_for(request.user)
    if insight is None:
        return render(request, "assessments/results_empty.html")
    data = insight.to_dict()
    my_responses = Response.objects.filter(author=request.user, submitted_at__isnull=False)
    return render(
        request,
        "assessments/results.html",
        {
            "insight": data,
            "areas": _area_rows(data["areas"]),
            "latest": latest,
            "shared_items": my_responses.filter(share_items=True).exists(),
        },
    )


def _shared_items(author_id: int, space_id: int) -> QuerySet[Response, int]:
    """Whether the person chose to share their answers in this space (existence only)."""
    return (
        Response.objects.filter(
            author_id=author_id, share_items=True, submitted_at__isnull=False, space_id=space_id
        )
        .order_by()
        .values_list("pk", flat=True)[:1]
    )


_SHARED_ITEMS = Prepared(_shared_items, author_id=0, space_id=0)


@partner_required
def couple_results(request: AuthedRequest) -> HttpResponse:
    from reattune.assessments.results import couple_view

    view = couple_view(request.user)
    partner = view["partner"]
    # Only whether the partner chose to share their answers (so the link can be offered); the
    # answers themselves are on partner_answers, which checks the same thing.
    partner_shared = (
        partner is not None
        and (space_id := access.active_space_id(request.user)) is not None
        and bool(_SHARED_ITEMS.rows(author_id=partner.pk, space_id=space_id))
    )
    return render(
        request, "assessments/couple.html", {"view": view, "partner_shared": partner_shared}
    )


@partner_required
def history(request: AuthedRequest) -> HttpResponse:
    from reattune.assessments.results import history as build_history

    return render(request, "assessments/history.html", {"history": build_history(request.user)})


@partner_required
@require_POST
def share_items(request: AuthedRequest) -> HttpResponse:
    share = request.POST.get("share") == "yes"
    for response in Response.objects.filter(author=request.user, submitted_at__isnull=False):
        actions.do_set_share_items(response, share)
    messages.success(
        request,
        "Your partner can now see your answers to each question."
        if share
        else "Your answers to each question are private again.",
    )
    return redirect("results")


@partner_required
def partner_answers(request: AuthedRequest) -> HttpResponse:
    """The partner's item answers, only for responses the partner chose to share."""
    from reattune.assessments.results import answers_for, latest_per_instrument, submitted
    from reattune.couples.membership import partner_of

    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    latest = latest_per_instrument(
        [
            r
            for r in submitted(partner)
            if r.share_items and r.space_id == access.active_space_id(request.user)
        ]
    )
    if not latest:
        raise Http404
    answers = answers_for(latest.values())
    sections = []
    for response in latest.values():
        instrument = queries.instrument_of(response)
        given = answers.get(response.pk, {})
        rows = []
        for item in instrument.items:
            if item.id in given:
                scale = instrument.scales[item.scale]
                rows.append((item.text, scale.labels.get(given[item.id], given[item.id])))
        sections.append({"title": instrument.title, "rows": rows})
    return render(
        request, "assessments/partner_answers.html", {"partner": partner, "sections": sections}
    )


def learn(request: Request) -> HttpResponse:
    from reattune.assessments import learn_search

    raw = request.GET.get("q", "")
    result = learn_search.search(raw) if raw.strip() else None
    return render(
        request,
        "assessments/learn.html",
        {"topics": learn_search.topics(), "result": result, "max_query": learn_search.MAX_QUERY},
    )


def learn_page(request: Request, kind: str, concept_id: str) -> HttpResponse:
    from reattune.domain.concepts import load_learn

    library = load_learn()
    entry = library.get(f"{kind}:{concept_id}")
    if entry is None:
        raise Http404
    practices = [
        library[f"practice:{p}"] for p in entry.try_practices if f"practice:{p}" in library
    ]
    return render(request, "assessments/learn_page.html", {"entry": entry, "practices": practices})
