from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("review/enforcement/", views.enforcement_ops, name="ops"),
    path("review/enforcement/actions/<int:pk>/retry/", views.action_retry_view, name="action_retry"),
    path("review/enforcement/jobs/<int:pk>/", views.bulk_job_detail, name="bulk_job"),
]
