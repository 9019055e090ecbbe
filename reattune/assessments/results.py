"""From stored answers to results: individual insight, the couple view, change over time.

Item answers leave this module only towards their own author. The partner's side is reduced
to scale-level data (IndividualInsight.shared_view, CoupleInsight.to_dict) before any template
or API sees it: no sign, no care channel, no cause that can rest on one answer
(tests/test_derived_leaks.py holds it).
"""

from collections import defaultdict

from django.core.cache import cache
from django.db.models import OuterRef, Q, Subquery

from reattune.assessments.catalog import CHECKUP_SEQUENCE, catalog
from reattune.assessments.models import Answer, Response
from reattune.assessments.queries import instrument_of
from reattune.core.prepared import Prepared
from reattune.couples.membership import partner_of
from reattune.domain.instruments import keyed_rows, score_response
from reattune.domain.instruments.change import (
    MIN_RESPONSES_FOR_ALPHA,
    choose_reliability,
    choose_sd,
    reliable_change,
)
from reattune.domain.instruments.insight import couple_insight, individual_insight

RESULT_KINDS = ("checkup", "pulse", "help")
STATS_SAMPLE = 2000  # responses used to estimate reliability; bounded so the page stays fast
STATS_TTL = 3600


def submitted(user, instrument_ids=None):
    rows = Response.objects.filter(author=user, submitted_at__isnull=False)
    if instrument_ids:
        rows = rows.filter(instrument_id__in=instrument_ids)
    return list(rows.order_by("submitted_at", "pk"))


def _answers_of(**response_ids: int):
    return Answer.objects.filter(response_id__in=list(response_ids.values())).values_list(
        "response_id", "item_id", "value"
    )


# For up to 16 responses (a couple's latest of each instrument), the query for that many built
# once (core.prepared); more go through the ORM.
_ANSWERS_OF = {n: Prepared(_answers_of, **{f"r{i}": i + 1 for i in range(n)}) for n in range(1, 17)}


def answers_for(responses) -> dict[int, dict[str, int]]:
    by_response: dict[int, dict[str, int]] = defaultdict(dict)
    ids = list(dict.fromkeys(r.pk for r in responses))
    if 1 <= len(ids) <= len(_ANSWERS_OF):
        rows = _ANSWERS_OF[len(ids)].rows(**{f"r{i}": pk for i, pk in enumerate(ids)})
    else:
        rows = Answer.objects.filter(response__in=ids).values_list(
            "response_id", "item_id", "value"
        )
    for response_id, item_id, value in rows:
        by_response[response_id][item_id] = value
    return by_response


def latest_per_instrument(responses) -> dict[str, Response]:
    latest = {}
    for response in responses:  # oldest first, so the last one wins
        latest[response.instrument_id] = response
    return latest


def scores_for(response, answers):
    return score_response(instrument_of(response), answers)


def insight_for(user):
    """(IndividualInsight | None, {instrument_id: Response}) from the latest responses."""
    return insights_for([user])[0]


# What insights_for reads of a response: its instrument, its day and whose it is (every caller
# of insight_for reads no other field of the responses it gives).
_LATEST_FIELDS = ("id", "author_id", "instrument_id", "instrument_version", "submitted_at")


def _latest_of(authors: Q):
    """Each person's latest submitted response of each instrument (the last by submission
    time, then id), ordered as latest_per_instrument orders them: by the first response of
    each instrument (submission time, then id), so the insight adds its figures up in the
    same order as when every response was read."""
    same = Response.objects.filter(
        author_id=OuterRef("author_id"),
        instrument_id=OuterRef("instrument_id"),
        submitted_at__isnull=False,
    )
    first = same.order_by("submitted_at", "pk")
    return (
        Response.objects.filter(authors, submitted_at__isnull=False)
        .filter(pk=Subquery(same.order_by("-submitted_at", "-pk").values("pk")[:1]))
        .order_by(Subquery(first.values("submitted_at")[:1]), Subquery(first.values("pk")[:1]))
        .only(*_LATEST_FIELDS)
    )


def _latest_of_two(first_id: int, second_id: int):
    return _latest_of(Q(author__in=[first_id, second_id]))


_LATEST_OF_TWO = Prepared(_latest_of_two, first_id=1, second_id=2)  # two values: IN (%s, %s)


def insights_for(users) -> list:
    """insight_for for several people (a couple) with two queries in all, not two each.

    One query for each person's latest submitted response of each instrument, one for their
    answers; then each is scored on its own.
    """
    by_author: dict[int, list] = {user.pk: [] for user in users}
    if 1 <= len(users) <= 2:  # one person or a couple: the query built once (core.prepared)
        ids = [user.pk for user in users]
        rows = _LATEST_OF_TWO.rows(first_id=ids[0], second_id=ids[-1])
    else:
        rows = _latest_of(Q(author__in=[user.pk for user in users]))
    for response in rows:
        by_author[response.author_id].append(response)
    latest_by_author = {pk: latest_per_instrument(rows) for pk, rows in by_author.items()}
    wanted = [r for latest in latest_by_author.values() for r in latest.values()]
    answers = answers_for(wanted) if wanted else {}
    found = []
    for user in users:
        latest = latest_by_author[user.pk]
        if not latest:
            found.append((None, {}))
            continue
        scores = {
            instrument_id: scores_for(response, answers.get(response.pk, {}))
            for instrument_id, response in latest.items()
            if instrument_of(response).kind in RESULT_KINDS
        }
        found.append((individual_insight(scores, catalog=catalog()), latest))
    return found


