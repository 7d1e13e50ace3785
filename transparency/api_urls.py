from django.urls import path

from .api import StatementListApi

urlpatterns = [
    path("statements/", StatementListApi.as_view(), name="transparency_statements_api"),
]
