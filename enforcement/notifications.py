"""E-mails to the people a step concerns: the reporter and the brand's admins, the seller's
members. Each step queues one thin task after commit (`notify_on_commit`); the task renders
templates/emails/<kind>_<audience>.txt (first line "Subject: ...") and sends one message per
recipient, so no one sees another's address. The console backend is the default.

A report decision job (enforcement.bulk_decide) deciding thousands of a report's cases does not
mail the reporter per case: each case it decides tells its seller (the statement of reasons for
that listing, `case_decided_seller`), and when the job finishes the reporter side gets one summary
(`report_decided`) and each seller one list of their listings the job changed (`report_enforced`).

"Report received" comes from complaints, which cannot import this module: report_submit sends the
`complaints.signals.report_submitted` signal and `on_report_submitted` (connected in apps.py)
queues the e-mail on commit. The signal only carries the fact; what to send stays here.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

SELLER, REPORTER = "seller", "reporter"


def notify_on_commit(kind: str, object_id: int) -> None:
    """Requires the step's transaction. Records the step's e-mails as a pending Notification row
    and queues the task that sends them once the transaction commits."""
    from .models import Notification
    from .tasks import send_notification  # tasks import services, which import this module

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify_on_commit must run inside the step's transaction")
    Notification.objects.get_or_create(kind=kind, object_id=object_id)
    # robust: the step is committed; a broker outage must not turn it into an error page (the row
    # stays unsent and notifications_requeue_unsent queues it again).
    transaction.on_commit(lambda: send_notification.delay(kind, object_id), robust=True)


def _notify_many_on_commit(kind: str, object_ids) -> None:
    """notify_on_commit for many steps of one kind: one INSERT, one task each for the new rows (a
    row already there was queued when it was written; the sweep re-queues it if it stays unsent)."""
    from .models import Notification
    from .tasks import send_notification

    ids = sorted(set(object_ids))
    known = set(Notification.objects.filter(kind=kind, object_id__in=ids).values_list("object_id", flat=True))
    new = [i for i in ids if i not in known]
    Notification.objects.bulk_create([Notification(kind=kind, object_id=i) for i in new], ignore_conflicts=True)
    transaction.on_commit(lambda: [send_notification.delay(kind, i) for i in new], robust=True)


# Outcomes whose decision e-mail goes to the seller: every restriction comes with its statement of
# reasons. A rejected report restricted nothing: the seller was never told of it and is not now.
_SELLER_HEARS_OF_DECISION = {"remove", "suppress"}


def notify_case_decided(*, decision, job=None) -> None:
    """Requires the deciding transaction. A decision of its own tells both sides; one taken by a
    report decision job (`job`) tells only the seller, and only of a restriction they may appeal:
    the reporter hears of the whole job in one summary when it finishes (notify_report_job_finished)."""
    if job is None:
        notify_on_commit("case_decided", decision.pk)
    elif decision.outcome in _SELLER_HEARS_OF_DECISION:
        notify_on_commit("case_decided_seller", decision.pk)


def notify_report_job_finished(*, job) -> None:
    """Requires the transaction that finishes the report decision `job`. Queues the reporter side's
    summary and, for each seller with an action in the job, the list of their listings it changed.
    A seller's summary is keyed by their first action in the job (an id no other job or seller
    has), so each is its own step: sent once, retried alone, never resent with another's."""
    from django.db.models import Min

    from .models import EnforcementAction

    notify_on_commit("report_decided", job.pk)
    firsts = (EnforcementAction.objects.filter(bulk_job_id=job.pk).order_by()
              .values("listing__seller_id").annotate(first=Min("id")).values_list("first", flat=True))
    _notify_many_on_commit("report_enforced", firsts)


def job_action_applied_alone(*, job_id: int) -> bool:
    """Whether an action of this bulk job applied now is told on its own: after its report decision
    job's summaries were queued (a failed takedown a person retried), they no longer speak of it."""
    from .models import Notification

    return Notification.objects.filter(kind="report_decided", object_id=job_id).exists()


