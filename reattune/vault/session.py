"""The vault's tie to one log-in: the tag the browser keeps its unlocked key under.

Shared by the vault's pages (views.py) and the safety-mode variants of other pages (rest.py).
"""

from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def session_tag(request: HttpRequest) -> str:
    """A tag that changes with every log-in (the session key is cycled): the browser drops a
    key it kept under another tag, so a key left behind never outlives its session."""
    key = request.session.session_key or ""
    return salted_hmac("reattune.vault.session-tag", key).hexdigest()[:32]
