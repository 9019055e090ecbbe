"""`/healthz`: is this process able to serve people's data? For proxies and monitors.

200 when the database answers and the encryption keys open a sample of the stored values
(or nothing is stored yet); 503 with a short reason otherwise. No authentication, no
session, no cookie, and nothing about anyone's data: only "ok" or the kind of failure.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from reattune.core import crypto

log = logging.getLogger(__name__)


def problem() -> str | None:
    """The reason this process cannot serve data, in a few non-secret words; None if fine."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "database unreachable"
    if crypto.key_problem():
        return "encryption keys missing or invalid"
    try:
        _, failed = crypto.sample_problem(per_model=1, oldest=False)
    except DatabaseError:
        return "database unreachable"
    if failed:
        return "encryption keys do not open the stored data"
    return None


@require_safe  # a POST with a CSRF token gets 405; without one, the CSRF refusal (403)
def healthz(request):
    reason = problem()
    if reason is None:
        response = JsonResponse({"status": "ok"})
    else:
        log.warning("Health check failed: %s", reason)
        response = JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    response["Cache-Control"] = "no-store"
    return response


# Included from reattune/urls.py: the route is /healthz (no trailing slash, as proxies expect).
urlpatterns = [path("healthz", healthz, name="healthz")]
