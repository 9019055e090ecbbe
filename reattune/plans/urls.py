from django.urls import path

from reattune.plans import views

urlpatterns = [
    path("plan/", views.plan_page, name="plan"),
    path("plan/swap/", views.plan_swap, name="plan-swap"),
    path("plan/history/", views.plan_history, name="plan-history"),
    path("plan/practice/<slug:practice_id>/", views.practice_page, name="practice"),
]
