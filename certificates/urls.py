from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_new, name="certificate_new"),
    path("certificates/disputes/", views.dispute_list, name="dispute_list"),
    path("certificates/disputes/new/", views.dispute_new, name="dispute_new"),
    path("certificates/disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("certificates/disputes/<int:pk>/thumbnail.png", views.dispute_thumbnail, name="dispute_thumbnail"),
    path("certificates/verify/", views.certificate_verify_file, name="verify_file"),
    path("certificates/<str:public_id>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<str:public_id>/print/", views.certificate_print, name="certificate_print"),
    path("certificates/<str:public_id>/thumbnail.png", views.certificate_thumbnail, name="certificate_thumbnail"),
]
