"""Care writes: snoozing the help card, the safety screen, the country, therapist access.

None of these writes touches anything the partner can see, except therapist access, which is
a couple decision and is shown to both partners by design (consent, revocation, audit log).
"""

import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from reattune.accounts.models import User
from reattune.care import safety
from reattune.care.models import (
    CarePreference,
    SafetyScreen,
    TherapistConsent,
    TherapistGrant,
    TherapistInvite,
    TherapistRead,
    hash_secret,
)
from reattune.core.errors import ActionError
from reattune.core.request_context import changed, has_vault
from reattune.domain.safety.help_rules import DEFAULT_SNOOZE_DAYS
from reattune.domain.safety.resources import normalise_country
from reattune.domain.safety.screen import ScreenResult, evaluate_screen, load_screen

THERAPIST_INVITE_LIFETIME = timedelta(days=7)


class CareError(ActionError):
    """Why something could not be done, in words fit to show the person."""


# --- help card and country ---------------------------------------------------------------


def do_snooze_help(user: User, days: int = DEFAULT_SNOOZE_DAYS) -> CarePreference:
    pref, _ = CarePreference.objects.get_or_create(user=user)
    pref.help_snoozed_until = timezone.now() + timedelta(days=days)
    pref.save(update_fields=["help_snoozed_until"])
    return pref


def do_set_country(user: User, code: str) -> str:
    """Store the chosen country ('' to follow the browser's language again)."""
    value = "" if not code else normalise_country(code)
    if value is None:
        raise CareError("Choose a country from the list.")
    user.country = value
    user.save(update_fields=["country"])
    return value


# --- the safety screen -------------------------------------------------------------------


#: Where a person with a vault answers the safety questions (the page, and the API's items).
VAULT_SAFETY_PAGE = "/vault/safety/"


class KeepScreenInVault(CareError):
    """A person with a vault answers the safety questions there, never where the server can
    read them."""

    def __init__(self) -> None:
        super().__init__(
            "You have a vault, so your answers to these questions are kept there, where only "
            f"you can read them: answer them on your vault's page ({VAULT_SAFETY_PAGE}). "
            "Nothing was saved here.",
            status=409,
            code="vault",
        )


def refuse_readable_screen(user: User) -> None:
    """The one rule for every path: no safety check the server can read from a person with a
    vault (set up, locked or not). Raises KeepScreenInVault."""
    if has_vault(user):
        raise KeepScreenInVault()


@transaction.atomic
def do_save_screen(user: User, answers: dict) -> tuple[SafetyScreen, ScreenResult]:
    """Evaluate and store one person's answers (both encrypted). Returns (row, result).
    A person with a vault is refused (KeepScreenInVault): their safety check goes there."""
    refuse_readable_screen(user)
    screen = load_screen()
    result = evaluate_screen(answers, screen)
    row = SafetyScreen.objects.create(
        author=user,
        screen_version=screen.version,
        answers=json.dumps(answers, sort_keys=True),
        result=safety.result_to_json(result),
    )
    changed(user)  # request.couple reads the screen again
    return row, result


@transaction.atomic
def do_delete_screens(user: User) -> int:
    count, _ = SafetyScreen.objects.filter(author=user).delete()
    changed(user)  # request.couple reads the screen again
    return count


# --- therapist access --------------------------------------------------------------------


def _space_id(user: User) -> int | None:
    from reattune.core.access import active_space_id

    return active_space_id(user)


