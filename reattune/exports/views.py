from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from reattune.accounts.http import AuthedRequest
from reattune.core.decorators import partner_required
from reattune.exports.archive import export_bytes
from reattune.exports.registry import all_kinds


@partner_required
@require_http_methods(["GET", "HEAD"])
def export_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "exports/export.html", {"kinds": list(all_kinds().values())})


@partner_required
@require_POST
def export_download(request: AuthedRequest) -> HttpResponse:
    """The person's own export, as a download. Only ever the requester's own data."""
    data = export_bytes(request.user)
    name = f"reattune-export-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
