from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import api_token, home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/api-token/", api_token, name="api_token"),
    path("admin/", admin.site.urls),
    path("", include("reporters.urls")),
    path("", include("review.urls")),
    path("", include("decisions.urls")),
    path("", include("actions.urls")),
    path("", include("suspensions.urls")),
    path("", include("appeals.urls")),
    path("", include("counter_notices.urls")),
    path("", include("sellers.urls")),
    path("", include("webhooks.urls")),
    path("registry/", include("registry.urls")),
    path("help/", include("complaints.help")),
    path("registry/", include("monitoring.urls")),
    path("transparency/", include("transparency.urls")),
    path("api/v1/", include("listings.api_urls")),
    path("api/v1/", include("reporters.api_urls")),
    path("api/v1/webhooks/", include("webhooks.api_urls")),
    path("api/v1/transparency/", include("transparency.api_urls")),
    path("", include("certificates.urls")),
    path("api/v1/", include("certificates.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema", template_name="api/docs.html"),
         name="api_docs"),
]
