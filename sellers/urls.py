from django.urls import path

from . import link_views, views

app_name = "sellers"
urlpatterns = [
    path("seller/", views.seller_center, name="seller_center"),
    path("seller/link/", link_views.seller_link, name="seller_link"),
    path("seller/notices/", views.notice_list, name="notice_list"),
    path("seller/suspension/appeal/", views.suspension_appeal, name="suspension_appeal"),
    path("seller/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("seller/notices/<int:pk>/images/<int:image_pk>.jpg", views.notice_image, name="notice_image"),
    path("seller/notices/<int:pk>/counter-notice/", views.counter_notice_new, name="counter_notice_new"),
    path("seller/appeals/<int:pk>/respond/", views.appeal_response, name="appeal_response"),
    path("help/sellers/", views.seller_help, name="seller_help"),
    path("help/sellers/<slug:slug>/", views.seller_help, name="seller_help_page"),
]
