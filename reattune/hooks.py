"""Every extension point, and every hook registered into it, in one list.

An app adds to the foundation only through the points below. A hook is registered from its
app's ``AppConfig.ready()`` by one call, ``install(self.label)``, which registers every hook
this list names for that app (and nothing twice). ``tests/test_hooks.py`` fails when a
registry holds a hook this list does not name, or this list names one that is not registered:
adding a hook means adding its line here.

Points filled by registration (REGISTRIES: the register function, and where the registered
hooks can be read back):

- ``core.home.register_panel``: a home (Today) card, ``(request) -> (template, context) | None``.
- ``core.aftersave.register_after_save``: after free text is saved (the crisis check),
  ``(request, text, context, *, check) -> HttpResponse | None``; ``check`` is the
  SafetyCheck the saving action ran (on a hit), so the hook never runs the detector again.
- ``core.access.register_grant_provider``: the therapist access rule (care).
- ``core.request_context.register_couple_reader`` / ``register_safety_reader``: how
  request.couple reads the membership and partner (couples) and the safety screen (care).
- ``core.request_context.register_vault_rest_reader``: whether a person's own page carries
  both variants for a safety check kept in the vault (vault), read through
  ``core.request_context.vault_rest(request)``.
- ``core.request_context.register_vault_owner_reader``: whether a person has a vault (vault),
  read through ``core.request_context.has_vault(user)`` and ``has_vault_item(user, id)``: the
  journal and the safety check then keep new private words out of the forms the server can read.
- ``assessments.actions.register_after_submit``: after a check-up is submitted (plans renews
  the plan).
- ``rituals.slots.register_plan_card`` / ``register_progress_section``: the plan card on the
  rituals page, the check-up areas on the progress page.
- ``django.contrib.auth.signals.user_logged_in``: a signal receiver (accounts remembers the
  session of a log-in, so ending a person's sessions is one delete).
- ``django.core.signals.got_request_exception``: a signal receiver (core closes a PostgreSQL
  connection whose prepared statements went stale, core/stale_plans.py).

Points found by convention (CONVENTIONS: a module with that name in a feature app; listed
here so that the list is complete, checked by the same test):

- ``reattune/<app>/portability.py``: export and import kinds, and the lifecycle hooks
  ``on_leave_space(user, space)`` and ``on_delete_user(user)`` (exports.registry).
- ``reattune/<app>/cli.py``: ``register(subparsers)`` for a ``reattune`` subcommand.
- ``reattune/<app>/demo.py``: ``step(alex, sam, args)`` for ``reattune demo``.

Models that subclass ``core.visibility.CoupleContent`` or use ``core.crypto.EncryptedTextField``
are found from the model classes themselves (core.spaces, core.crypto): no registration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Hook:
    point: str  # the register function (or signal), a dotted path
    app: str  # the label of the app whose ready() installs it
    target: str  # the hooked function, a dotted path


#: register function -> the registry it fills, as a dotted path to a list (or a getter).
REGISTRIES: dict[str, str] = {
    "reattune.core.home.register_panel": "reattune.core.home._PANELS",
    "reattune.core.aftersave.register_after_save": "reattune.core.aftersave._HOOKS",
    "reattune.core.access.register_grant_provider": "reattune.core.access._grant_provider",
    "reattune.core.request_context.register_couple_reader": (
        "reattune.core.request_context._couple_reader"
    ),
    "reattune.core.request_context.register_safety_reader": (
        "reattune.core.request_context._safety_reader"
    ),
    "reattune.core.request_context.register_vault_rest_reader": (
        "reattune.core.request_context._vault_rest_reader"
    ),
    "reattune.core.request_context.register_vault_owner_reader": (
        "reattune.core.request_context._vault_owner_reader"
    ),
    "reattune.assessments.actions.register_after_submit": (
        "reattune.assessments.actions._after_submit"
    ),
    "reattune.rituals.slots.register_plan_card": "reattune.rituals.slots._PLAN_CARDS",
    "reattune.rituals.slots.register_progress_section": (
        "reattune.rituals.slots._PROGRESS_SECTIONS"
    ),
}

#: Signals: receivers connected with dispatch_uid = the receiver's dotted path.
SIGNALS = (
    "django.contrib.auth.signals.user_logged_in",
    "django.core.signals.got_request_exception",
)

HOOKS: tuple[Hook, ...] = (
    # the request context (core.request_context)
    Hook(
        "reattune.core.request_context.register_couple_reader",
        "couples",
        "reattune.couples.membership.read_couple",
    ),
    Hook(
        "reattune.core.request_context.register_safety_reader",
        "care",
        "reattune.care.safety.read_latest_result",
    ),
    Hook(
        "reattune.core.request_context.register_vault_rest_reader",
        "vault",
        "reattune.vault.rest.vault_rest",
    ),
    Hook(
        "reattune.core.request_context.register_vault_owner_reader",
        "vault",
        "reattune.vault.queries.holds",
    ),
    # therapists read a couple only under care's rule
    Hook(
        "reattune.core.access.register_grant_provider",
        "care",
        "reattune.care.access.therapist_grant",
    ),
    # after free text is saved: the crisis check
    Hook(
        "reattune.core.aftersave.register_after_save",
        "care",
        "reattune.care.support.crisis_after_save",
    ),
    # home (Today) cards
    Hook("reattune.core.home.register_panel", "care", "reattune.care.help.home_panel"),
    Hook("reattune.core.home.register_panel", "rituals", "reattune.rituals.panels.home_panel"),
    Hook("reattune.core.home.register_panel", "plans", "reattune.plans.home.plan_panel"),
    Hook(
        "reattune.core.home.register_panel",
        "assessments",
        "reattune.assessments.home.checkup_panel",
    ),
    # after a check-up: the plan is renewed
    Hook(
        "reattune.assessments.actions.register_after_submit",
        "plans",
        "reattune.plans.actions.do_refresh_plan",
    ),
    # places on the rituals pages
    Hook("reattune.rituals.slots.register_plan_card", "plans", "reattune.plans.home.plan_panel"),
    Hook(
        "reattune.rituals.slots.register_progress_section",
        "assessments",
        "reattune.assessments.progress.areas_section",
    ),
    # signals
    Hook(
        "django.contrib.auth.signals.user_logged_in",
        "accounts",
        "reattune.accounts.sessions.on_login",
    ),
    Hook(
        "django.core.signals.got_request_exception",
        "core",
        "reattune.core.stale_plans.close_after_stale_plan",
    ),
)

#: Modules found by convention in a feature app (see the docstring): every one there is.
CONVENTION_MODULES: tuple[str, ...] = (
    "reattune.accounts.cli",
    "reattune.accounts.portability",
    "reattune.assessments.demo",
    "reattune.assessments.portability",
    "reattune.care.portability",
    "reattune.coach.cli",
    "reattune.couples.portability",
    "reattune.exports.cli",
    "reattune.journal.demo",
    "reattune.journal.portability",
    "reattune.plans.demo",
    "reattune.plans.portability",
    "reattune.reports.demo",
    "reattune.rituals.demo",
    "reattune.rituals.portability",
    "reattune.vault.cli",
    "reattune.vault.demo",
    "reattune.vault.portability",
)
CONVENTIONS = ("portability", "cli", "demo")


def _qualname(func) -> str:
    func = getattr(func, "__wrapped__", func)
    return f"{func.__module__}.{func.__qualname__}"


def registered(point: str) -> list[str]:
    """The dotted paths of the hooks registered into `point` now."""
    if point in SIGNALS:
        signal = import_string(point)
        return sorted(
            str(key[0])
            for key, *_ in signal.receivers
            if isinstance(key, tuple) and isinstance(key[0], str) and key[0].startswith("reattune.")
        )
    return sorted(_qualname(func) for func in import_string(REGISTRIES[point]))


def install(app_label: str) -> None:
    """Register every hook HOOKS names for `app_label` (from its AppConfig.ready()).

    A hook already registered is not registered twice (install may be called again, e.g. by tests).
    """
    for hook in HOOKS:
        if hook.app != app_label:
            continue
        target = import_string(hook.target)  # first: importing may register it already
        if hook.target in registered(hook.point):
            continue
        if hook.point in SIGNALS:
            import_string(hook.point).connect(target, dispatch_uid=hook.target, weak=False)
        else:
            import_string(hook.point)(target)
