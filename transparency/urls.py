from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
    path("report.json", views.report_json, name="report_json"),
    path("notices/", views.notice_archive, name="notices"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("statements/", views.statements_staff, name="statements"),
    path("statements/export.jsonl", views.statements_download, name="statements_download"),
    path("statements/<int:pk>/retry/", views.statement_retry_view, name="statement_retry"),
]
