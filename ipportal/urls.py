from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import staff_views
from accounts.views import (
    api_token,
    home,
    signup,
    signup_verify,
    two_factor,
    two_factor_codes,
    two_factor_disable,
    two_factor_setup,
    two_factor_verify,
)
from common.ratelimit import client_address, rate_limited


def _reset_email(request):
    email = (request.POST.get("email") or "").strip().lower()[:254]
    return f"email:{email}" if email else None


def _address(request):
    return f"ip:{client_address(request)}"


# Login and password reset, rate-limited before Django's own views (auth.urls below serves the rest).
_login = rate_limited("login_ip", what="login attempts from your address", key=_address)(
    auth_views.LoginView.as_view())
_password_reset = rate_limited("password_reset_ip", what="password-reset requests from your address", key=_address)(
    rate_limited("password_reset_email", what="password-reset requests for this e-mail address", key=_reset_email)(
        auth_views.PasswordResetView.as_view()))

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", _login, name="login"),
    path("accounts/password_reset/", _password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("signup/", signup, name="signup"),
    path("signup/verify/<str:uidb64>/<str:token>/", signup_verify, name="signup_verify"),
    path("notices/", include("complaints.open_notice_views")),
    path("notices/", include("reporters.open_notice_views")),
    path("account/api-token/", api_token, name="api_token"),
    path("account/2fa/", two_factor, name="two_factor"),
    path("account/2fa/setup/", two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", two_factor_verify, name="two_factor_verify"),
    path("account/2fa/codes/", two_factor_codes, name="two_factor_codes"),
    path("account/2fa/disable/", two_factor_disable, name="two_factor_disable"),
    path("account/staff/sign-in/", staff_views.staff_access, name="staff_access"),
    path("account/staff/sign-in/<int:pk>/reset/", staff_views.staff_access_reset, name="staff_access_reset"),
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
    path("", include("imagery.urls")),
    path("api/v1/", include("imagery.api_urls")),
    path("api/v1/", include("certificates.api_urls")),
    path("", include("legal.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/docs.html"),
         name="api_docs"),
]
