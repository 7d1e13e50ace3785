from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("review/appeals/", views.appeal_list, name="appeal_list"),
    path("review/appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("due-process/evidence/<int:pk>/", views.appeal_evidence, name="evidence"),
]
