from django.urls import path

from reattune.care import lexicons_json, views

urlpatterns = [
    path("care/", views.help_page, name="care"),
    path("care/crisis-lexicons.json", lexicons_json.crisis_lexicons, name="care-crisis-lexicons"),
    path("care/snooze/", views.snooze, name="care-snooze"),
    path("care/welcome/", views.welcome, name="care-welcome"),
    path("care/safety/", views.screen, name="care-safety"),
    path("care/safety/result/", views.screen_result, name="care-safety-result"),
    path("care/safety/delete/", views.screen_delete, name="care-safety-delete"),
    path("care/country/", views.set_country, name="care-country"),
    path("care/therapist/invite/", views.therapist_invite_create, name="care-therapist-invite"),
    path(
        "care/therapist/invite/revoke/",
        views.therapist_invite_revoke,
        name="care-therapist-invite-revoke",
    ),
    path(
        "care/therapist/<int:grant_id>/consent/",
        views.therapist_consent,
        name="care-therapist-consent",
    ),
    path(
        "care/therapist/<int:grant_id>/revoke/",
        views.therapist_revoke,
        name="care-therapist-revoke",
    ),
    path(
        "therapist-invite/confirm/",
        views.therapist_invite_confirm,
        name="therapist-invite-confirm",
    ),
    path(
        "therapist-invite/<str:token>/", views.therapist_invite_open, name="therapist-invite-open"
    ),
    path("therapist/", views.therapist_home, name="therapist-home"),
    path("therapist/signup/", views.therapist_signup, name="therapist-signup"),
    path("therapist/couples/<int:space_id>/", views.therapist_couple, name="therapist-couple"),
    path(
        "therapist/couples/<int:space_id>/journal/",
        views.therapist_journal,
        name="therapist-journal",
    ),
]
