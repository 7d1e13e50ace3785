from django import template

register = template.Library()

# What people read in timelines and e-mails: the one place an audit action gets its words. An action
# missing here is still shown in words (`audit_label` reads its parts), never as its stored code.
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
    "suspension.appeal_filed": "Seller appealed the suspension",
    "suspension.appeal_evidence": "Suspension appeal files added",
    "suspension.appeal_granted": "Suspension appeal granted", "suspension.appeal_denied": "Suspension appeal denied",
    "linkedaccountflag.raised": "Linked to a suspended seller: flagged for review",
    "linkedaccountflag.cleared": "Linked account cleared by a reviewer",
    "linkedaccountflag.escalated": "Linked account escalated: suspension proposed",
    "linkedaccountflag.withdrawn": "Linked-account flag withdrawn: the suspension was lifted",
    "decision.suppress": "Decision recorded: suppress",
    "case.info_requested": "Question sent to the reporter", "case.info_answered": "Reporter answered the question",
    "case.info_expired": "Question unanswered by its deadline", "case.note_added": "Internal note added",
    "case.reassigned": "Reassigned to another reviewer",
    "appeal.evidence": "Appeal files added", "appeal.response": "Other side responded to the appeal",
    "appealresponse.created": "Other side responded to the appeal",
    "counter_notice.filed": "Counter-notice filed by the seller",
    "counternotice.waiting": "Counter-notice waiting for the rights holder again (court filing rejected)",
    "counternotice.filing_review": "Court filing uploaded, under review",
    "counternotice.court_action": "Court action confirmed: listing stays down",
    "counternotice.reinstated": "Listing reinstated after the counter-notice",
    "counternotice.for_decision": "Counter-notice sent to a senior reviewer",
    "counternotice.rejected": "Counter-notice rejected: listing stays down",
    "strike.given": "Strike given to the seller", "strike.covers": "Strike extended to another decision",
    "strike.decision_reversed": "A decision under the strike was reversed", "strike.removed": "Strike removed",
    "bulkjob.created": "Bulk job started", "bulkjob.chunk_applied": "Bulk job: a batch applied",
    "bulkjob.running": "Bulk job running", "bulkjob.finished": "Bulk job finished", "bulkjob.failed": "Bulk job failed",
    "report.bulk_decided": "Decision applied to the report's identical cases",
    "brand.rules_changed": "Protection rules changed", "brand.created": "Brand created",
    "brand.good_faith_entered": "Brand entered the good-faith lane",
    "brand.released": "Brand released from its hold for review", "brand.kept": "Brand kept on hold after review",
    "monitoring.recheck_started": "Listings re-checked against the protection rules",
    "recheckjob.done": "Re-check of listings finished",
    "webhookendpoint.created": "Webhook endpoint added", "webhookendpoint.updated": "Webhook endpoint changed",
    "webhookendpoint.secret_rotated": "Webhook signing secret rotated",
    "webhookendpoint.test_sent": "Webhook test event sent",
    "webhookevent.created": "Marketplace told by webhook", "webhookdelivery.redeliver": "Webhook sent again",
    "evidence.uploaded": "Evidence file uploaded", "evidence.deleted": "Evidence file deleted",
    "sanction.proposed": "Notifier sanction proposed",
    "account.created": "Account created", "account.signed_up": "Signed up",
    "account.verified": "E-mail address confirmed",
    "two_factor.enabled": "Two-step sign-in turned on", "two_factor.disabled": "Two-step sign-in turned off",
    "two_factor.recovery_codes_issued": "Recovery codes issued",
    "two_factor.reset": "Two-step sign-in reset by an administrator",
    "login_lockout.reset": "Login lockout lifted by an administrator",
    "two_factor.recovery_code_used": "Signed in with a recovery code",
    "open_notice.filed": "Notice filed through the open form",
    "rule_approval.requested": "Protection rule sent for the marketplace's approval",
    "seller.signals_added": "Seller's linking signals received", "seller_account.linked": "Seller accounts linked",
    "listingimage.fetch_failed": "Listing picture could not be fetched",
    "reference_image.add": "Reference picture added", "reference_image.remove": "Reference picture removed",
    "case.test_buy_added": "Test buy added to the case", "testbuy.recorded": "Test buy recorded",
    "evidencepackage.requested": "Evidence package requested",
    "evidencepackage.downloaded": "Evidence package downloaded",
    "evidencepackage.expired": "Evidence package expired: its files were deleted",
    "legal.refused": "Legal action refused: not this account's case",
    "offencenotification.flagged": "Suspected criminal offence flagged",
    "referral.created": "Referral drafted", "referral.requested": "Referral requested by the brand",
    "referral.package_attached": "Evidence package attached to the referral",
    "referral.shared": "Referral shared by link", "referral.share_refused": "Referral link refused",
}

_MODEL_WORDS = {"counternotice": "Counter-notice", "counter_notice": "Counter-notice", "ipright": "Right",
                "enforcementaction": "Enforcement", "bulkjob": "Bulk job", "suspensionproposal": "Suspension",
                "webhookdelivery": "Webhook delivery", "webhookendpoint": "Webhook endpoint",
                "notifiersanction": "Notifier sanction", "certificatedispute": "Certificate dispute",
                "recheckjob": "Re-check", "brandinvitation": "Invitation", "brandmember": "Brand member",
                "linkedaccountflag": "Linked-account flag"}


def _in_words(action: str) -> str:
    model, _, event = action.partition(".")
    subject = _MODEL_WORDS.get(model, model.replace("_", " ").capitalize())
    return f"{subject}: {event.replace('_', ' ')}" if event else subject


@register.filter
def audit_label(action: str) -> str:
    """The words for an audit action (LABELS), or its parts in words: never the stored code."""
    return LABELS.get(action) or _in_words(action)
