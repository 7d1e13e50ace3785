"""Pages for due process: the seller center, appeals with evidence, counter-notices, the rights
holder's case page (responses, court action, appeal of a rejection), and the seller help pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.selectors import audit_entries_for
from audit.transitions import IllegalTransition
from evidence.responses import evidence_response
from evidence.selectors import evidence_unattached
from evidence.services import evidence_accept

from .appeals import appeal_file_by_reporter, appeal_party_of, appeal_respond
from .counter_notices import CounterNoticeError, Statements, counter_notice_file, court_action_show
from .forms import CounterNoticeForm, CourtActionForm, ReporterAppealForm, ResponseForm
from .models import Appeal, AppealParty, CounterNoticeStatus
from .seller_center import (
    LISTING_FILTERS,
    account_health,
    appeal_files,
    can_holder_appeal,
    due_process_evidence_get,
    holder_case_get,
    seller_listings,
    seller_notice_standing,
    seller_standings,
)
from .services import AppealError


def take_uploads(request: HttpRequest) -> tuple[list, list[str]]:
    """Store the files just picked (checked by content) and add those stored on an earlier try.

    Returns (files the form now carries, one refusal message per refused file)."""
    ids = {int(v) for v in request.POST.getlist("evidence") if v.isdigit()}
    carried = list(evidence_unattached().filter(uploaded_by=request.user, pk__in=ids).order_by("id"))
    accepted = evidence_accept(uploaded_by=request.user, uploads=request.FILES.getlist("evidence_upload"),
                               used_bytes=sum(f.size for f in carried), used_files=len(carried))
    return carried + accepted.stored, accepted.refusals


def _require_seller(request: HttpRequest) -> None:
    if not request.user.is_seller:
        raise PermissionDenied("Seller Center is for sellers.")


def _require_rights_holder(request: HttpRequest) -> None:
    if not request.user.is_rights_holder:
        raise PermissionDenied("Only rights holders follow reports.")


@login_required
@require_GET
def seller_center(request: HttpRequest) -> HttpResponse:
    _require_seller(request)
    status = request.GET.get("status", "all")
    if status not in LISTING_FILTERS:
        status = "all"
    query = request.GET.get("q", "")[:100]
    listings = seller_listings(user=request.user, status=status, query=query)
    standings = seller_standings(user=request.user)
    page = Paginator(listings, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/seller_center.html", {
        "listings": page.object_list, "page": page, "listing_total": page.paginator.count, "status": status,
        "q": query,
        "filters": list(LISTING_FILTERS), "standings": standings, "health": account_health(user=request.user),
        "strike_threshold": settings.STRIKE_SUSPENSION_THRESHOLD,
        "next_steps": [s for s in standings if s.next_step and (s.can_appeal or s.can_counter
                                                                or s.case.state == "appealed"
                                                                or s.counter_notice)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def counter_notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    _require_seller(request)
    standing = seller_notice_standing(user=request.user, pk=pk)
    case = standing.case
    files: list = []
    if request.method == "GET":
        form = CounterNoticeForm(initial={"location": case.listing.url or case.listing.external_id,
                                          "material": f"Listing {case.listing.external_id} “{case.listing.title}”"})
        return _render_counter(request, form, standing, files)
    form = CounterNoticeForm(request.POST)
    files, refusals = take_uploads(request)
    for refusal in refusals:
        form.add_error("evidence_upload", refusal)
    if form.is_valid() and not refusals:
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
            messages.success(request, f"Counter-notice filed. {case.report.brand} has until "
                                      f"{notice.court_action_due:%A %d %B %Y} to show a court action; otherwise "
                                      f"your listing comes back on {notice.reinstate_on:%A %d %B %Y}.")
            return redirect("enforcement:notice_detail", pk=pk)
    return _render_counter(request, form, standing, files, status=400)


def _render_counter(request, form, standing, files, status=200) -> HttpResponse:
    return render(request, "enforcement/counter_notice_form.html",
                  {"form": form, "standing": standing, "case": standing.case, "files": files}, status=status)


@login_required
@require_GET
def holder_case(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rights_holder(request)
    case = holder_case_get(user=request.user, pk=pk)
    return _render_holder_case(request, case)


def _render_holder_case(request, case, status=200, **forms) -> HttpResponse:
    appeals = list(case.appeals.all().order_by("id"))
    notices = list(case.counter_notices.all().order_by("id"))
    decisions = list(case.decisions.all())
    waiting = next((n for n in notices if n.status == CounterNoticeStatus.WAITING), None)
    open_appeal = next((a for a in appeals if a.status == "open"), None)
    return render(request, "enforcement/holder_case.html", {
        "case": case, "report": case.report, "decisions": decisions,
        "appeals": [(a, appeal_files(a)) for a in appeals], "notices": notices, "waiting": waiting,
        "open_appeal": open_appeal,
        "can_respond": open_appeal is not None and open_appeal.party == AppealParty.SELLER,
        "can_appeal": can_holder_appeal(case),
        "appeal_form": forms.get("appeal_form") or ReporterAppealForm(),
        "response_form": forms.get("response_form") or ResponseForm(),
        "court_form": forms.get("court_form") or CourtActionForm(),
        "files": forms.get("files", []),
        "timeline": audit_entries_for(targets=[case, *decisions, *appeals, *notices]),
    }, status=status)


@login_required
@require_POST
def holder_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rights_holder(request)
    case = holder_case_get(user=request.user, pk=pk)
    form = ReporterAppealForm(request.POST)
    files, refusals = take_uploads(request)
    for refusal in refusals:
        form.add_error("evidence_upload", refusal)
    if form.is_valid() and not refusals:
        try:
            appeal_file_by_reporter(case=case, user=request.user, statement=form.cleaned_data["statement"],
                                    evidence=files)
        except (AppealError, IllegalTransition) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Appeal filed. A senior reviewer who did not reject the report will decide "
                                      "it; the seller may respond first.")
            return redirect("enforcement:holder_case", pk=pk)
    return _render_holder_case(request, case, status=400, appeal_form=form, files=files)


@login_required
@require_POST
def court_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require_rights_holder(request)
    case = holder_case_get(user=request.user, pk=pk)
    notice = case.counter_notices.filter(status=CounterNoticeStatus.WAITING).first()
    if notice is None:
        raise Http404("No counter-notice waits for an answer on this case")
    form = CourtActionForm(request.POST)
    files, refusals = take_uploads(request)
    for refusal in refusals:
        form.add_error("evidence_upload", refusal)
    if form.is_valid() and not refusals:
        try:
            court_action_show(notice=notice, user=request.user, note=form.cleaned_data["note"], filing=files)
        except (CounterNoticeError, IllegalTransition) as exc:
            form.add_error("evidence_upload" if not files else None, str(exc))
        else:
            messages.success(request, "Court action recorded. The listing stays removed.")
            return redirect("enforcement:holder_case", pk=pk)
    return _render_holder_case(request, case, status=400, court_form=form, files=files)


@login_required
@require_POST
def appeal_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The other side of an appeal answers it: the rights holder from the case page, the seller
    from the notice page. Anyone else: 404."""
    appeal = Appeal.objects.select_related("case__listing__seller", "case__report").filter(pk=pk).first()
    party = appeal_party_of(appeal=appeal, user=request.user) if appeal else None
    if party is None:
        raise Http404("No such appeal")
    form = ResponseForm(request.POST)
    files, refusals = take_uploads(request)
    for refusal in refusals:
        form.add_error("evidence_upload", refusal)
    back = ("enforcement:holder_case" if party == AppealParty.REPORTER else "enforcement:notice_detail")
    if form.is_valid() and not refusals:
        try:
            appeal_respond(appeal=appeal, user=request.user, statement=form.cleaned_data["statement"], evidence=files)
        except AppealError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Response filed. The senior reviewer reads it before ruling.")
            return redirect(back, pk=appeal.case_id)
    if party == AppealParty.REPORTER:
        return _render_holder_case(request, holder_case_get(user=request.user, pk=appeal.case_id), status=400,
                                   response_form=form, files=files)
    from .views import notice_page

    return notice_page(request, appeal.case_id, response_form=form, files=files, status=400)


@login_required
@require_GET
def due_process_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return evidence_response(due_process_evidence_get(user=request.user, pk=pk))


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
    return HttpResponse(template.render({"pages": HELP_PAGES, "slug": slug, "title": HELP_PAGES[slug]}, request))
