"""Secrets that pass through the session, sealed so the session table never holds them readable.

Sessions live in the database (django_session), and so in every backup. An invite link or a
new personal access token kept there in plain form could be read from a copy of the
database file alone. A sealed slot holds the value encrypted with the app's encryption key
(kept outside the database, core.crypto) together with its own expiry; a slot that has
expired, or that no current key opens, reads as empty and is dropped.

`take` empties the slot as it reads it: for what is shown once (a new token).

A sealed value is bound to its slot name and to a random binding kept in the same session (it
survives the key change at log-in): a value copied into another slot or another session's row
reads as empty there.
"""

import json
import secrets
import time

from reattune.core import crypto

PREFIX = "sealed:"
BINDING = "sealed_binding"


def _now() -> float:
    return time.time()


def _binding(request, create: bool) -> str | None:
    value = request.session.get(BINDING)
    if isinstance(value, str) and value:
        return value
    if not create:
        return None
    value = secrets.token_urlsafe(16)
    request.session[BINDING] = value
    return value


def seal(request, name: str, value: str, seconds: int) -> None:
    payload = {"v": value, "until": int(_now()) + int(seconds), "slot": name}
    payload["bind"] = _binding(request, create=True)
    request.session[PREFIX + name] = crypto.encrypt(json.dumps(payload))


def peek(request, name: str) -> str | None:
    stored = request.session.get(PREFIX + name)
    if not stored:
        return None
    try:
        if not isinstance(stored, str):
            raise TypeError("not a sealed value")
        payload = json.loads(crypto.decrypt(stored, where="a sealed session value"))
        if (
            isinstance(payload, dict)
            and isinstance(payload.get("v"), str)
            and int(payload["until"]) >= _now()
            and payload.get("slot") == name
            and payload.get("bind") == _binding(request, create=False)
        ):
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
