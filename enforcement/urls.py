from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [
    path("review/cases/<int:pk>/decide/", views.case_decide_view, name="case_decide"),
    path("review/appeals/", views.appeal_list, name="appeal_list"),
    path("review/appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("seller/notices/", views.notice_list, name="notice_list"),
    path("seller/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
]
