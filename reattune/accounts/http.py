"""The request types page views are annotated with (for mypy; at run time a plain HttpRequest).

Django's ``HttpRequest`` does not know two things this project's middleware adds: the couple
context on ``request.couple`` (core.request_context.CoupleContextMiddleware) and, behind a
sign-in guard (``partner_required``, ``signed_in_required``, ``therapist_required``, or an API
router's ``partner_auth()``), a user who is always an ``accounts.User``, never ``AnonymousUser``.
"""

from __future__ import annotations

from django.http import HttpRequest

from reattune.accounts.models import User
from reattune.core.request_context import CoupleContext


class Request(HttpRequest):
    """Any page request: the person may be signed out (``request.user`` may be anonymous)."""

    couple: CoupleContext


class AuthedRequest(Request):
    """A request behind a sign-in guard: ``request.user`` is a signed-in ``User``."""

    user: User


class ApiRequest(AuthedRequest):
    """An API request behind ``partner_auth()`` (reattune/api/base.py): ``request.auth``, like
    ``request.user``, is the signed-in partner."""

    auth: User