def checkup_done(latest: dict) -> bool:
    return all(instrument_id in latest for instrument_id in CHECKUP_SEQUENCE)


def couple_view(user) -> dict:
    """The couple view for `user`, with `me`/`partner` in place of the domain's a/b."""
    partner = partner_of(user)
    if partner is None:
        (mine, my_latest), (theirs, their_latest) = insight_for(user), (None, {})
    else:
        (mine, my_latest), (theirs, their_latest) = insights_for([user, partner])
    state = {"partner": partner, "me_done": checkup_done(my_latest), "partner_done": False}
    if partner is None:
        return {**state, "state": "no_partner"}
    state["partner_done"] = checkup_done(their_latest)
    if not state["me_done"]:
        return {**state, "state": "you_first"}
    if not state["partner_done"]:
        return {**state, "state": "waiting_for_partner"}
    couple = couple_insight(mine, theirs).to_dict()
    return {
        **state,
        "state": "ready",
        "couple": relabel(couple),
        "partner_view": theirs.shared_view(),
    }


def relabel(value):
    """Turn the domain's 'a'/'b' (a = the viewer) into 'me'/'partner' keys and values."""
    names = {
        "a": "me",
        "b": "partner",
        "a_to_b": "me_to_partner",
        "b_to_a": "partner_to_me",
        "a_guess_of_b": "my_guess_of_partner",
        "b_guess_of_a": "partner_guess_of_me",
    }
    if isinstance(value, dict):
        return {names.get(k, k): relabel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [relabel(v) for v in value]
    if value in ("a", "b"):
        return names[value]
    return value


def installation_stats(instrument, construct_id) -> dict:
    """Reliability (alpha) and SD for one construct from this installation's responses.

    Cached for an hour: it reads up to STATS_SAMPLE responses, and it changes slowly.
    """
    key = f"reattune:stats:{instrument.id}:{instrument.version}:{construct_id}"
    stats = cache.get(key)
    if stats is not None:
        return stats
    responses = list(
        Response.objects.filter(
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            submitted_at__isnull=False,
        ).order_by("-submitted_at")[:STATS_SAMPLE]
    )
    answers = answers_for(responses)
    rows = keyed_rows(instrument, construct_id, [answers.get(r.pk, {}) for r in responses])
    r, r_source = choose_reliability(rows)
    construct = instrument.constructs[construct_id]
    values = []
    for response in responses:
        score = score_response(instrument, answers.get(response.pk, {})).get(construct_id)
        if score is not None and score.value is not None:
            values.append(score.value)
    items = instrument.items_for(construct_id)
    scale = instrument.scales[items[0].scale]
    lo, hi = scale.min, scale.max
    if construct.scoring == "sum":
        lo, hi = lo * len(items), hi * len(items)
    sd, sd_source = choose_sd(values, lo, hi)
    stats = {
        "r": r,
        "r_source": r_source,
        "sd": sd,
        "sd_source": sd_source,
        "n": len(rows),
        "min_for_alpha": MIN_RESPONSES_FOR_ALPHA,
    }
    cache.set(key, stats, STATS_TTL)
    return stats


def history(user, instrument_id="connection_check") -> dict:
    """Per-construct change since the first and the previous response, with RCI."""
    responses = submitted(user, [instrument_id])
    answers = answers_for(responses)
    rounds = [(r, scores_for(r, answers.get(r.pk, {}))) for r in responses]
    rows = []
    if len(rounds) >= 2:
        first, previous, latest = rounds[0], rounds[-2], rounds[-1]
        instrument = instrument_of(latest[0])
        for cid, construct in instrument.constructs.items():
            if not construct.scored:
                continue
            now = latest[1].get(cid)
            if now is None or now.value is None:
                continue
            stats = installation_stats(instrument, cid)
            row = {
                "id": cid,
                "title": construct.title,
                "now": now.value,
                "stats": stats,
                "higher_means": construct.higher_means,
            }
            for label, (response, scores) in (("since_first", first), ("since_previous", previous)):
                then = scores.get(cid)
                if (
                    then is None
                    or then.value is None
                    or response.instrument_version != latest[0].instrument_version
                ):
                    row[label] = None
                    continue
                row[label] = reliable_change(
                    then.value,
                    now.value,
                    stats["sd"],
                    stats["r"],
                    higher_means=construct.higher_means,
                ).to_dict()
            rows.append(row)
    return {
        "instrument_id": instrument_id,
        "dates": [r.submitted_at for r, _ in rounds],
        "series": {
            cid: [s.get(cid).value if s.get(cid) else None for _, s in rounds]
            for cid in (instrument_of(rounds[-1][0]).constructs if rounds else {})
        },
        "rows": rows,
    }
