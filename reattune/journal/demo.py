"""Demo content for the journal: two entries each, one private and one shared, written on
days spread over the couple's twelve weeks (the logistics evenings early, the walk lately)."""

from datetime import timedelta

from django.utils import timezone

from reattune.couples.membership import active_membership
from reattune.journal.actions import do_create_entry
from reattune.journal.models import Entry

#: (days ago, hour of the evening) for each entry, in the order they are written below.
WRITTEN = [(78, 21), (61, 22), (40, 20), (9, 19)]


def step(alex, sam, args):
    if Entry.objects.filter(author__in=[alex, sam]).exists():
        return
    _write(alex, sam)
    tz = active_membership(alex).space.tzinfo()
    now = timezone.now()
    for (days_ago, hours), entry in zip(
        WRITTEN, Entry.objects.filter(author__in=[alex, sam]).order_by("id"), strict=True
    ):
        at = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
        at = at.astimezone(tz).replace(hour=hours)
        Entry.objects.filter(pk=entry.pk).update(created_at=at, updated_at=at)


def _write(alex, sam):
    do_create_entry(
        alex,
        "We talked about the weekend plans and nothing else again. "
        "I miss hearing how Sam is really doing.",
        visibility="private",
        title="Another logistics evening",
    )
    do_create_entry(
        alex,
        "Thank you for making tea when I came home late. It meant a lot.",
        visibility="shared",
        title="Tea",
    )
    do_create_entry(
        sam,
        "I have been so tired lately that I go quiet. It is not about Alex.",
        visibility="private",
        title="Quiet",
    )
    do_create_entry(
        sam,
        "Could we take a walk on Sunday morning, just us, no phones?",
        visibility="shared",
        title="Sunday walk",
    )
