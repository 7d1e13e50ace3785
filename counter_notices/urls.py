from django.urls import path

from . import views

app_name = "counter_notices"
urlpatterns = [
    path("due-process/counter-notice-evidence/<int:pk>/", views.counter_notice_evidence, name="evidence"),
    path("review/counter-notices/", views.counter_notice_list, name="review_list"),
    path("review/counter-notices/<int:pk>/", views.counter_notice_review, name="review"),
]
