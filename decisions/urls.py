from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("review/cases/<int:pk>/decide/", views.case_decide_view, name="case_decide"),
]