def notifications_requeue_unsent() -> int:
    """Re-queue steps whose e-mails are still unsent after ENFORCEMENT_STALE_SECONDS (a lost
    message, a failed send). Returns how many."""
    from .models import Notification
    from .tasks import send_notification

    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_STALE_SECONDS)
    rows = list(Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff)
                .order_by("id").values_list("kind", "object_id")[:1000])
    for kind, object_id in rows:
        send_notification.delay(kind, object_id)
    return len(rows)


def on_report_submitted(sender, report, **kwargs) -> None:
    notify_on_commit("report_received", report.pk)


@dataclass
class Mail:
    audience: str
    recipients: list[str]
    context: dict


def _emails(users) -> list[str]:
    return [u.email for u in users if u.email]


def _seller_emails(seller) -> list[str]:
    return _emails(m.user for m in seller.members.select_related("user").order_by("id"))


def _brand_admin_emails(brand) -> list[str]:
    from registry.models import BrandRole

    return _emails([m.user for m in brand.members.filter(role=BrandRole.ADMIN).select_related("user").order_by("id")])


def _reporter_emails(report) -> list[str]:
    """The reporter, the report's contact address and the brand's admins, once each."""
    return [e for e in dict.fromkeys([*_emails([report.reporter]), report.contact_email,
                                      *_brand_admin_emails(report.brand)]) if e]


def _case_mails(case, audiences=(REPORTER, SELLER), **context) -> list[Mail]:
    context = {"case": case, "report": case.report, "listing": case.listing, "base_url": settings.SITE_URL,
               **context}
    mails = []
    if REPORTER in audiences:
        # An automatic detection has no report: the brand's admins hear of it instead of a reporter.
        reporters = _reporter_emails(case.report) if case.report_id else _brand_admin_emails(case.right.brand)
        mails.append(Mail(REPORTER, reporters, context))
    if SELLER in audiences:
        mails.append(Mail(SELLER, _seller_emails(case.listing.seller), context))
    return mails


def _report_received(report_id: int) -> list[Mail]:
    from complaints.models import Report

    report = Report.objects.select_related("brand", "reporter").get(pk=report_id)
    cases = list(report.cases.select_related("listing").order_by("id"))
    return [Mail(REPORTER, _reporter_emails(report), {"report": report, "cases": cases,
                                                      "base_url": settings.SITE_URL})]


def _case_decided(decision_id: int, audiences=(REPORTER, SELLER)) -> list[Mail]:
    from complaints.models import Decision

    decision = Decision.objects.select_related("case__report__brand", "case__listing__seller").get(pk=decision_id)
    if decision.outcome not in _SELLER_HEARS_OF_DECISION:
        audiences = [a for a in audiences if a != SELLER]
    return _case_mails(decision.case, audiences, decision=decision, step="case_decided")


def _case_decided_seller(decision_id: int) -> list[Mail]:
    """A case decided by a report decision job: its seller's statement of reasons only."""
    return _case_decided(decision_id, audiences=(SELLER,))


# What a report decision job's action did to a listing, as its summaries say it (one kind per
# job: the reviewer's outcome decides it).
_ACTION_DONE = {"remove": "removed from the marketplace", "suppress": "hidden from buyers",
                "reinstate": "reinstated (the automatic suppression was reversed)"}
_OUTCOME_ACTION = {"remove": "remove", "suppress": "suppress", "reject": "reinstate"}
# Listings named in a seller's summary; the rest are counted.
SUMMARY_LINES = 50


def _report_decided(job_id: int) -> list[Mail]:
    """The reporter side's summary of a report decision job: what was decided, on how many cases,
    which were skipped and why, how many listings were changed or failed."""
    from complaints.models import Outcome
    from complaints.reasons import REASONS

    from .models import BulkJob

    job = BulkJob.objects.select_related("report__brand", "report__reporter", "source_case").get(pk=job_id)
    reason = REASONS[job.reason_code]
    return [Mail(REPORTER, _reporter_emails(job.report), {
        "job": job, "report": job.report, "case": job.source_case, "reason": reason,
        "outcome": Outcome(reason.outcome).label, "done": _ACTION_DONE[_OUTCOME_ACTION[reason.outcome]],
        "closed": job.cases_skipped - job.cases_held, "base_url": settings.SITE_URL,
    })]


