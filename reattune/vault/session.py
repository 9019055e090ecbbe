"""The vault's tie to one log-in: the tag the browser keeps its unlocked key under, and the
secret it wraps that key with.

Shared by the vault's pages (views.py) and the safety-mode variants of other pages (rest.py).
"""

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from reattune.vault.format import b64u_encode


def session_tag(request: HttpRequest) -> str:
    """A tag that changes with every log-in (the session key is cycled): the browser drops a
    key it kept under another tag, so a key left behind never outlives its session."""
    key = request.session.session_key or ""
    return salted_hmac("reattune.vault.session-tag", key).hexdigest()[:32]


def session_wrap(request: HttpRequest) -> str:
    """32 bytes (base64url) the browser wraps the unlocked vault key with before it keeps it
    in IndexedDB, which the browser writes to the device's disk. Derived from this log-in's
    session key and sent only in pages (never stored by the browser; the pages are no-store),
    so what the browser's files hold opens nothing once the session has ended. Not against
    the host: the database holds the session key and the host holds SECRET_KEY, so with a
    copy of the browser's files they can derive this and open the kept key (docs/vault.md,
    "What the kept key protects against")."""
    key = request.session.session_key or ""
    digest = salted_hmac("reattune.vault.session-wrap", key, algorithm="sha256").digest()
    return b64u_encode(digest)
