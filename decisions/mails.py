"""E-mail steps of decisions (see notifications.mails). A report decision job deciding thousands of
a report's cases does not mail the reporter per case: each case it decides tells its seller (the
statement of reasons for that listing, `case_decided_seller`), and when the job finishes the
reporter side gets one summary (`report_decided`) and each seller one list of their listings the
job changed (`report_enforced`), queued by actions.bulk when the job finishes."""

from django.conf import settings

from actions.models import ActionKind, ActionStatus, BulkJob, EnforcementAction
from complaints.models import Decision, Outcome
from complaints.reasons import REASONS
from notifications.mails import REPORTER, SELLER, Mail, case_mails, reporter_emails, seller_emails, step

# What a report decision job's action did to a listing, as its summaries say it (one kind per
# job: the reviewer's outcome decides it).
_ACTION_DONE = {ActionKind.REMOVE: "removed from the marketplace", ActionKind.SUPPRESS: "hidden from buyers",
                ActionKind.REINSTATE: "reinstated (the automatic suppression was reversed)"}
_OUTCOME_ACTION = {Outcome.REMOVE: ActionKind.REMOVE, Outcome.SUPPRESS: ActionKind.SUPPRESS,
                   Outcome.REJECT: ActionKind.REINSTATE}
# Listings named in a seller's summary; the rest are counted.
SUMMARY_LINES = 50


@step("case_decided")
def case_decided(decision_id: int, audiences=(REPORTER, SELLER)) -> list[Mail]:
    decision = (Decision.objects.select_related("case__report__brand", "case__brand", "case__listing__seller")
                .get(pk=decision_id))
    if not decision.restricts:
        # A rejected report restricted nothing: the seller was never told of it and is not now.
        audiences = [a for a in audiences if a != SELLER]
    return case_mails(decision.case, audiences, decision=decision, step="case_decided")


@step("case_decided_seller")
def case_decided_seller(decision_id: int) -> list[Mail]:
    """A case decided by a report decision job: its seller's statement of reasons only."""
    return case_decided(decision_id, audiences=(SELLER,))


@step("report_decided")
def report_decided(job_id: int) -> list[Mail]:
    """The reporter side's summary of a report decision job: what was decided, on how many cases,
    which were skipped and why, how many listings were changed or failed."""
    job = BulkJob.objects.select_related("report__brand", "report__reporter", "source_case").get(pk=job_id)
    reason = REASONS[job.reason_code]
    return [Mail(REPORTER, reporter_emails(job.report), {
        "job": job, "report": job.report, "case": job.source_case, "reason": reason,
        "outcome": Outcome(reason.outcome).label, "done": _ACTION_DONE[_OUTCOME_ACTION[reason.outcome]],
        "closed": job.cases_skipped - job.cases_held, "base_url": settings.SITE_URL,
    })]


@step("report_enforced")
def report_enforced(first_action_id: int) -> list[Mail]:
    """A seller's summary of a report decision job: their listings it changed (named up to
    SUMMARY_LINES), keyed by the seller's first action in the job."""
    first = EnforcementAction.objects.select_related("listing__seller", "bulk_job").get(pk=first_action_id)
    seller, job = first.listing.seller, first.bulk_job
    applied = EnforcementAction.objects.filter(bulk_job=job, listing__seller=seller, status=ActionStatus.APPLIED)
    count = applied.count()
    if not count:
        return []  # every takedown of theirs failed: nothing changed for them yet
    listings = list(applied.order_by("id").values_list("listing__external_id", "listing__title")[:SUMMARY_LINES])
    return [Mail(SELLER, seller_emails(seller), {
        "seller": seller, "job": job, "reason": REASONS[job.reason_code], "done": _ACTION_DONE[first.kind],
        "restricted": first.kind != ActionKind.REINSTATE, "listings": listings, "count": count,
        "more": count - len(listings), "base_url": settings.SITE_URL,
    })]
