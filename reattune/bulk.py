"""Bulk data for benchmarks: `reattune demo --couples N --days D`.

Creates N couples (accounts that cannot log in: no usable password) with D days of daily
check-ins each, most days both partners, with bulk inserts in large batches. Each run adds
new couples; their e-mail addresses end in @bulk.reattune.example.
"""

import json
import random
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from reattune.accounts.models import User
from reattune.couples.models import Membership, Space

BATCH = 2000
TIMEZONES = ("Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata", "UTC")
WORDS = ("calm", "tired", "grateful", "stressed", "hopeful", "close", "worried", "content")
TEXTS = (
    "A good talk over dinner.",
    "A long day; I felt stretched thin.",
    "You made me laugh when I needed it.",
    "Walking together after work.",
)


def generate(couples: int, days: int, seed: int | None = None) -> dict:
    """Add `couples` couples with `days` days of check-ins each; returns counts."""
    from reattune.rituals.models import DailyCheckIn

    rng = random.Random(seed if seed is not None else secrets.randbits(32))  # noqa: S311  # nosec B311 - demo data, not security
    run = secrets.token_hex(4)
    unusable = make_password(None)
    now = timezone.now()
    made = 0
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bulk-{run}-{i}-{who}@bulk.reattune.example",
                    display_name=f"Bulk {who.upper()}{i}",
                    password=unusable,
                )
                for i in range(couples)
                for who in ("a", "b")
            ],
            batch_size=BATCH,
        )
        spaces = Space.objects.bulk_create(
            [Space(timezone=rng.choice(TIMEZONES), created_at=now) for _ in range(couples)],
            batch_size=BATCH,
        )
        if any(u.pk is None for u in users) or any(s.pk is None for s in spaces):
            # Databases that do not return ids from bulk inserts: read them back.
            users = list(User.objects.filter(email__startswith=f"bulk-{run}-").order_by("id"))
            spaces = list(Space.objects.order_by("-id")[:couples])[::-1]
        Membership.objects.bulk_create(
            [
                Membership(user=users[2 * i + j], space=spaces[i], joined_at=now)
                for i in range(couples)
                for j in (0, 1)
            ],
            batch_size=BATCH,
        )
        today = now.date()
        first = today - timedelta(days=days)
        batch = []
        for i, space in enumerate(spaces):
            pair = (users[2 * i], users[2 * i + 1])
            level = rng.uniform(4, 8)
            for n in range(days):
                day = first + timedelta(days=n)
                level = max(0.0, min(10.0, level + rng.uniform(-0.8, 0.8)))
                for user in pair:
                    if rng.random() < 0.15:
                        continue
                    batch.append(
                        DailyCheckIn(
                            author=user,
                            space=space,
                            day=day,
                            day_index=day.toordinal(),
                            connection_today=round(level),
                            feelings=json.dumps(rng.sample(WORDS, 2)),
                            best_part=rng.choice(TEXTS),
                            challenging_part=rng.choice(TEXTS),
                            appreciation=rng.choice(TEXTS),
                        )
                    )
                    if len(batch) >= BATCH:
                        DailyCheckIn.objects.bulk_create(batch)
                        made += len(batch)
                        batch = []
        if batch:
            DailyCheckIn.objects.bulk_create(batch)
            made += len(batch)
    return {"couples": couples, "users": len(users), "checkins": made}
