from reattune.assessments.catalog import CHECKUP_SEQUENCE
from reattune.assessments.models import Response
from reattune.core.prepared import Prepared


def _done_instruments(author_id: int):
    return (
        Response.objects.filter(
            author_id=author_id, submitted_at__isnull=False, instrument_id__in=CHECKUP_SEQUENCE
        )
        .values_list("instrument_id", flat=True)
        .distinct()
    )  # each instrument once, not each round


_DONE = Prepared(_done_instruments, author_id=0)


def checkup_panel(request):
    done = set(_DONE.rows(author_id=request.user.pk))
    return "assessments/home_panel.html", {"done": all(i in done for i in CHECKUP_SEQUENCE)}
