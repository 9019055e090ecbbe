"""Check-up reads: the instrument a response was answered on, its state and its answers."""

from reattune.accounts.models import User
from reattune.assessments.catalog import catalog
from reattune.assessments.errors import CheckupError
from reattune.assessments.models import Response
from reattune.domain.instruments.model import Instrument


def instrument_of(response: Response) -> Instrument:
    instrument = catalog().get(response.instrument_id, response.instrument_version)
    if instrument is None:
        raise CheckupError("This check-up is no longer available on this server.", status=410)
    return instrument


def is_retired(response: Response) -> bool:
    latest = catalog().latest(response.instrument_id)
    return latest is None or latest.version != response.instrument_version


def open_response(user: User, instrument_id: str) -> Response | None:
    return Response.objects.filter(
        author=user, instrument_id=instrument_id, submitted_at__isnull=True
    ).first()


def answers_of(response: Response) -> dict[str, int]:
    return dict(response.answers.values_list("item_id", "value"))
