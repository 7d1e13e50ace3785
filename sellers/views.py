"""Seller Center: what a seller sees and does about notices on their listings — the notice list
and each notice with its statements of reasons, the appeal and counter-notice forms, the response
to a rights holder's appeal, and the public help pages for sellers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_seller
from appeals.forms import AppealForm, ResponseForm
from appeals.models import AppealStatus
from appeals.selectors import appeal_files, appeal_get_for_party
from appeals.services import AppealError, appeal_file, appeal_respond
from audit.transitions import IllegalTransition
from common import dates
from common.ratelimit import uploads_limited
from complaints.models import CaseState, Party
from counter_notices.forms import CounterNoticeForm
from counter_notices.models import CounterNoticeProcedure, procedure_for
from counter_notices.services import CounterNoticeError, Statements, counter_notice_file
from evidence.forms import take_uploads
from imagery.selectors import case_pictures
from imagery.views import case_image_response
from suspensions.forms import SuspensionAppealForm
from suspensions.selectors import suspension_appeal_files
from suspensions.services import SuspensionError, suspension_appeal_file

from .selectors import (
    LISTING_FILTERS,
    account_health,
    seller_listings,
    seller_notice_get,
    seller_notice_standing,
    seller_notices,
    seller_standings,
)


@login_required
@require_GET
def seller_center(request: HttpRequest) -> HttpResponse:
    require_seller(request.user)
    return _seller_center_page(request)


def _seller_center_page(request: HttpRequest, suspension_form=None, suspension_files=(),
                        http_status: int = 200) -> HttpResponse:
    status = request.GET.get("status", "all")
    if status not in LISTING_FILTERS:
        status = "all"
    query = request.GET.get("q", "")[:100]
    listings = seller_listings(user=request.user, status=status, query=query)
    standings = seller_standings(user=request.user)
    health = account_health(user=request.user)
    page = Paginator(listings, 50).get_page(request.GET.get("page"))
    return render(request, "sellers/seller_center.html", {
        "listings": page.object_list, "page": page, "listing_total": page.paginator.count, "status": status,
        "q": query,
        "filters": list(LISTING_FILTERS), "standings": standings, "health": health,
        # The appeal form's kept files, and those filed with the appeal (the seller's own to download).
        "suspension_form": suspension_form or SuspensionAppealForm(), "suspension_files": list(suspension_files),
        "suspension_appeal_files": (suspension_appeal_files(health.suspension)
                                    if health.suspension and health.suspension.appeal_filed_at else []),
        "strike_threshold": settings.STRIKE_SUSPENSION_THRESHOLD,
        "strike_expiry_days": settings.STRIKE_EXPIRY_DAYS,
        "next_steps": [s for s in standings if s.next_step and (s.can_appeal or s.can_counter
                                                                or s.case.state == CaseState.APPEALED
                                                                or s.counter_notice)],
    }, status=http_status)


@login_required
@require_POST
@uploads_limited
def suspension_appeal(request: HttpRequest) -> HttpResponse:
    """The suspended seller appeals its suspension from Seller Center."""
    require_seller(request.user)
    health = account_health(user=request.user)
    if health.suspension is None:
        raise Http404("No suspension in force on your account")
    form = SuspensionAppealForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            suspension_appeal_file(suspension=health.suspension, user=request.user,
                                   statement=form.cleaned_data["statement"], evidence=files)
        except SuspensionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Appeal sent. A senior reviewer who took no part in the suspension rules on "
                                      "it; your listings stay suppressed until then. You will see the ruling here.")
            return redirect("sellers:seller_center")
    return _seller_center_page(request, suspension_form=form, suspension_files=files, http_status=400)


@login_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    require_seller(request.user)
    return render(request, "sellers/notice_list.html", {"notices": seller_notices(user=request.user)[:200]})


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_seller(request.user)
    if request.method == "GET":
        return notice_page(request, pk)
    case = seller_notice_get(user=request.user, pk=pk)
    form = AppealForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            appeal_file(case=case, user=request.user, statement=form.cleaned_data["statement"], evidence=files)
        except (AppealError, IllegalTransition) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appeal filed. A senior reviewer will decide it; you will see "
                                      "the outcome here.")
            return redirect("sellers:notice_detail", pk=pk)
    return notice_page(request, pk, form=form, files=files, status=400)


def notice_page(request: HttpRequest, pk: int, *, form=None, response_form=None, files=(), response_files=(),
                status=200) -> HttpResponse:
    """The notice as the seller sees it: every statement of reasons, who complained, the deadlines,
    the appeal or counter-notice and the other side's responses, and what can be done now."""
    require_seller(request.user)
    standing = seller_notice_standing(user=request.user, pk=pk)
    case = standing.case
    appeals = list(case.appeals.all().order_by("id"))
    open_reporter_appeal = next((a for a in appeals if a.status == AppealStatus.OPEN and a.party == Party.REPORTER),
                                None)
    return render(request, "sellers/notice_detail.html", {
        "case": case, "decisions": sorted(case.decisions.all(), key=lambda d: d.pk), "standing": standing,
        "appeal": standing.appeal, "appeals": [(a, appeal_files(a)) for a in appeals],
        "form": form or AppealForm(), "can_appeal": standing.can_appeal, "listing": case.listing,
        "counter_notice": standing.counter_notice, "open_reporter_appeal": open_reporter_appeal,
        # Each form carries its own kept files: an appeal's never ride along with a response.
        "response_form": response_form or ResponseForm(), "files": list(files), "response_files": list(response_files),
        "pictures": case_pictures(case=case, src=lambda image_pk: reverse("sellers:notice_image",
                                                                          args=[case.pk, image_pk])),
    }, status=status)


