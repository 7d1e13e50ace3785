"""The notifier's page of an open notice (complaints.open_notices), reached only through its signed
follow link: the notice's progress, and for each case whose counter-notice waits for the rights
holder, the same answer the rights holder's case page offers (a court filing for copyright, an
answer with evidence otherwise), given as the report's stand-in reporter account."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from audit.transitions import IllegalTransition
from common.ratelimit import uploads_limited
from complaints.models import Case, OpenNotice
from complaints.open_notices import open_notice_follow_path, open_notice_for_follow_token
from counter_notices.forms import CounterNoticeAnswerForm, CourtActionForm
from counter_notices.models import CounterNoticeStatus
from counter_notices.services import CounterNoticeError, counter_notice_answer, court_action_show
from evidence.forms import take_uploads


def _follow_page(request: HttpRequest, notice: OpenNotice, token: str, *, status: int = 200,
                 answering: Case | None = None, **forms) -> HttpResponse:
    cases = []
    if notice.report_id:
        cases = list(notice.report.cases.select_related("listing")
                     .prefetch_related("decisions", "counter_notices").order_by("id"))
    decided = [c for c in cases if not c.is_undecided and not c.is_withdrawn]
    rows = []
    for c in cases:
        notices = sorted(c.counter_notices.all(), key=lambda n: n.pk)
        mine = answering is not None and c.pk == answering.pk  # the form just sent comes back as typed
        rows.append({
            "case": c, "decision": (list(c.decisions.all()) or [None])[-1], "notices": notices,
            "waiting": next((n for n in notices if n.is_waiting), None),
            "answer_action": reverse("open_notice_answer", args=[token, c.pk]),
            "court_form": forms.get("court_form") if mine and "court_form" in forms else CourtActionForm(),
            "answer_form": forms.get("answer_form") if mine and "answer_form" in forms else CounterNoticeAnswerForm(),
            "files": forms.get("files", []) if mine else []})
    response = render(request, "complaints/open_notice_follow.html", {
        "notice": notice, "rows": rows, "decided": len(decided), "total": len(cases),
        "just_confirmed": request.GET.get("confirmed") == "1"}, status=status)
    # The link is the key: never sent to a listing's site. Not "no-referrer": a form posted under it
    # carries "Origin: null", which the CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def open_notice_follow(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_page(request, open_notice_for_follow_token(token), token)


@require_POST
@uploads_limited
def open_notice_answer(request: HttpRequest, token: str, case_pk: int) -> HttpResponse:
    """The notifier answers the counter-notice waiting on one of the notice's cases; the link is the
    only key, and a case of another notice (or none) is 404."""
    notice = open_notice_for_follow_token(token)
    if not notice.report_id:
        raise Http404("This notice is not confirmed yet")
    case = get_object_or_404(notice.report.cases, pk=case_pk)
    waiting = case.counter_notices.filter(status=CounterNoticeStatus.WAITING).first()
    if waiting is None:
        raise Http404("No counter-notice waits for an answer on this case")
    stand_in = notice.report.reporter
    dmca = waiting.is_dmca
    form = CourtActionForm(request.POST) if dmca else CounterNoticeAnswerForm(request.POST)
    files = take_uploads(request, form, uploader=stand_in)
    if form.is_valid():
        try:
            if dmca:
                court_action_show(notice=waiting, user=stand_in, note=form.cleaned_data["note"], filing=files)
            else:
                counter_notice_answer(notice=waiting, user=stand_in, answer=form.cleaned_data["answer"],
                                      evidence=files)
        except (CounterNoticeError, IllegalTransition) as exc:
            field = ("evidence_upload" if not files else None) if dmca else "answer"
            form.add_error(field, str(exc))
        else:
            messages.success(request, "Court filing uploaded. A reviewer checks it; meanwhile the listing stays "
                                      "down and its reinstatement waits. This page shows the result." if dmca else
                             "Answer sent. A senior reviewer now weighs the counter-notice and your evidence; "
                             "the listing stays down until they decide.")
            return redirect(open_notice_follow_path(notice))
    return _follow_page(request, notice, token, status=400, answering=case, files=files,
                        **{"court_form" if dmca else "answer_form": form})


urlpatterns = [
    path("follow/<str:token>/", open_notice_follow, name="open_notice_follow"),
    path("follow/<str:token>/cases/<int:case_pk>/answer/", open_notice_answer, name="open_notice_answer"),
]
