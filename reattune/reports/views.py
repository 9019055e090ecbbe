"""The report page, the choice to include one's own section, and the PDF."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from reattune.accounts.http import AuthedRequest
from reattune.accounts.models import User
from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.couples.models import Space
from reattune.reports import build


def _space(user: User) -> Space | None:
    return access.active_space(user)


@partner_required
@require_GET
def report_page(request: AuthedRequest) -> HttpResponse:
    space = _space(request.user)
    if space is None:
        return render(request, "reports/report.html", {"report": None})
    return render(request, "reports/report.html", {"report": build.build(request.user, space)})


@partner_required
@require_POST
def report_include(request: AuthedRequest) -> HttpResponse:
    include = request.POST.get("include") == "yes"
    try:
        build.do_set_included(request.user, include)
    except ValueError as error:
        raise Http404 from error
    messages.success(
        request,
        "Your section is now in the report."
        if include
        else "Your section is no longer in the report.",
    )
    return redirect("report")


@partner_required
@require_POST
def report_pdf(request: AuthedRequest) -> HttpResponse:
    """POST (with CSRF), like the export download: another site cannot make a browser
    spend seconds of our CPU on PDFs, and nothing prefetches it."""
    from reattune.reports.pdf import render_pdf

    space = _space(request.user)
    if space is None:
        raise Http404
    report = build.build(request.user, space)
    html = render_to_string("reports/pdf.html", {"report": report}, request=request)
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="reattune-report-{report.today.isoformat()}.pdf"'
    )
    return response
