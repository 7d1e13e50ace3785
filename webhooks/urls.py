from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("marketplace/webhooks/", views.endpoint_list, name="webhook_list"),
    path("marketplace/webhooks/<int:pk>/", views.endpoint_detail, name="webhook_detail"),
    path("marketplace/webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="webhook_rotate"),
    path("marketplace/webhooks/<int:pk>/enabled/", views.endpoint_toggle, name="webhook_toggle"),
    path("marketplace/webhooks/<int:pk>/test/", views.endpoint_test, name="webhook_test"),
    path("marketplace/webhooks/deliveries/<int:pk>/redeliver/", views.delivery_redeliver, name="webhook_redeliver"),
]
