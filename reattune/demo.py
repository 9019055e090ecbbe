"""`reattune demo`: a demo couple to look around with. Safe to run again.

A feature app adds a module `reattune/<app>/demo.py` with `step(alex, sam, args)`; steps run
in INSTALLED_APPS order and each must itself be safe to run twice.
"""

import json
import secrets
from datetime import datetime, time, timedelta

from django.db import transaction

from reattune.accounts.actions import do_create_token, do_create_user
from reattune.accounts.models import AccessToken, User
from reattune.couples import actions as couples

DEMO_PEOPLE = [
    ("alex@demo.reattune.example", "Alex"),
    ("sam@demo.reattune.example", "Sam"),
]
DEMO_TIMEZONE = "Europe/Berlin"
#: The demo couple has been together on reattune this long: their space, plan, journal and
#: rituals history all start on the same first day, twelve weeks before today.
DEMO_WEEKS = 12


def feature_steps():
    import importlib

    from django.conf import settings

    steps = []
    for app in settings.FEATURE_APPS:
        try:
            module = importlib.import_module(f"reattune.{app}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"reattune.{app}.demo":
                raise
            continue
        steps.append(module.step)
    return steps


def _account(email, name, password):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = do_create_user(
            email=email, password=password, display_name=name, timezone_name=DEMO_TIMEZONE
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def ensure_demo_couple():
    """Returns [(user, password)] for the two partners, creating or refreshing them."""
    people = []
    for email, name in DEMO_PEOPLE:
        password = "demo-" + secrets.token_urlsafe(9)
        people.append((_account(email, name, password), password))
    (alex, _), (sam, _) = people
    if couples.partner_of(alex) != sam:
        if couples.partner_of(sam) is not None:
            couples.do_leave_space(sam)
        if couples.active_membership(alex) is None:
            couples.do_create_space(alex, DEMO_TIMEZONE)
        raw = couples.do_create_invite(alex)
        couples.do_join_space(sam, raw)
    _backdate_couple(alex, sam)
    return people


def demo_first_day(space):
    """The demo couple's first day in their own time zone: twelve weeks before today."""
    return space.today() - timedelta(weeks=DEMO_WEEKS)


def _backdate_couple(alex, sam):
    """Accounts, space and memberships begin on the first day, so nothing predates them
    (charts start at the couple's first day). Only ever moved earlier: safe to run twice."""
    from reattune.couples.models import Membership, Space

    space = couples.active_membership(alex).space
    start = datetime.combine(demo_first_day(space), time(0, 0), tzinfo=space.tzinfo())
    Space.objects.filter(pk=space.pk, created_at__gt=start).update(created_at=start)
    Membership.objects.filter(
        space=space, user__in=[alex, sam], left_at__isnull=True, joined_at__gt=start
    ).update(joined_at=start)
    User.objects.filter(pk__in=[alex.pk, sam.pk], date_joined__gt=start).update(date_joined=start)


def run(args) -> int:
    people = ensure_demo_couple()
    (alex, _), (sam, _) = people
    extras = {}  # what a step returns is printed with the first account (vault: passphrase)
    for step in feature_steps():
        extras.update(step(alex, sam, args) or {})
    accounts = []
    for user, password in people:
        AccessToken.objects.filter(user=user, name="demo").delete()
        _, token = do_create_token(user, "demo")
        accounts.append({"email": user.email, "password": password, "token": token})
    accounts[0].update(extras)
    if args.couples:
        from reattune import bulk

        bulk.generate(args.couples, args.days)
    if args.json:
        print(json.dumps({"accounts": accounts}))
    else:
        print("Demo couple ready. Log in as either partner:")
        for account in accounts:
            print(f"  {account['email']}  password: {account['password']}")
        if extras.get("vault_passphrase"):
            print(f"  {accounts[0]['email']} vault passphrase: {extras['vault_passphrase']}")
        print("The passwords (and the vault passphrase) change each time you run `reattune demo`.")
    return 0
