"""One request context: who a person is in their couple, computed once per request.

``CoupleContext`` is a small frozen dataclass: the person's active membership (with its space),
their partner, the space id, today in the couple's time zone, and what rests for this person
(their safety policy). ``CoupleContextMiddleware`` puts one on ``request.couple``; each part
is read the first time something asks and kept for the rest of the request; functions that are handed only a user (``partner_of(user)``,
``active_space_id(user)``, ``safety_mode(user)``) reach the same object through
``context_of(user)`` while that user's request runs. Nothing is stored on the user object.

Outside a request (the CLI, a demo step, a test calling an action) ``context_of(user)`` builds
a fresh context each time; code that asks many questions about one person opens a scope once:

    with couple_scope(user) as couple:
        ...  # every context_of(user) in here answers `couple`, built on first use

A write that changes what a context holds (joining or leaving a space, a new safety screen, a
time-out started or ended) calls ``changed(user)`` inside its action; the next read in the
same request builds the context again. Tests never have to clear anything.

Core imports no feature app: the couples app registers how to read a membership and partner
(``register_couple_reader``), the care app how to read a safety screen result
(``register_safety_reader``), both from their ``AppConfig.ready()`` (reattune/hooks.py).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any, TypeVar

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from reattune.domain.safety.policy import SafetyPolicy, policy_for

T = TypeVar("T")

#: couples.membership.read_couple(user) -> (membership or None, partner user or None)
_couple_reader: list[Callable[[Any], tuple[Any, Any]]] = []
#: care.safety.read_latest_result(user) -> ScreenResult or None
_safety_reader: list[Callable[[Any], Any]] = []


def register_couple_reader(reader: Callable[[Any], tuple[Any, Any]]) -> None:
    """Set how a person's membership and partner are read (one query; CouplesConfig.ready)."""
    _couple_reader[:] = [reader]


def register_safety_reader(reader: Callable[[Any], Any]) -> None:
    """Set how a person's latest safety screen result is read (one query; CareConfig.ready)."""
    _safety_reader[:] = [reader]


#: vault.rest.vault_rest(request) -> what a page needs to let the browser choose its resting
#: variant from a safety check kept in the vault, or None (VaultConfig.ready)
_vault_rest_reader: list[Callable[[Any], dict | None]] = []


def register_vault_rest_reader(reader: Callable[[Any], dict | None]) -> None:
    """Set how a page learns whether to carry both variants for a vault safety check."""
    _vault_rest_reader[:] = [reader]


def vault_rest(request: Any) -> dict | None:
    """For the person's own pages only: None (render the usual variant alone) or what the
    browser needs to open their newest vault safety check and pick the variant (vault/rest.py).
    Pages ask here, not the vault app, so no feature app imports the vault. Read once per
    request: Today asks for its plan card and for its help card."""
    if not _vault_rest_reader:
        return None
    read = _vault_rest_reader[0]
    context = getattr(request, "couple", None)
    if isinstance(context, CoupleContext):
        return context.once("vault_rest", lambda: read(request))
    return read(request)


#: vault.queries.holds(user, item_id=None) -> whether the person has a vault; with item_id,
#: whether that item is in it (VaultConfig.ready)
_vault_owner_reader: list[Callable[..., bool]] = []


def register_vault_owner_reader(reader: Callable[..., bool]) -> None:
    """Set how a write learns that a person keeps private words in a vault."""
    _vault_owner_reader[:] = [reader]


def has_vault(user: Any) -> bool:
    """Whether the person has a vault (set up, locked or not). Their new private journal
    entries and safety checks then go into it, never to a form the server can read: the
    journal's and care's actions ask here, so no feature app imports the vault. False when
    the vault app is not installed."""
    if not _vault_owner_reader or not getattr(user, "is_authenticated", False):
        return False
    return bool(_vault_owner_reader[0](user))


def has_vault_item(user: Any, item_id: Any) -> bool:
    """Whether item_id names an item in the person's own vault (an entry moved out of it)."""
    if not _vault_owner_reader or not getattr(user, "is_authenticated", False):
        return False
    return bool(_vault_owner_reader[0](user, item_id))


@dataclass(frozen=True)
class CoupleContext:
    """A person, their couple space and their partner, as one request sees them.

    ``membership`` is the person's active couples.Membership (its ``space`` loaded, its
    ``user`` the person's own user object) or None; ``partner`` the other active member's
    user, or None. Each part is read on first use and kept: the membership, space and partner
    together in one query, the safety screen in one more, so a request that never asks about
    one of them does not pay for it.
    """

    user: Any
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @cached_property
    def _couple(self) -> tuple[Any | None, Any | None]:
        if not getattr(self.user, "is_authenticated", False):
            return None, None
        if not _couple_reader:
            raise RuntimeError("No couple reader registered (the couples app is not installed).")
        return _couple_reader[0](self.user)

    @property
    def membership(self) -> Any | None:
        return self._couple[0]

    @property
    def partner(self) -> Any | None:
        return self._couple[1]

    @property
    def space_id(self) -> int | None:
        membership = self.membership
        return membership.space_id if membership is not None else None

    @property
    def space(self) -> Any | None:
        membership = self.membership
        return membership.space if membership is not None else None

    @cached_property
    def today(self) -> date:
        """Today in the couple's time zone (the server's date for someone without a space)."""
        space = self.space
        return space.today() if space is not None else timezone.localdate()

    @cached_property
    def safety_result(self) -> Any | None:
        """The person's latest safety screen result (a ScreenResult), or None."""
        if not getattr(self.user, "is_authenticated", False) or not _safety_reader:
            return None
        return _safety_reader[0](self.user)

    @cached_property
    def safety(self) -> SafetyPolicy:
        """What rests for this person (their own view only; never their partner's)."""
        return policy_for(self.safety_result)

    @property
    def safety_mode(self) -> bool:
        return self.safety.active

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from this couple, computed at most once per context (e.g. the
        open time-out the home card and the time-out bar both show). Only for reading."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]


