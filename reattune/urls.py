import os

from django.urls import include, path

from reattune.accounts import reset
from reattune.accounts import views as accounts
from reattune.api import urls as _api_routes  # noqa: F401  (mounts the routers)
from reattune.api.base import api
from reattune.couples import views as couples
from reattune.journal import views as journal

handler404 = "reattune.core.views.not_found"
handler500 = "reattune.core.views.server_error"

urlpatterns = [
    path("", accounts.landing, name="landing"),
    path("signup/", accounts.signup, name="signup"),
    path("login/", accounts.login_view, name="login"),
    path("password-reset/", reset.password_reset, name="password-reset"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        reset.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("logout/", accounts.logout_view, name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/tokens/", accounts.token_create, name="token-create"),
    path("account/tokens/<int:token_id>/revoke/", accounts.token_revoke, name="token-revoke"),
    path("account/password/", accounts.password_change, name="password-change"),
    path("account/delete/", accounts.account_delete, name="account-delete"),
    path("home/", couples.home, name="home"),
    path("couple/", couples.couple, name="couple"),
    path("couple/invite/", couples.invite_create, name="invite-create"),
    path("couple/invite/revoke/", couples.invite_revoke, name="invite-revoke"),
    path("couple/leave/", couples.leave, name="couple-leave"),
    path("couple/timezone/", couples.set_timezone, name="couple-timezone"),
    path("invite/confirm/", couples.invite_confirm, name="invite-confirm"),
    path("invite/<str:token>/", couples.invite_open, name="invite-open"),
    path("journal/", journal.journal, name="journal"),
    path("journal/shared/", journal.shared, name="journal-shared"),
    path("journal/new/", journal.entry_new, name="journal-new"),
    path("journal/<int:entry_id>/", journal.entry_detail, name="journal-detail"),
    path("journal/<int:entry_id>/edit/", journal.entry_edit, name="journal-edit"),
    path("journal/<int:entry_id>/delete/", journal.entry_delete, name="journal-delete"),
    path("api/v1/", api.urls),
    path("", include("reattune.core.health")),  # /healthz for proxies and monitors
    # Feature issues: each app's own pages.
    path("", include("reattune.assessments.urls")),
    path("", include("reattune.plans.urls")),
    path("", include("reattune.rituals.urls")),
    path("", include("reattune.coach.urls")),
    path("", include("reattune.care.urls")),
    path("", include("reattune.exports.urls")),
    path("", include("reattune.reports.urls")),
    path("", include("reattune.vault.urls")),
]

if os.environ.get("REATTUNE_BENCH_FLOOR") == "1":
    # bench/http.py's floor view: only with this variable, never in a normal URL map.
    from reattune.reports.floor import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench-floor"))
