from django.urls import path

from . import views

app_name = "suspensions"
urlpatterns = [
    path("review/cases/<int:pk>/propose-suspension/", views.suspension_propose_view, name="suspension_propose"),
    path("review/suspensions/", views.suspension_list, name="suspension_list"),
    path("review/suspensions/<int:pk>/", views.suspension_detail, name="suspension_detail"),
    path("review/linked-accounts/", views.linked_flag_list, name="linked_flag_list"),
    path("review/linked-accounts/<int:pk>/", views.linked_flag_decide, name="linked_flag_decide"),
    path("suspensions/appeal-evidence/<int:pk>/", views.suspension_appeal_evidence, name="appeal_evidence"),
]
