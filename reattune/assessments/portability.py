"""What check-ups contribute to an export: the person's own responses with every answer, and
their scale scores as CSV. The partner's responses only where the partner chose to share
their answers (owner = partner); those are not imported (docs/export.md)."""

from reattune.exports.registry import (
    OWNER_ME,
    OWNER_PARTNER,
    ImportProblem,
    Kind,
    parse_datetime,
    stable_id,
    text,
    to_json_value,
)

KINDS = [
    Kind(
        "checkup_responses",
        version=1,
        models=("assessments.Response", "assessments.Answer"),
        description="Your check-ups with your answer to each question; your partner's only "
        "where they chose to share their answers (owner = partner).",
    ),
    Kind(
        "checkup_scores",
        version=1,
        models=(),
        description="Your score per area for every finished check-up (derived, for spreadsheets).",
        csv_columns=(
            "response",
            "instrument",
            "version",
            "submitted_at",
            "scale",
            "score",
            "band",
            "answered",
            "items",
        ),
    ),
]


def _rows(responses, owner, answers):
    from reattune.couples.models import Space

    rows = []
    for response in responses:
        rows.append(
            {
                k: to_json_value(v)
                for k, v in {
                    "id": stable_id(response),
                    "owner": owner,
                    "space": stable_id(Space(pk=response.space_id)),
                    "instrument": response.instrument_id,
                    "version": response.instrument_version,
                    "started_at": response.started_at,
                    "updated_at": response.updated_at,
                    "submitted_at": response.submitted_at,
                    "share_items": response.share_items,
                    "answers": answers.get(response.pk, {}),
                }.items()
            }
        )
    return rows


def export_user(user) -> dict[str, list[dict]]:
    from reattune.assessments.models import Response
    from reattune.assessments.queries import instrument_of
    from reattune.assessments.results import answers_for
    from reattune.core import access
    from reattune.couples.membership import partner_of
    from reattune.domain.instruments import score_response

    own = list(access.owned_by(Response.objects.all(), user).order_by("started_at", "pk"))
    partner = partner_of(user)
    shared = []
    if partner is not None:
        shared = list(
            Response.objects.filter(
                author=partner,
                space_id=access.active_space_id(user),
                share_items=True,
                submitted_at__isnull=False,
            ).order_by("started_at", "pk")
        )
    answers = answers_for(own + shared)
    scores = []
    for response in own:
        if response.submitted_at is None:
            continue
        try:
            instrument = instrument_of(response)
        except ValueError:
            continue  # an instrument this server no longer has: answers are still exported
        for construct_id, score in score_response(instrument, answers.get(response.pk, {})).items():
            scores.append(
                {
                    k: to_json_value(v)
                    for k, v in {
                        "response": stable_id(response),
                        "instrument": response.instrument_id,
                        "version": response.instrument_version,
                        "submitted_at": response.submitted_at,
                        "scale": construct_id,
                        "score": score.value,
                        "band": score.band.label if score.band else None,
                        "answered": score.n_answered,
                        "items": score.n_items,
                    }.items()
                }
            )
    return {
        "checkup_responses": _rows(own, OWNER_ME, answers) + _rows(shared, OWNER_PARTNER, answers),
        "checkup_scores": scores,
    }


MAX_ANSWERS = 500


def _answers(row: dict, instrument) -> dict[str, int]:
    """The row's answers, each a known question of `instrument` with a value on its scale."""
    answers = row.get("answers", {})
    if answers is None:
        answers = {}
    if not isinstance(answers, dict) or len(answers) > MAX_ANSWERS:
        raise ImportProblem("'answers' must map question ids to whole numbers.")
    for item_id, value in answers.items():
        item = instrument.item(item_id)
        if item is None:
            shown = item_id[:64]
            raise ImportProblem(
                f"'answers' names a question {shown!r} this check-up does not have."
            )
        scale = instrument.scales[item.scale]
        if not scale.contains(value):
            raise ImportProblem(
                f"the answer to {item_id!r} must be a whole number from {scale.min} to {scale.max}."
            )
    return answers


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    """Own check-ups come back once: matched on their id (imported before, or a row of this
    account exported from here) or on (instrument, version, started_at). Refused: a check-up
    this server does not have, a question it does not ask, an answer off its scale."""
    from reattune.assessments.catalog import catalog
    from reattune.assessments.models import Answer, Response
    from reattune.couples.models import Space
    from reattune.exports.registry import MAX_INT, boolean, integer, local_ids

    mine = Response.objects.filter(author=user)
    local = local_ids(mine)
    natural = {(r.instrument_id, r.instrument_version, r.started_at) for r in mine}
    instruments = catalog()
    for row in id_map.rows(documents, "checkup_responses"):
        if row.get("owner", OWNER_ME) != OWNER_ME:
            id_map.skipped("checkup_responses")
            continue
        source = text(row, "id", max_length=64)
        instrument_id = text(row, "instrument", max_length=64)
        version = integer(row, "version", 1, MAX_INT)
        instrument = instruments.get(instrument_id, version)
        if instrument is None:
            raise ImportProblem(
                f"the check-up {instrument_id!r} (version {version}) does not exist on this "
                "reattune."
            )
        answers = _answers(row, instrument)
        started_at = parse_datetime(row, "started_at")
        updated_at = parse_datetime(row, "updated_at")
        submitted = parse_datetime(row, "submitted_at", required=False)
        share_items = boolean(row, "share_items")
        if (
            source in local
            or (instrument_id, version, started_at) in natural
            or id_map.get("checkup_responses", source, Response) is not None
        ):
            id_map.existing("checkup_responses")
            continue
        space = id_map.get("spaces", text(row, "space", max_length=64), Space)
        if space is None:
            raise ImportProblem("A check-up refers to a space that is not in the file.")
        if (
            submitted is None
            and Response.objects.filter(
                author=user, instrument_id=instrument_id, submitted_at__isnull=True
            ).exists()
        ):
            id_map.skipped("checkup_responses")  # one unfinished check-up per instrument
            continue
        response = Response.objects.create(
            author=user,
            space=space,
            instrument_id=instrument_id,
            instrument_version=version,
            started_at=started_at,
            updated_at=updated_at,
            submitted_at=submitted,
            share_items=share_items,
        )
        Answer.objects.bulk_create(
            [Answer(response=response, item_id=k, value=v) for k, v in answers.items()]
        )
        natural.add((instrument_id, version, started_at))
        id_map.put("checkup_responses", source, response)
        id_map.created("checkup_responses")
