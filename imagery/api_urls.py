from django.urls import path

from . import api

urlpatterns = [
    path("sellers/signals/", api.SellerSignalsApi.as_view(), name="seller_signals"),
]
