"""The session engine (settings.SESSION_ENGINE): Django's database sessions, read with a
prepared query.

Every request of a signed-in person reads their session row. Django's store builds that query
with the ORM each time (about 0.3 ms of Python on a small machine, against tens of
microseconds to run it); here its SQL is written once by the same ORM call (core.prepared) and
only run with the session's key and the current time. The rows, the table, the cookie and
everything the store writes are Django's own, unchanged.
"""

import re
from datetime import UTC, datetime

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from reattune.core.prepared import Prepared


def _live_session(session_key: str, now: datetime):
    """The query Django's database store runs (a session that has not expired)."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_MADE_BY_DJANGO = re.compile(f"[{re.escape(VALID_KEY_CHARS)}]+")
_LIVE_SESSION = Prepared(_live_session, session_key="0" * 32, now=datetime(2000, 1, 1, tzinfo=UTC))


class SessionStore(DatabaseStore):
    def _get_session_from_db(self):
        # As Django's: the live row, or None (and no key) when there is none.
        key = self.session_key
        if key is None:  # load() called on a store without a key: Django's own query
            return super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        if not _MADE_BY_DJANGO.fullmatch(key):
            # No such row can exist (Django makes keys of these characters only), and some
            # characters a cookie can carry (NUL) make PostgreSQL refuse the query: a 500.
            self._session_key = None
            return None
        found = _LIVE_SESSION.first(session_key=key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