@transaction.atomic
def do_create_therapist_invite(user: User, share_journal: bool = False) -> str:
    """A new single-use link for the couple's therapist; earlier open links stop working."""
    space_id = _space_id(user)
    if space_id is None:
        raise CareError("You need a couple space first.")
    now = timezone.now()
    TherapistInvite.objects.filter(
        space_id=space_id, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    raw = TherapistInvite.new_raw()
    TherapistInvite.objects.create(
        space_id=space_id,
        created_by=user,
        share_journal=share_journal,
        token_hash=hash_secret(raw),
        expires_at=now + THERAPIST_INVITE_LIFETIME,
    )
    return raw


def do_revoke_therapist_invites(user: User) -> int:
    space_id = _space_id(user)
    if space_id is None:
        return 0
    return TherapistInvite.objects.filter(
        space_id=space_id, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def find_open_therapist_invite(raw: str) -> TherapistInvite | None:
    invite = (
        TherapistInvite.objects.filter(token_hash=hash_secret(raw or ""))
        .select_related("space", "created_by")
        .first()
    )
    if invite is None or not invite.is_open or invite.space.closed_at is not None:
        return None
    return invite


@transaction.atomic
def do_accept_therapist_invite(therapist: User, raw: str) -> TherapistGrant:
    if therapist.role != therapist.Role.THERAPIST:
        raise CareError("This link is for a therapist's account.")
    invite = (
        TherapistInvite.objects.select_for_update()
        .filter(token_hash=hash_secret(raw or ""))
        .select_related("space")
        .first()
    )
    if invite is None or not invite.is_open or invite.space.closed_at is not None:
        raise CareError("This link is not valid any more. Ask the couple for a new one.")
    from reattune.couples.models import Membership

    if not Membership.objects.filter(
        space_id=invite.space_id, user_id=invite.created_by_id, left_at__isnull=True
    ).exists():
        raise CareError("This link is not valid any more. Ask the couple for a new one.")
    invite.used_at = timezone.now()
    invite.save(update_fields=["used_at"])
    grant = TherapistGrant.objects.filter(
        space_id=invite.space_id, therapist=therapist, revoked_at__isnull=True
    ).first()
    if grant is None:
        try:
            with transaction.atomic():
                grant = TherapistGrant.objects.create(
                    space_id=invite.space_id, therapist=therapist, invited_by=invite.created_by
                )
        except IntegrityError:
            grant = TherapistGrant.objects.get(
                space_id=invite.space_id, therapist=therapist, revoked_at__isnull=True
            )
    TherapistConsent.objects.update_or_create(
        grant=grant,
        partner_id=invite.created_by_id,
        defaults={"share_journal": invite.share_journal},
    )
    return grant


def grants_for_partner(user: User) -> QuerySet[TherapistGrant]:
    """Open grants on the person's current space (theirs to consent to, revoke, audit)."""
    space_id = _space_id(user)
    if space_id is None:
        return TherapistGrant.objects.none()
    return TherapistGrant.objects.filter(space_id=space_id, revoked_at__isnull=True)


def partner_grant_or_none(user: User, grant_id: int) -> TherapistGrant | None:
    try:
        return grants_for_partner(user).select_for_update().get(pk=int(grant_id))
    except (TherapistGrant.DoesNotExist, ValueError, TypeError):
        return None


@transaction.atomic
def do_consent(user: User, grant_id: int, share_journal: bool) -> TherapistConsent | None:
    grant = partner_grant_or_none(user, grant_id)
    if grant is None:
        return None
    consent, _ = TherapistConsent.objects.update_or_create(
        grant=grant, partner=user, defaults={"share_journal": share_journal}
    )
    return consent


@transaction.atomic
def do_revoke_grant(user: User, grant_id: int) -> TherapistGrant | None:
    """Either partner ends the therapist's access at once."""
    grant = partner_grant_or_none(user, grant_id)
    if grant is None:
        return None
    grant.revoked_at = timezone.now()
    grant.revoked_by = user
    grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant


def audit_log_for(user: User) -> QuerySet[TherapistRead]:
    """Every therapist read of a couple space while `user` was in it: the current space and
    earlier ones, so the log stays readable to both after leaving or the therapist's account
    deletion. Never a read from before the person joined or after they left a space."""
    from django.db.models import Exists, OuterRef, Q

    from reattune.couples.models import Membership

    member_then = Membership.objects.filter(
        user=user, space_id=OuterRef("grant__space_id"), joined_at__lte=OuterRef("at")
    ).filter(Q(left_at__isnull=True) | Q(left_at__gte=OuterRef("at")))
    return TherapistRead.objects.filter(Exists(member_then))


def do_record_read(grant: TherapistGrant, therapist: User, page: str) -> TherapistRead:
    return TherapistRead.objects.create(
        grant=grant, therapist=therapist, therapist_name=therapist.display_name, page=page[:40]
    )


def do_create_therapist(email: str, password: str, display_name: str) -> User:
    return User.objects.create_user(
        email=email, password=password, display_name=display_name, role=User.Role.THERAPIST
    )
