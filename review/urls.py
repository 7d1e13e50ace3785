from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
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
    path("review/notifiers/", views.sanction_list, name="sanction_list"),
    path("review/notifiers/evaluate/", views.sanction_evaluate, name="sanction_evaluate"),
    path("review/notifiers/<int:pk>/", views.sanction_detail, name="sanction_detail"),
]
