"""Rituals: daily check-ins, weekly reviews, monthly check-ins, the ladder, agreements,
time-outs, the couple's ritual times and private calendar feeds.

The three ritual kinds name their model fields after the prompt ids in data/rituals.yaml, so
the forms, the API and the checks all follow the data file. Everything a person writes is an
EncryptedTextField; numbers that charts aggregate (connection_today) stay plain integers.
Rows are written with visibility "shared": the reveal rule (core.access.revealed_to) decides
when the partner may read them, and leaving the space closes them (CoupleContent).
"""

import json
import uuid
from datetime import time

from django.db import models
from django.db.models import Q
from django.utils import timezone

from reattune.core.crypto import EncryptedTextField
from reattune.core.tokens import HashedToken, hash_secret
from reattune.core.visibility import CoupleContent, Visibility


class SharedContent(CoupleContent):
    """Content that is meant for the partner: written as shared (the reveal rule and the
    time rules of each feature decide when the partner actually reads it)."""

    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.SHARED
    )

    class Meta:
        abstract = True


class RitualEntry(SharedContent):
    """One person's answers for one period (a day, a week or a month).

    An answer its author keeps for themselves lives only in `private_answers` (a JSON object
    {prompt id: value}, encrypted); its own column then holds the empty value ("" or "[]").
    So every reader of the shared columns (the partner's page, API and export) can never show
    it, whatever the code around it does. The author reads their answers through own_value().
    """

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # The form's one-time key: a retried submit finds the first row instead of failing.
    submit_key = models.UUIDField(default=uuid.uuid4)
    private_answers = EncryptedTextField(default="{}")
    # {prompt id: {"changed": iso time, "shown": iso time}}: when an answer last changed and
    # when the partner could first read it, so an answer changed after it was revealed is
    # marked for the partner. No text, only times.
    answer_times = models.JSONField(default=dict, blank=True)
    # Not a column: the answers the last save held back for the author (actions.held_answers),
    # for the page and the API to ask about.
    held_answers: list[str]
    # Not a column either: which answer texts this save found crisis words in (actions), so
    # the same text is not checked twice in one save.
    crisis_memo: dict[str, bool]
    # What the partner reads of this entry moves on its own: `shared_version` and
    # `shared_updated_at` change only when an answer the partner may read changes (so a change
    # to an answer kept private leaves no trace for them); the partner's API and export show
    # these in place of version and updated_at.
    shared_version = models.PositiveIntegerField(default=1)
    shared_updated_at = models.DateTimeField(default=timezone.now)
    # {prompt id: [[iso time, digest of what the partner could read, or null while they could
    # not read it], ...]}: when each answer's shared value changed, as digests, encrypted, so
    # the "edited after it was shared with you" mark compares what the partner can read now
    # with what they could first read (sharing.edited_after_reveal). "{}" on rows made before
    # it existed: those use answer_times alone.
    shared_history = EncryptedTextField(default="{}")

    class Meta:
        abstract = True

    def history(self) -> dict[str, list]:
        try:
            data = json.loads(self.shared_history or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def kept_private(self) -> dict[str, str]:
        """{prompt id: value} of the answers only the author can read."""
        try:
            data = json.loads(self.private_answers or "{}")
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def own_value(self, field: str):
        """The author's answer to a prompt, kept private or not (only for the author)."""
        kept = self.kept_private()
        return kept[field] if field in kept else getattr(self, field)


class DailyCheckIn(RitualEntry):
    day = models.DateField()
    # day.toordinal(): an integer the database can use for calendar-day window frames
    # (RANGE BETWEEN 6 PRECEDING ...) the same way on SQLite and PostgreSQL.
    day_index = models.IntegerField()
    connection_today = models.PositiveSmallIntegerField()
    feelings = EncryptedTextField(default="[]")  # a JSON list of words
    best_part = EncryptedTextField()
    challenging_part = EncryptedTextField()
    appreciation = EncryptedTextField()
    need = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-day", "author_id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "space", "day"], name="rituals_daily_once"),
            models.CheckConstraint(
                condition=Q(connection_today__gte=0, connection_today__lte=10),
                name="rituals_daily_connection_0_10",
            ),
        ]
        indexes = [
            models.Index(fields=["space", "day_index"], name="rituals_daily_space_day"),
            # Covers the streak query (progress.RUNS_SQL: one person's days in one space, in
            # day order) so it reads the index alone instead of every check-in row.
            models.Index(
                fields=["author", "space", "day_index"], name="rituals_daily_author_space_day"
            ),
        ]

    def feeling_list(self) -> list[str]:
        """The shared feelings (empty when the author keeps them to themselves)."""
        return words_of(self.feelings)

    def own_feeling_list(self) -> list[str]:
        """The author's feelings, kept private or not (only for the author)."""
        return words_of(self.own_value("feelings"))


def words_of(raw) -> list[str]:
    try:
        words = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(words, list):
        return []
    return [w for w in words if isinstance(w, str)]


