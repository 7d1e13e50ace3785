from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authtoken.models import Token

from .permissions import require_api_user
from .tokens import api_token_create, api_token_revoke


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: links to its work, nothing else."""
    return render(request, "home.html")


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Create, replace or revoke the user's API token. The key is shown once, right after creation."""
    require_api_user(request.user)
    created = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if api_token_revoke(user=request.user):
                messages.info(request, "Your API token is revoked; calls with it are refused from now on.")
            return redirect("api_token")
        created = api_token_create(user=request.user)
    current = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"created": created, "current": current})
