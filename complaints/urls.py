from django.urls import path

from . import views

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
    path("review/", views.queue, name="queue"),
    path("review/claim-next/", views.claim_next, name="claim_next"),
    path("review/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("review/cases/<int:pk>/claim/", views.case_claim_view, name="case_claim"),
    path("review/cases/<int:pk>/release/", views.case_release_view, name="case_release"),
]
