from django.urls import path

from . import hold_views, views

app_name = "registry"
urlpatterns = [
    path("brands/", views.brand_list, name="brand_list"),
    path("brands/new/", views.brand_new, name="brand_new"),
    path("brands/<int:pk>/", views.brand_detail, name="brand_detail"),
    path("brands/<int:pk>/members/invite/", views.member_invite, name="member_invite"),
    path("brands/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("brands/<int:pk>/invitations/<int:invitation_pk>/cancel/", views.invitation_cancel,
         name="invitation_cancel"),
    path("brands/<int:pk>/rights/new/<str:kind>/", views.right_new, name="right_new"),
    path("brands/<int:pk>/rules/", views.rules_edit, name="rules_edit"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("rights/<int:pk>/", views.right_detail, name="right_detail"),
    path("rights/<int:pk>/edit/", views.right_edit, name="right_edit"),
    path("rights/<int:pk>/renew/", views.right_renew_view, name="right_renew"),
    path("rights/<int:pk>/confirm/", views.right_confirm, name="right_confirm"),
    path("rights/<int:pk>/documents/", views.right_document_upload, name="right_document_upload"),
    path("documents/<int:pk>/", views.right_document_download, name="right_document_download"),
    path("documents/<int:pk>/image/", views.right_document_inline, name="right_document_inline"),
    path("held-brands/", hold_views.held_brands, name="held_brands"),
    path("held-brands/<int:pk>/", hold_views.held_brand_decide, name="held_brand_decide"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("rule-approvals/", views.rule_approval_queue, name="rule_approval_queue"),
    path("rule-approvals/<int:pk>/", views.rule_approval_decide, name="rule_approval_decide"),
    path("verification/<int:pk>/", views.verification_detail, name="verification_detail"),
    path("verification/<int:pk>/send-code/", views.verification_send_code, name="verification_send_code"),
    path("verification/<int:pk>/reject/", views.verification_reject, name="verification_reject"),
]
