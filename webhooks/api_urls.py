from django.urls import path

from . import api

app_name = "webhooks_api"
urlpatterns = [
    path("endpoints/", api.EndpointListApi.as_view(), name="endpoint_list"),
    path("endpoints/<int:pk>/", api.EndpointDetailApi.as_view(), name="endpoint_detail"),
    path("endpoints/<int:pk>/rotate-secret/", api.EndpointRotateSecretApi.as_view(), name="endpoint_rotate"),
    path("endpoints/<int:pk>/deliveries/", api.EndpointDeliveriesApi.as_view(), name="endpoint_deliveries"),
    path("deliveries/<int:pk>/redeliver/", api.DeliveryRedeliverApi.as_view(), name="delivery_redeliver"),
]
