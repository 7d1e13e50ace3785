"""The public notice form (DSA Art. 16) and its confirmation link: no account, no login. The notifier's
follow page is reporters.open_notice_views (it offers the answers to counter-notices)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from common.ratelimit import client_address, form_filled_by_bot, rate_exceeded

from .open_notice_forms import OpenNoticeForm
from .open_notices import (
    open_notice_confirm,
    open_notice_follow_path,
    open_notice_for_confirm_token,
    open_notice_submit,
)
from .services import ReportError

log = logging.getLogger(__name__)

NOTICES_PER_IP_PER_HOUR = 10
NOTICES_PER_EMAIL_PER_DAY = 20


def _limited(request: HttpRequest, email: str) -> bool:
    ip = client_address(request)
    return (rate_exceeded(scope="open-notice-ip", key=ip, limit=NOTICES_PER_IP_PER_HOUR, window_seconds=3600)
            or rate_exceeded(scope="open-notice-email", key=email, limit=NOTICES_PER_EMAIL_PER_DAY,
                            window_seconds=86400))


@require_http_methods(["GET", "POST"])
def open_notice_new(request: HttpRequest) -> HttpResponse:
    form = OpenNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        bot = form_filled_by_bot(stamp=data["started"], honeypot=data["website"])
        if bot:
            log.warning("open notice refused as automated (%s) from %s", bot, client_address(request))
            form.add_error(None, "We could not accept this form. Wait a few seconds and send it again.")
        elif _limited(request, data["email"]):
            log.warning("open notice rate limit hit from %s (%s)", client_address(request), data["email"])
            form.add_error(None, "Too many notices from this address or e-mail recently. Try again in an hour; "
                                 "to report many listings, sign up as a rights holder.")
        else:
            try:
                notice = open_notice_submit(
                    name=data["name"], email=data["email"], capacity=data["capacity"], kind=data["kind"],
                    right_name=data["right_name"], rights_owner=data["rights_owner"],
                    registration=data["registration"], infringement_type=data["infringement_type"],
                    listings_text=data["listings"], explanation=data["explanation"],
                    declarations={"good_faith": data["decl_good_faith"], "accurate": data["decl_accurate"],
                                  "authority": data["decl_authority"]},
                    signature=data["signature"],
                    client_ip=None if client_address(request) == "unknown" else client_address(request))
            except ReportError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                return render(request, "complaints/open_notice_sent.html", {"notice": notice})
    return render(request, "complaints/open_notice_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def open_notice_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    notice = open_notice_for_confirm_token(token)
    if notice is None:
        return render(request, "complaints/open_notice_link_invalid.html", status=400)
    try:
        open_notice_confirm(notice=notice)
    except ReportError as exc:
        return render(request, "complaints/open_notice_link_invalid.html", {"error": str(exc)}, status=400)
    return redirect(open_notice_follow_path(notice) + "?confirmed=1")


urlpatterns = [
    path("", open_notice_new, name="open_notice_new"),
    path("confirm/<str:token>/", open_notice_confirm_view, name="open_notice_confirm"),
]
