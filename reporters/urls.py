from django.urls import path

from . import views

app_name = "reporters"
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
    path("reports/<int:pk>/withdraw/", views.report_withdraw_view, name="report_withdraw"),
    path("reports/<int:pk>/questions/<int:request_pk>/answer/", views.info_answer_view, name="info_answer"),
    path("reports/standing/", views.reporter_standing, name="reporter_standing"),
    path("reports/brands/<int:pk>/lane/", views.brand_lane_recompute_view, name="brand_lane_recompute"),
    path("reports/cases/<int:pk>/", views.reporter_case, name="case"),
    path("reports/cases/<int:pk>/images/<int:image_pk>.jpg", views.case_image, name="case_image"),
    path("reports/cases/<int:pk>/appeal/", views.case_appeal, name="case_appeal"),
    path("reports/cases/<int:pk>/court-action/", views.court_action, name="court_action"),
    path("reports/appeals/<int:pk>/respond/", views.appeal_response, name="appeal_response"),
]
