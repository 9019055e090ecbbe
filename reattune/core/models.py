from django.db import models


class LoginFailure(models.Model):
    """A failed log-in, counted per account and per client address (hashed keys).

    Kept in the database, not in process memory, so several app processes share the count.
    """

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)
