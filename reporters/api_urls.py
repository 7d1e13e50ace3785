from django.urls import path

from .api import EvidenceUploadApi, ReportDetailApi, ReportListCreateApi, ReportWithdrawApi

app_name = "reports_api"
urlpatterns = [
    path("evidence/", EvidenceUploadApi.as_view(), name="evidence_upload"),
    path("reports/", ReportListCreateApi.as_view(), name="report_list"),
    path("reports/<int:pk>/", ReportDetailApi.as_view(), name="report_detail"),
    path("reports/<int:pk>/withdraw/", ReportWithdrawApi.as_view(), name="report_withdraw"),
]
