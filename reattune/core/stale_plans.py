"""A connection whose prepared statements went stale is closed at the end of its request.

With prepared statements on (settings.database_from_url), a migration that changes a column's
type while processes keep serving makes every later run of a statement they prepared fail with
PostgreSQL's "cached plan must not change result type", on that connection, for as long as it
is kept open (REATTUNE_DB_CONN_MAX_AGE). Django keeps a connection after an error when
`SELECT 1` still works, so without this each thread would answer that error until the
connection aged out. With it, the request that met the error closes its connection when it ends,
and the next request on that thread opens a fresh one: one failed request per connection.
"""

import sys
import time

from django.db import DatabaseError, connections

STALE_PLAN = "cached plan must not change result type"


def _is_stale_plan(error: BaseException | None) -> bool:
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, DatabaseError) or type(error).__module__.startswith("psycopg"):
            if STALE_PLAN in str(error):
                return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def close_after_stale_plan(sender, request=None, exception=None, **kwargs) -> None:
    """got_request_exception (and the API's handler of unexpected errors, which answers them
    itself, so the signal never fires for it): mark this thread's PostgreSQL connections to
    close at the end of the request (Django's own close_old_connections then closes them) when
    the error that ended it was a stale prepared plan."""
    if not _is_stale_plan(exception if exception is not None else sys.exc_info()[1]):
        return
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.connection is not None:
            connection.close_at = time.monotonic()
