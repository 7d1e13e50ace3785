from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_new, name="certificate_new"),
    path("certificates/verify/", views.certificate_verify_file, name="verify_file"),
    path("certificates/<str:public_id>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<str:public_id>/print/", views.certificate_print, name="certificate_print"),
    path("certificates/<str:public_id>/thumbnail.png", views.certificate_thumbnail, name="certificate_thumbnail"),
]
