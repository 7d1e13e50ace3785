from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Role


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: links to its work, nothing else."""
    return render(request, "home.html", {"Role": Role})
