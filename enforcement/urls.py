from django.urls import path

from . import ops_views, reporter_views, views, views_due_process
from .webhooks import views as webhook_views

app_name = "enforcement"
urlpatterns = [
    path("review/cases/<int:pk>/decide/", views.case_decide_view, name="case_decide"),
    path("review/cases/<int:pk>/propose-suspension/", ops_views.suspension_propose_view, name="suspension_propose"),
    path("reports/<int:pk>/withdraw/", reporter_views.report_withdraw_view, name="report_withdraw"),
    path("reports/brands/<int:pk>/lane/", reporter_views.brand_lane_recompute_view, name="brand_lane_recompute"),
    path("review/appeals/", views.appeal_list, name="appeal_list"),
    path("review/appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("review/enforcement/", ops_views.enforcement_ops, name="ops"),
    path("review/enforcement/actions/<int:pk>/retry/", ops_views.action_retry_view, name="action_retry"),
    path("review/enforcement/jobs/<int:pk>/", ops_views.bulk_job_detail, name="bulk_job"),
    path("review/suspensions/", ops_views.suspension_list, name="suspension_list"),
    path("review/suspensions/<int:pk>/", ops_views.suspension_detail, name="suspension_detail"),
    path("seller/notices/", views.notice_list, name="notice_list"),
    path("seller/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("seller/", views_due_process.seller_center, name="seller_center"),
    path("seller/notices/<int:pk>/counter-notice/", views_due_process.counter_notice_new, name="counter_notice_new"),
    path("reports/cases/<int:pk>/", views_due_process.holder_case, name="holder_case"),
    path("reports/cases/<int:pk>/appeal/", views_due_process.holder_appeal, name="holder_appeal"),
    path("reports/cases/<int:pk>/court-action/", views_due_process.court_action, name="court_action"),
    path("appeals/<int:pk>/respond/", views_due_process.appeal_response, name="appeal_response"),
    path("due-process/evidence/<int:pk>/", views_due_process.due_process_evidence, name="due_process_evidence"),
    path("help/sellers/", views_due_process.seller_help, name="seller_help"),
    path("help/sellers/<slug:slug>/", views_due_process.seller_help, name="seller_help_page"),
    path("marketplace/webhooks/", webhook_views.endpoint_list, name="webhook_list"),
    path("marketplace/webhooks/<int:pk>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("marketplace/webhooks/<int:pk>/rotate/", webhook_views.endpoint_rotate, name="webhook_rotate"),
    path("marketplace/webhooks/<int:pk>/enabled/", webhook_views.endpoint_toggle, name="webhook_toggle"),
    path("marketplace/webhooks/deliveries/<int:pk>/redeliver/", webhook_views.delivery_redeliver,
         name="webhook_redeliver"),
]
