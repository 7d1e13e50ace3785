from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("legal/packages/", views.package_list, name="package_list"),
    path("legal/packages/new/", views.package_new, name="package_new"),
    path("legal/packages/<int:pk>/", views.package_detail, name="package_detail"),
    path("legal/packages/<int:pk>/download/", views.package_download, name="package_download"),
]
