from django.urls import path

from reattune.coach import views

urlpatterns = [
    path("coach/", views.coach, name="coach"),
    path("coach/feedback/", views.live_feedback, name="coach-feedback"),
    path("coach/save/", views.save, name="coach-save"),
    path("coach/listen/", views.listen, name="coach-listen"),
    path("coach/opener/", views.opener, name="coach-opener"),
]
