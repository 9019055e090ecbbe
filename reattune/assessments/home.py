from reattune.assessments.catalog import CHECKUP_SEQUENCE
from reattune.assessments.models import Response


def checkup_panel(request):
    done = set(
        Response.objects.filter(
            author=request.user, submitted_at__isnull=False, instrument_id__in=CHECKUP_SEQUENCE
        ).values_list("instrument_id", flat=True)
    )
    return "assessments/home_panel.html", {"done": all(i in done for i in CHECKUP_SEQUENCE)}