def build(user) -> CoupleContext:
    """A new context for `user`; each part is read when first asked for."""
    return CoupleContext(user=user)


class _Scope:
    """The context of one person for the length of a request (or a `couple_scope` block)."""

    def __init__(self, user_of: Callable[[], Any], request: Any = None):
        self._user_of = user_of
        self._request = request
        self._context: CoupleContext | None = None
        if request is not None:
            request.couple = SimpleLazyObject(self.get)

    def user(self):
        return self._user_of()

    def get(self) -> CoupleContext:
        user = self._user_of()
        current = self._context
        if current is None or current.user_id != getattr(user, "pk", None):
            rebuilt = current is not None
            current = self._context = build(user)
            if rebuilt and self._request is not None:
                self._request.couple = current  # e.g. after logging in within the request
        return current

    def drop(self) -> None:
        self._context = None
        if self._request is not None:
            self._request.couple = SimpleLazyObject(self.get)


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "reattune_couple_scope", default=None
)


def _scoped(user) -> _Scope | None:
    scope = _scope.get()
    if scope is None or not getattr(user, "is_authenticated", False):
        return None
    owner = scope.user()
    if not getattr(owner, "is_authenticated", False) or owner.pk != user.pk:
        return None
    return scope


def context_of(user) -> CoupleContext:
    """The couple context of `user`: the request's (built once) when `user` is the person the
    current request or scope is for, otherwise a fresh one."""
    scope = _scoped(user)
    return scope.get() if scope is not None else build(user)


def scoped_context(user) -> CoupleContext | None:
    """The current request's context when it is `user`'s, else None (nothing is built)."""
    scope = _scoped(user)
    return scope.get() if scope is not None else None


def changed(user, derived: str | None = None) -> None:
    """A write changed what `user`'s context holds: the next read builds it again.

    With `derived`, only the values kept with `once` under keys starting with it are dropped
    (a time-out started: the membership and partner stay as they are).
    """
    scope = _scoped(user)
    if scope is None:
        return
    if derived is None:
        scope.drop()
    elif scope._context is not None:
        kept = scope._context._derived
        for key in [k for k in kept if k.startswith(derived)]:
            del kept[key]


@contextlib.contextmanager
def couple_scope(user) -> Iterator[CoupleContext]:
    """Within the block, `user`'s context is built once (for the CLI, a demo step, a script).
    Yields the context as it is on entry; `context_of(user)` follows any change."""
    scope = _Scope(lambda: user)
    token = _scope.set(scope)
    try:
        yield scope.get()
    finally:
        _scope.reset(token)


class CoupleZone(tzinfo):
    """The time zone of a request's couple, found only when something first asks for it.

    Every time a page shows is in the couple's time zone (the space's; the server's for
    someone signed out or without a space). The middleware activates this zone for the whole
    request, but the membership it comes from is read only when a time is converted, a date
    is taken in the current zone or a database function asks for the zone's name: a request
    that shows no time (the benchmark's floor, a redirect, most API answers) reads nothing
    for it, and a page that does reads the membership request.couple loads anyway.

    It answers exactly as the zone it stands for (offsets, names, folds), so converted times
    are the same as with that zone activated directly.
    """

    def __init__(self, zone_of: Callable[[], tzinfo]):
        self._zone_of = zone_of
        self._found: tzinfo | None = None

    def zone(self) -> tzinfo:
        if self._found is None:
            self._found = self._zone_of()
        return self._found

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return self.zone().utcoffset(dt)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return self.zone().dst(dt)

    def tzname(self, dt: datetime | None) -> str | None:
        return self.zone().tzname(dt)

    def fromutc(self, dt: datetime) -> datetime:
        zone = self.zone()
        return zone.fromutc(dt.replace(tzinfo=zone)).replace(tzinfo=self)

    def __str__(self) -> str:
        return str(self.zone())

    def __repr__(self) -> str:
        return f"CoupleZone({self.zone()!r})"

    def __reduce__(self):  # a pickled time carries the zone itself, not the request
        return self.zone().__reduce__()


def _zone_of_scope(scope: _Scope) -> Callable[[], tzinfo]:
    def zone() -> tzinfo:
        user = scope.user()
        if getattr(user, "is_authenticated", False):
            space = scope.get().space
            if space is not None:
                return space.tzinfo()
        return timezone.get_default_timezone()

    return zone


class CoupleContextMiddleware:
    """Sets ``request.couple`` (a CoupleContext, built lazily once) for the request's user,
    and activates the couple's time zone (a CoupleZone, looked up on first use) for the
    request.

    The user is read when the context is first needed, so an API token (api/base.py sets
    request.user) is the person too. Nothing outlives the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _Scope(lambda: getattr(request, "user", None), request)
        token = _scope.set(scope)
        try:
            # Every time a page shows is in the couple's time zone, the same everywhere (the
            # space's zone; the server's for someone without a space). The zone is found from
            # the membership request.couple loads anyway, and only once something asks.
            timezone.activate(CoupleZone(_zone_of_scope(scope)))
            return self.get_response(request)
        finally:
            timezone.deactivate()
            _scope.reset(token)
