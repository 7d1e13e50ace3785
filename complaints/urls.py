from django.urls import path

from . import views, views_misuse

app_name = "complaints"
urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_choose, name="report_new"),
    path("reports/new/<str:kind>/", views.report_new, name="report_form"),
    path("reports/listings/search/", views.listing_search_view, name="listing_search"),
    path("reports/drafts/<int:draft_pk>/", views.report_new, name="report_draft"),
    path("reports/drafts/<int:pk>/delete/", views.report_draft_delete_view, name="report_draft_delete"),
    path("reports/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("reports/evidence/<int:pk>/inline/", views.evidence_inline, name="evidence_inline"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/cases/", views.report_cases_partial, name="report_cases"),
    path("reports/standing/", views_misuse.notifier_standing, name="notifier_standing"),
    path("review/notifiers/", views_misuse.sanction_list, name="sanction_list"),
    path("review/notifiers/evaluate/", views_misuse.sanction_evaluate, name="sanction_evaluate"),
    path("review/notifiers/<int:pk>/", views_misuse.sanction_detail, name="sanction_detail"),
    path("review/", views.queue, name="queue"),
    path("review/claim-next/", views.claim_next, name="claim_next"),
    path("review/health/", views.queue_health_view, name="queue_health"),
    path("review/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("review/cases/<int:pk>/claim/", views.case_claim_view, name="case_claim"),
    path("review/cases/<int:pk>/release/", views.case_release_view, name="case_release"),
    path("review/cases/<int:pk>/reassign/", views.case_reassign_view, name="case_reassign"),
    path("review/cases/<int:pk>/notes/", views.case_note_add_view, name="case_note_add"),
    path("review/cases/<int:pk>/request-info/", views.case_request_info_view, name="case_request_info"),
    path("review/cases/<int:pk>/statement-preview/", views.case_statement_preview, name="case_statement_preview"),
    path("reports/<int:pk>/questions/<int:request_pk>/answer/", views.info_answer_view, name="info_answer"),
]
