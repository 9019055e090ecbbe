from django.urls import path

from reattune.reports import views

urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report/include/", views.report_include, name="report-include"),
    path("report/pdf/", views.report_pdf, name="report-pdf"),
]