def _report_enforced(first_action_id: int) -> list[Mail]:
    """A seller's summary of a report decision job: their listings it changed (named up to
    SUMMARY_LINES), keyed by the seller's first action in the job."""
    from complaints.reasons import REASONS

    from .models import ActionStatus, EnforcementAction

    first = EnforcementAction.objects.select_related("listing__seller", "bulk_job").get(pk=first_action_id)
    seller, job = first.listing.seller, first.bulk_job
    applied = EnforcementAction.objects.filter(bulk_job=job, listing__seller=seller, status=ActionStatus.APPLIED)
    count = applied.count()
    if not count:
        return []  # every takedown of theirs failed: nothing changed for them yet
    listings = list(applied.order_by("id").values_list("listing__external_id", "listing__title")[:SUMMARY_LINES])
    return [Mail(SELLER, _seller_emails(seller), {
        "seller": seller, "job": job, "reason": REASONS[job.reason_code], "done": _ACTION_DONE[first.kind],
        "restricted": first.kind != "reinstate", "listings": listings, "count": count,
        "more": count - len(listings), "base_url": settings.SITE_URL,
    })]


def _action_applied(action_id: int) -> list[Mail]:
    from .models import ActionKind, EnforcementAction

    action = EnforcementAction.objects.select_related("case__report__brand", "listing__seller", "decision").get(
        pk=action_id)
    if action.case is None or action.kind not in (ActionKind.REMOVE, ActionKind.REINSTATE):
        return []
    step = "enforced" if action.kind == ActionKind.REMOVE else "reinstated"
    return [Mail(m.audience, m.recipients, {**m.context, "step": step, "action": action,
                                            "decision": action.decision})
            for m in _case_mails(action.case)]


def _appeal(appeal_id: int, **extra) -> list[Mail]:
    from .models import Appeal

    appeal = Appeal.objects.select_related("case__report__brand", "case__listing__seller", "decision",
                                           "outcome_decision").get(pk=appeal_id)
    return _case_mails(appeal.case, appeal=appeal, decision=appeal.outcome_decision or appeal.decision)


def _suspension(proposal_id: int) -> list[Mail]:
    from .models import SuspensionProposal

    proposal = SuspensionProposal.objects.select_related("seller").get(pk=proposal_id)
    return [Mail(SELLER, _seller_emails(proposal.seller), {
        "proposal": proposal, "seller": proposal.seller, "base_url": settings.SITE_URL,
        "strikes": list(proposal.strikes.select_related("decision__case__listing").order_by("created_at")),
    })]


# Each step: who hears of it. The template is emails/<step>_<audience>.txt.
STEPS = {
    "report_received": _report_received,
    "case_decided": _case_decided,
    "case_decided_seller": _case_decided_seller,
    "report_decided": _report_decided,
    "report_enforced": _report_enforced,
    "action_applied": _action_applied,
    "appeal_filed": _appeal,
    "appeal_decided": _appeal,
    "seller_suspended": _suspension,
    "suspension_lifted": _suspension,
}


def _render(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(template, context).strip()
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{template} must start with a 'Subject:' line")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n"


def notification_send(*, kind: str, object_id: int) -> int:
    """Render and send the e-mails of one step, once: a second call (a re-delivered message)
    sends nothing. Returns how many messages were sent."""
    from .models import Notification

    with transaction.atomic():
        Notification.objects.get_or_create(kind=kind, object_id=object_id)
        # Race: two deliveries at once; the second waits on this lock, then finds it sent.
        row = Notification.objects.select_for_update().get(kind=kind, object_id=object_id)
        if row.sent_at is not None:
            return 0
        count = _send(kind=kind, object_id=object_id)  # raises: nothing recorded, the retry sends
        Notification.objects.filter(pk=row.pk).update(sent_at=timezone.now(), recipients=count)
    return count


def _send(*, kind: str, object_id: int) -> int:
    messages = []
    for mail in STEPS[kind](object_id):
        step = mail.context.get("step", kind)
        subject, body = _render(f"emails/{step}_{mail.audience}.txt", mail.context)
        messages += [EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
                     for address in mail.recipients]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
