"""Log-in and sign-up throttling, stored in the database (docs/decisions/0002-login-throttle.md).

Every log-in attempt first *reserves* its place: in one transaction the counts are checked and
the attempt is recorded as a failure (`begin`). Only then is the password checked; a correct
one deletes the reservation again (`succeeded`). So check and record are one step, and 40
parallel wrong guesses can never be checked against a count that has not seen the others.
On PostgreSQL the transaction takes an advisory lock per counter; on SQLite the write
transaction (settings: transaction_mode IMMEDIATE) already runs one at a time.

What is counted, each with a longer wait every time its limit is reached again
(15 minutes, 30, 60, ... at most a day):
- this address and this account: 5 failures;
- this address, whatever the account: 20 failures;
- this account from browsers it has never been used in: 30 failures. A browser where the
  account logged in before carries a signed "known device" cookie and is counted on its own
  (5 failures), so nobody elsewhere, an abusive partner at home included, can keep the owner
  out of their own browser. There is no hard lock of the account itself.
- sign-ups from one address: 10, then one an hour (not from loopback, see begin_signup).

The client address is REMOTE_ADDR unless the direct peer is a configured trusted proxy;
only then is X-Forwarded-For read, from the right, skipping trusted hops. A forged header
from an untrusted client therefore cannot move its failures to another address. Keys are
hashes: the table is no list of e-mail addresses or IPs.
"""

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from reattune.core.models import LoginFailure

WINDOW = timedelta(minutes=15)  # the first wait once a limit is reached
LONGEST_WAIT = timedelta(days=1)
MEMORY = timedelta(days=1)  # failures older than this are forgotten
MAX_PER_PAIR = 5  # one address, one account
MAX_PER_ADDRESS = 20
MAX_PER_ACCOUNT = 30  # one account, from browsers it was never used in
MAX_PER_DEVICE = 5  # one account, from one browser it was used in before
MAX_SIGNUPS_PER_ADDRESS = 10
SIGNUP_WINDOW = timedelta(hours=1)

DEVICE_COOKIE = "reattune_device"
DEVICE_SALT = "reattune.core.throttle.device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


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


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _account(email: str) -> str:
    return _key("account", email.strip().lower())


@dataclass(frozen=True)
class Counter:
    kind: str  # pair, address, account, device, signup
    key: str
    limit: int
    first_wait: timedelta = WINDOW


@dataclass
class Attempt:
    """A log-in attempt that was let through; recorded as a failure until `succeeded`."""

    email: str
    counters: list[Counter]
    row_ids: list[int] = field(default_factory=list)
    wait: timedelta | None = None  # set when the attempt was refused

    @property
    def allowed(self) -> bool:
        return self.wait is None

    @property
    def wait_minutes(self) -> int:
        return max(1, math.ceil((self.wait or WINDOW).total_seconds() / 60))


def known_device(request, email: str) -> str | None:
    """This browser's device id, if the account logged in here before (signed cookie)."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != _account(email)[:32]:
        return None
    device = data.get("d")
    return device if isinstance(device, str) else None


def remember_device(response, email: str) -> None:
    """After a correct password: mark this browser as one the account is used in."""
    value = signing.dumps(
        {"a": _account(email)[:32], "d": secrets.token_urlsafe(16)}, salt=DEVICE_SALT
    )
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def login_counters(email: str, request) -> list[Counter]:
    account = _account(email)
    device = known_device(request, email)
    if device is not None:
        return [Counter("device", _key("device", f"{account}:{device}"), MAX_PER_DEVICE)]
    address = client_ip(request)
    return [
        Counter("pair", _key("pair", f"{account}:{address}"), MAX_PER_PAIR),
        Counter("address", _key("address", address), MAX_PER_ADDRESS),
        Counter("account", account, MAX_PER_ACCOUNT),
    ]


def _wait(failures: int, last, counter: Counter, now) -> timedelta | None:
    """How long this counter still refuses, or None. Each time the limit is reached again
    (5, 10, 15 failures, ...) the wait after the latest failure doubles."""
    if failures < counter.limit:
        return None
    rounds = failures // counter.limit
    wait = min(counter.first_wait * 2 ** min(rounds - 1, 16), LONGEST_WAIT)
    left = last + wait - now
    return left if left > timedelta(0) else None


def _serialize(keys: list[str]) -> None:
    """Make check-and-record of these counters run one transaction at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for key in sorted(set(keys)):  # a fixed order: no deadlock between two attempts
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])
    # SQLite: a write transaction holds the database's only write lock from BEGIN
    # (transaction_mode IMMEDIATE in settings), so these transactions already run one by one.


def _reserve(email: str, counters: list[Counter]) -> Attempt:
    attempt = Attempt(email=email, counters=counters)
    now = timezone.now()
    with transaction.atomic():
        keys = [c.key for c in counters]
        _serialize(keys)
        seen = {
            row["key"]: row
            for row in LoginFailure.objects.filter(key__in=keys, at__gte=now - MEMORY)
            .values("key")
            .annotate(n=Count("id"), last=Max("at"))
        }
        waits = [
            _wait(seen[c.key]["n"], seen[c.key]["last"], c, now) for c in counters if c.key in seen
        ]
        known = [w for w in waits if w is not None]
        if known:
            attempt.wait = max(known)
            return attempt
        attempt.row_ids = [LoginFailure.objects.create(key=key, at=now).pk for key in keys]
    if secrets.randbelow(50) == 0:  # now and then, forget what is too old to matter
        LoginFailure.objects.filter(at__lt=now - MEMORY).delete()
    return attempt


def begin(email: str, request) -> Attempt:
    """Check and record one log-in attempt in one step; see Attempt.allowed."""
    return _reserve(email, login_counters(email, request))


def succeeded(attempt: Attempt, response=None) -> None:
    """The password was right: the attempt was no failure, and this browser and address
    start again from zero for this account. Other addresses' counts stay."""
    own = [c.key for c in attempt.counters if c.kind in ("pair", "device")]
    LoginFailure.objects.filter(pk__in=attempt.row_ids).delete()
    LoginFailure.objects.filter(key__in=own).delete()
    if response is not None:
        remember_device(response, attempt.email)


def begin_signup(request) -> Attempt:
    """Count one sign-up from this address (whatever its outcome); see Attempt.allowed.

    Not counted from the server's own machine (loopback): that is the host, or a reverse
    proxy missing from REATTUNE_TRUSTED_PROXIES, where one shared count would soon close
    sign-up for everyone (docs/decisions/0002-login-throttle.md).
    """
    address = client_ip(request)
    if _loopback(address):
        return Attempt(email="", counters=[])
    counter = Counter(
        "signup",
        _key("signup", address),
        MAX_SIGNUPS_PER_ADDRESS,
        first_wait=SIGNUP_WINDOW,
    )
    return _reserve("", [counter])
