from django.urls import path

from reattune.assessments import views

urlpatterns = [
    path("checkup/", views.checkup_home, name="checkup"),
    path("checkup/start/<slug:instrument_id>/", views.checkup_start, name="checkup-start"),
    path("checkup/r/<int:response_id>/<int:page>/", views.checkup_page, name="checkup-page"),
    path("checkup/r/<int:response_id>/finish/", views.checkup_review, name="checkup-review"),
    path("results/", views.results, name="results"),
    path("results/us/", views.couple_results, name="results-couple"),
    path("results/history/", views.history, name="results-history"),
    path("results/share/", views.share_items, name="results-share"),
    path("results/partner-answers/", views.partner_answers, name="results-partner-answers"),
    path("learn/", views.learn, name="learn"),
    path("learn/<slug:kind>/<slug:concept_id>/", views.learn_page, name="learn-page"),
]
