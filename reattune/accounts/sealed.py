"""Secrets that pass through the session, sealed so the session table never holds them readable.

Sessions live in the database (django_session), and so in every backup. An invite link or a
new personal access token kept there in plain form could be read from a copy of the
database file alone. A sealed slot holds the value encrypted with the app's encryption key
(kept outside the database, core.crypto) together with its own expiry; a slot that has
expired, or that no current key opens, reads as empty and is dropped.

`take` empties the slot as it reads it: for what is shown once (a new token).
"""

import json
import time

from reattune.core import crypto

PREFIX = "sealed:"


def _now() -> float:
    return time.time()


def seal(request, name: str, value: str, seconds: int) -> None:
    payload = json.dumps({"v": value, "until": int(_now()) + int(seconds)})
    request.session[PREFIX + name] = crypto.encrypt(payload)


def peek(request, name: str) -> str | None:
    stored = request.session.get(PREFIX + name)
    if not stored:
        return None
    try:
        payload = json.loads(crypto.decrypt(stored, where="a sealed session value"))
        if int(payload["until"]) >= _now() and isinstance(payload["v"], str):
            return payload["v"]
    except (crypto.DecryptionFailed, ValueError, KeyError, TypeError):
        pass
    drop(request, name)
    return None


def take(request, name: str) -> str | None:
    value = peek(request, name)
    drop(request, name)
    return value


def drop(request, name: str) -> None:
    request.session.pop(PREFIX + name, None)


def present(request, name: str) -> bool:
    return bool(request.session.get(PREFIX + name))
