from django import template

register = template.Library()

# What people read in timelines; unknown actions fall back to their stored name.
LABELS = {
    "report.submitted": "Report filed",
    "case.open": "Case opened", "case.in_review": "Claimed for review",
    "case.needs_info": "More information requested", "case.actioned": "Decided: listing removed",
    "case.rejected": "Decided: report rejected", "case.appealed": "Seller appealed",
    "case.upheld": "Appeal denied: removal upheld", "case.reinstated": "Appeal granted: listing reinstated",
    "case.withdrawn": "Withdrawn by the reporter",
    "decision.remove": "Decision recorded: remove", "decision.reject": "Decision recorded: reject",
    "decision.reinstate": "Decision recorded: reinstate", "decision.uphold": "Decision recorded: uphold",
    "appeal.filed": "Appeal filed", "appeal.granted": "Appeal granted", "appeal.denied": "Appeal denied",
    "action.created": "Enforcement queued", "enforcementaction.applied": "Enforcement applied on the marketplace",
    "enforcementaction.failed": "Enforcement failed", "enforcementaction.pending": "Enforcement retried",
    "listing.removed": "Listing removed", "listing.active": "Listing active again",
    "ipright.registered": "Right registered", "ipright.edited": "Details corrected",
    "ipright.code_sent": "Verification code sent to the correspondent on record",
    "ipright.document_added": "Registration document uploaded",
    "ipright.code_failed": "Wrong verification code entered", "ipright.verified": "Verified",
    "ipright.rejected": "Rejected", "ipright.pending": "Sent again for verification",
    "ipright.expired": "Expired", "ipright.renewed": "Renewed with a new expiry date and renewal document",
    "ipright.described": "Unregistered right described by the reporter",
    "report.evidence": "Evidence filed", "report.withdrawn": "Report withdrawn",
    "report.linked": "Joined by another report on the same listing and right",
    "case.refiled_after_withdrawal": ("Flag: this brand had this listing taken down, withdrew that report and "
                                      "reports it again — check for a withdraw-and-refile loop"),
    "case.automation_held": ("The protection rule matched again and did not act: a person reinstated the listing, "
                             "and it has not changed since in what the rule reads"),
    "suspensionproposal.proposed": "Suspension proposed", "suspensionproposal.approved": "Suspension approved",
    "suspensionproposal.rejected": "Suspension rejected", "suspensionproposal.lifted": "Suspension lifted",
}


@register.filter
def audit_label(action: str) -> str:
    return LABELS.get(action, action)