@login_required
@require_GET
def notice_image(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    """A picture of the notice's listing, as reported or now, for the seller's members."""
    require_seller(request.user)
    return case_image_response(case=seller_notice_get(user=request.user, pk=pk), pk=image_pk)


@login_required
@require_http_methods(["GET", "POST"])
@uploads_limited
def counter_notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_seller(request.user)
    standing = seller_notice_standing(user=request.user, pk=pk)
    case = standing.case
    files: list = []
    if request.method == "GET":
        # Prefilled from the listing and the account; the seller checks and completes them.
        user = request.user
        form = CounterNoticeForm(initial={"location": case.listing.url or case.listing.external_id,
                                          "material": f"Listing {case.listing.external_id} “{case.listing.title}”",
                                          "full_name": user.get_full_name(), "signature": "",
                                          "email": user.email})
        return _render_counter(request, form, standing, files)
    form = CounterNoticeForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            notice = counter_notice_file(case=case, user=request.user, evidence=files,
                                         statements=Statements(**{k: v for k, v in form.cleaned_data.items()
                                                                   if k != "evidence_upload"}))
        except CounterNoticeError as exc:
            for name, message in exc.missing.items():
                form.add_error(name, message)
            if not exc.missing:
                form.add_error(None, str(exc))
        else:
            if notice.is_dmca:
                messages.success(request, f"Counter-notice filed. {case.brand} has until "
                                          f"{dates.deadline(notice.court_action_due)} to show a court action; "
                                          "otherwise "
                                          f"your listing comes back on {dates.deadline(notice.reinstate_on)}.")
            else:
                messages.success(request, f"Counter-notice filed. {case.brand} may answer with evidence until "
                                          f"{dates.deadline(notice.court_action_due)}; then a senior reviewer decides "
                                          "whether your listing comes back. You will get an e-mail.")
            return redirect("sellers:notice_detail", pk=pk)
    return _render_counter(request, form, standing, files, status=400)


def _render_counter(request, form, standing, files, status=200) -> HttpResponse:
    procedure = procedure_for(standing.case.right.kind)
    return render(request, "sellers/counter_notice_form.html",
                  {"form": form, "standing": standing, "case": standing.case, "files": files,
                   "dmca": procedure == CounterNoticeProcedure.DMCA, "answer_days": settings.COUNTER_NOTICE_ANSWER_DAYS,
                   "court_days": settings.COUNTER_NOTICE_COURT_DAYS,
                   "reinstate_days": settings.COUNTER_NOTICE_REINSTATE_DAYS}, status=status)


@login_required
@require_POST
@uploads_limited
def appeal_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller answers a rights holder's appeal from the notice page. Anyone else: 404."""
    appeal = appeal_get_for_party(user=request.user, pk=pk, party=Party.SELLER)
    form = ResponseForm(request.POST)
    files = take_uploads(request, form)
    if form.is_valid():
        try:
            appeal_respond(appeal=appeal, user=request.user, statement=form.cleaned_data["statement"], evidence=files)
        except AppealError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Response filed. The senior reviewer reads it before ruling.")
            return redirect("sellers:notice_detail", pk=appeal.case_id)
    return notice_page(request, appeal.case_id, response_form=form, response_files=files, status=400)


HELP_PAGES = {
    "": "Help for sellers",
    "notices": "What a notice means",
    "appeal": "How to appeal",
    "counter-notice": "How to file a counter-notice",
    "deadlines": "Deadlines",
    "evidence": "What evidence helps",
}


@require_GET
def seller_help(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Public help pages for sellers (no login: a seller may read them before signing in)."""
    if slug not in HELP_PAGES:
        raise Http404("No such help page")
    template = select_template([f"help/sellers/{slug or 'index'}.html"])
    return HttpResponse(template.render({"pages": HELP_PAGES, "slug": slug, "title": HELP_PAGES[slug],
                                         "strike_expiry_days": settings.STRIKE_EXPIRY_DAYS,
                                         "strike_threshold": settings.STRIKE_SUSPENSION_THRESHOLD}, request))