class WeeklyReview(RitualEntry):
    week = models.DateField(help_text="The Monday of the week, in the space's timezone.")
    connecting_moment = EncryptedTextField()
    closer_area = EncryptedTextField()
    appreciation = EncryptedTextField()
    looking_ahead = EncryptedTextField()
    what_would_help = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["-week", "author_id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "space", "week"], name="rituals_weekly_once")
        ]
        indexes = [models.Index(fields=["space", "week"], name="rituals_weekly_space_week")]


class MonthlyCheckIn(RitualEntry):
    month = models.DateField(help_text="The first day of the month, in the space's timezone.")
    most_connecting = EncryptedTextField()
    want_to_grow = EncryptedTextField()
    appreciation = EncryptedTextField()

    class Meta:
        ordering = ["-month", "author_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "space", "month"], name="rituals_monthly_once"
            )
        ]
        indexes = [models.Index(fields=["space", "month"], name="rituals_monthly_space_month")]


class TimeOut(SharedContent):
    """A pause in a heated moment. One open time-out per space at a time."""

    LENGTHS = (10, 20, 30, 45, 60)
    SUGGESTED = 20

    started_at = models.DateTimeField(default=timezone.now)
    minutes = models.PositiveSmallIntegerField(default=SUGGESTED)
    ends_at = models.DateTimeField()
    note = EncryptedTextField(blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(ended_at__isnull=True),
                name="rituals_one_open_timeout",
            )
        ]

    def running(self, now=None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.ends_at > now


class AgreementAcceptance(SharedContent):
    """A partner's acceptance of one communication agreement (data/agreements.yaml).

    Rows are kept as a record: taking an agreement back sets withdrawn_at.
    """

    agreement_id = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "space", "agreement_id"],
                condition=Q(withdrawn_at__isnull=True),
                name="rituals_agreement_accepted_once",
            )
        ]


class LadderState(SharedContent):
    """Where a partner is on the vulnerability ladder (data/ladder.yaml).

    Without `staying`, the step moves one deeper each week from `since_week`.
    """

    step = models.PositiveSmallIntegerField(default=1)
    since_week = models.DateField()
    staying = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "space"], name="rituals_ladder_once")
        ]

    def current_step(self, this_week, top: int) -> int:
        if self.staying:
            return max(1, min(self.step, top))
        weeks = max(0, (this_week - self.since_week).days // 7)
        return max(1, min(self.step + weeks, top))


class Schedule(models.Model):
    """The times a couple chose for their rituals (space-local), used by the calendar feed."""

    WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    ORDINALS = ((1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last"))

    space = models.OneToOneField(
        "couples.Space", on_delete=models.CASCADE, related_name="ritual_schedule"
    )
    daily_on = models.BooleanField(default=True)
    daily_time = models.TimeField(default=time(20, 30))
    weekly_on = models.BooleanField(default=True)
    weekly_day = models.PositiveSmallIntegerField(default=6)  # 0 Monday .. 6 Sunday
    weekly_time = models.TimeField(default=time(18, 0))
    monthly_on = models.BooleanField(default=True)
    monthly_ordinal = models.SmallIntegerField(default=1)  # 1..4, or -1 for the last
    monthly_day = models.PositiveSmallIntegerField(default=6)
    monthly_time = models.TimeField(default=time(17, 0))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_day__lte=6, monthly_day__lte=6), name="rituals_schedule_days"
            ),
            models.CheckConstraint(
                condition=Q(monthly_ordinal__in=[1, 2, 3, 4, -1]),
                name="rituals_schedule_ordinal",
            ),
        ]


def hash_feed_token(raw: str) -> str:
    """The stored form of a feed secret (core.tokens.hash_secret, the one hash of every secret)."""
    return hash_secret(raw)


class CalendarFeed(HashedToken):
    """A private calendar (ICS) address. Only the hash of its secret is stored (core.tokens:
    token_hash, created_at, new_raw, find_by_secret); revoking it stops the address at once."""

    PREFIX = "cal_"

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)


class Reaction(SharedContent):
    """A small reaction of one partner (author) to one answer the other (to_user) shared and
    the reader could read under the reveal rule: a heart, "thank you" or "me too".

    It holds no words of its own. One per reader and answer: choosing another changes it,
    choosing the same again takes it back. Like every CoupleContent row it is read through
    core.access: its author and the partner in the same space while it is their active space;
    nobody else (a therapist included).
    """

    HEART, THANKS, ME_TOO = "heart", "thanks", "me_too"
    CHOICES = ((HEART, "A heart"), (THANKS, "Thank you"), (ME_TOO, "Me too"))

    to_user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    ritual = models.CharField(max_length=8)  # daily | weekly | monthly (rituals.kinds)
    period = models.DateField()
    prompt_id = models.CharField(max_length=40)
    reaction = models.CharField(max_length=8, choices=CHOICES)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "space", "ritual", "period", "prompt_id"],
                name="rituals_reaction_once",
            ),
            models.CheckConstraint(
                condition=Q(reaction__in=["heart", "thanks", "me_too"]),
                name="rituals_reaction_choice",
            ),
        ]
        indexes = [
            models.Index(fields=["space", "ritual", "period"], name="rituals_reaction_period"),
        ]
