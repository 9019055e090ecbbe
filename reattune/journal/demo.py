"""Demo content for the journal: two entries each, one private and one shared."""

from reattune.journal.actions import do_create_entry
from reattune.journal.models import Entry


def step(alex, sam, args):
    if Entry.objects.filter(author__in=[alex, sam]).exists():
        return
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
