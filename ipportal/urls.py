from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import api_token, home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/api-token/", api_token, name="api_token"),
    path("admin/", admin.site.urls),
    path("", include("complaints.urls")),
    path("", include("enforcement.urls")),
    path("registry/", include("registry.urls")),
    path("help/", include("complaints.help")),
    path("registry/", include("monitoring.urls")),
    path("api/v1/", include("listings.api_urls")),
    # Wired at the project level: complaints may not import enforcement (the withdraw endpoint).
    path("api/v1/", include("ipportal.reports_api_urls")),
    path("api/v1/webhooks/", include("enforcement.webhooks.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
