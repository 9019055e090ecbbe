from django.urls import path

from reattune.vault import views

urlpatterns = [
    path("vault/", views.home, name="vault"),
    path("vault/journal/", views.journal, name="vault-journal"),
    path("vault/safety/", views.safety, name="vault-safety"),
]
