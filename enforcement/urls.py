from django.urls import path

from . import reporter_views, views
from .webhooks import views as webhook_views

app_name = "enforcement"
urlpatterns = [
    path("review/cases/<int:pk>/decide/", views.case_decide_view, name="case_decide"),
    path("reports/<int:pk>/withdraw/", reporter_views.report_withdraw_view, name="report_withdraw"),
    path("reports/brands/<int:pk>/lane/", reporter_views.brand_lane_recompute_view, name="brand_lane_recompute"),
    path("review/appeals/", views.appeal_list, name="appeal_list"),
    path("review/appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("seller/notices/", views.notice_list, name="notice_list"),
    path("seller/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("marketplace/webhooks/", webhook_views.endpoint_list, name="webhook_list"),
    path("marketplace/webhooks/<int:pk>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("marketplace/webhooks/<int:pk>/rotate/", webhook_views.endpoint_rotate, name="webhook_rotate"),
    path("marketplace/webhooks/<int:pk>/enabled/", webhook_views.endpoint_toggle, name="webhook_toggle"),
    path("marketplace/webhooks/deliveries/<int:pk>/redeliver/", webhook_views.delivery_redeliver,
         name="webhook_redeliver"),
]
