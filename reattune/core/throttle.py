"""Log-in throttling per account and per client address.

The client address is REMOTE_ADDR unless the direct peer is a configured trusted proxy;
only then is X-Forwarded-For read, from the right, skipping trusted hops. A forged header
from an untrusted client therefore cannot move its failures to another address.
"""

import hashlib
import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from reattune.core.models import LoginFailure

WINDOW = timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20


def _networks():
    return [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks()
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in forwarded if h]):
        if not _trusted(hop, networks):
            return hop
    return remote


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _keys(email: str, request) -> list[tuple[str, int]]:
    return [
        (_key("account", email.strip().lower()), MAX_PER_ACCOUNT),
        (_key("address", client_ip(request)), MAX_PER_ADDRESS),
    ]


def is_locked(email: str, request) -> bool:
    since = timezone.now() - WINDOW
    for key, limit in _keys(email, request):
        if LoginFailure.objects.filter(key=key, at__gte=since).count() >= limit:
            return True
    return False


def record_failure(email: str, request) -> None:
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        [LoginFailure(key=k, at=now) for k, _ in _keys(email, request)]
    )
    LoginFailure.objects.filter(at__lt=now - WINDOW * 4).delete()


def clear_account(email: str) -> None:
    LoginFailure.objects.filter(key=_key("account", email.strip().lower())).delete()
