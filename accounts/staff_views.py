"""The administrators' sign-in help page: find a person, see their two-step sign-in and lockout,
reset either with a reason (accounts.access_reset)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from common.text import plural

from .access_reset import AccessResetError, account_access_reset, login_failures, login_locked
from .forms import AccessResetForm
from .otp import otp_enabled
from .permissions import require_admin


@login_required
@require_GET
def staff_access(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    return _render(request, query=request.GET.get("q", "")[:150].strip())


def _render(request: HttpRequest, *, query: str, failed=None, form=None, status: int = 200) -> HttpResponse:
    people = []
    if query:
        found = get_user_model().objects.filter(Q(username__iexact=query) | Q(email__iexact=query)
                                                | Q(username__icontains=query)).order_by("username")[:20]
        people = [(u, otp_enabled(u), login_locked(u), login_failures(u),
                   form if failed is not None and u.pk == failed.pk else AccessResetForm(prefix=f"u{u.pk}"))
                  for u in found]
    return render(request, "accounts/staff_access.html", {"query": query, "people": people}, status=status)


@login_required
@require_POST
def staff_access_reset(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    person = get_object_or_404(get_user_model(), pk=pk)
    form = AccessResetForm(request.POST, prefix=f"u{person.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            done = account_access_reset(user=person, by=request.user, two_factor=d["two_factor"],
                                        lockout=d["lockout"], reason=d["reason"])
        except AccessResetError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            parts = []
            if d["two_factor"]:
                parts.append(f"two-step sign-in removed ({plural(done['devices'], 'device')})")
            if d["lockout"]:
                parts.append(f"lockout lifted ({plural(done['attempts'], 'attempt record')})")
            told = f" {person.email} was told by e-mail." if person.email else " They have no e-mail address to tell."
            messages.success(request, f"{person.get_username()}: {' and '.join(parts)}.{told}")
            return redirect(reverse("staff_access") + "?" + urlencode({"q": person.get_username()}))
    return _render(request, query=person.get_username(), failed=person, form=form, status=400)
