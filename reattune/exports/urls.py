from django.urls import path

from reattune.exports import views

urlpatterns = [
    path("account/export/", views.export_page, name="export"),
    path("account/export/download/", views.export_download, name="export-download"),
]
