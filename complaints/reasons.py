"""Reason codes and the statement of reasons (DSA Art. 17) each decision sends to the seller."""

from dataclasses import dataclass

from registry.unregistered import described_summary

from .models import AUTO_RULE_NO_LONGER_MATCHES, COUNTER_NOTICE_NO_COURT_ACTION, RESTRICTING_OUTCOMES, Outcome


@dataclass(frozen=True)
class Reason:
    code: str
    outcome: str
    label: str
    ground: str
    # How the decision was taken, when the system took it (the statement says so; DSA Art. 17(3)(c)).
    automation: str = ""

    @property
    def restricts(self) -> bool:
        """A decision for this reason restricts the listing (as Decision.restricts)."""
        return self.outcome in RESTRICTING_OUTCOMES


REASONS: dict[str, Reason] = {r.code: r for r in [
    Reason("tm_counterfeit", Outcome.REMOVE, "Counterfeit goods bearing the registered mark",
           "Infringement of a registered trademark: an identical sign used, without the owner's "
           "consent, on goods identical to those for which it is registered."),
    Reason("tm_misuse", Outcome.REMOVE, "Registered mark used in the listing without authorization",
           "Infringement of a registered trademark: use of the mark in the course of trade in a way "
           "that suggests a connection with the owner that does not exist."),
    Reason("tm_suppress_unclear", Outcome.SUPPRESS, "Likely infringing; hidden while the seller can respond",
           "Likely infringement of a registered trademark: the listing uses the mark in a way that "
           "suggests a connection with the owner; the listing is hidden rather than removed because "
           "the goods may be genuine."),
    Reason("tm_suppress_images", Outcome.SUPPRESS, "The mark appears in the listing's images only",
           "Use of a registered trademark in the listing's images without the owner's consent; the "
           "listing is hidden until the images are replaced."),
    Reason("insufficient_evidence", Outcome.REJECT, "The report does not show an infringement",
           "The notice does not contain enough information for a diligent reviewer to identify "
           "the illegality without a detailed legal examination."),
    Reason("no_infringement", Outcome.REJECT, "The listing does not infringe the right",
           "The listing's use of the sign is lawful (for example descriptive, comparative or "
           "of genuine goods put on the market with the owner's consent)."),
    Reason("appeal_genuine_goods", Outcome.REINSTATE, "The seller showed the goods are genuine or authorized",
           "On appeal the seller showed that the goods were put on the market with the owner's "
           "consent; the earlier restriction is lifted."),
    Reason("appeal_decision_error", Outcome.REINSTATE, "The earlier decision was mistaken",
           "On review the earlier decision was found mistaken; the restriction is lifted."),
    Reason("appeal_no_new_facts", Outcome.UPHOLD, "The appeal shows no new facts",
           "The appeal gives no facts that change the assessment; the restriction stays."),
    # A rights holder's appeal against the rejection of their report (appeals/services.py appeal_decide).
    Reason("appeal_report_founded", Outcome.REMOVE, "On the reporter's appeal: the report was founded",
           "On the rights holder's appeal the report was found to show an infringement of the right; "
           "the earlier rejection is reversed and the listing is removed."),
    Reason("appeal_rejection_confirmed", Outcome.REJECT, "On the reporter's appeal: the rejection stands",
           "On the rights holder's appeal the report was again found not to show an infringement; "
           "the rejection stands."),
    # Set by the system, never chosen in a form (counter_notices/services.py, complaints/sanctions.py).
    Reason("counter_notice_no_court_action", Outcome.REINSTATE,
           "Counter-notice: the rights holder did not show a court action in time",
           "The seller filed a counter-notice with the statements the law requires, and the rights "
           "holder did not show, within 10 business days, that it filed a court action to restrain "
           "the seller; the listing is restored (17 U.S.C. §512(g)(2)(C), applied to every IP type).",
           "Detection: notice from the rights holder. Decision: taken automatically when the deadline for "
           "a court action passed; no person assessed the listing again."),
    Reason("notifier_suspended", Outcome.REJECT, "Notice processing for this reporter is suspended",
           "The reporter's notices are suspended after repeated manifestly unfounded notices and a "
           "prior warning (DSA Art. 23); pending notices are closed without assessment."),
    Reason("auto_mark_outside_authorization", Outcome.SUPPRESS,
           "Registered mark used by a listing outside the brand's authorized distribution",
           "Probable infringement of a verified registered trademark: the listing uses the mark while "
           "shipping from a country or sold by a seller the rights owner has not authorized."),
    Reason(AUTO_RULE_NO_LONGER_MATCHES, Outcome.REJECT,
           "The protection rule no longer matches the listing",
           "The automatic restriction is lifted: the rights owner's protection rule that detected the "
           "listing no longer applies to it (the rule was changed, or the listing was), so the ground "
           "for restricting it has ended."),
]}

# Codes a person never picks in a decision form: the system records them.
# Reasons only the system records: a counter-notice unanswered by a court action, a reporter's
# pending notices closed when their notice processing is suspended.
NOTIFIER_SUSPENDED = "notifier_suspended"
SYSTEM_REASONS = frozenset({COUNTER_NOTICE_NO_COURT_ACTION, NOTIFIER_SUSPENDED, AUTO_RULE_NO_LONGER_MATCHES})
# Rejections that count against the reporter as unfounded (complaints/sanctions.py).
UNFOUNDED_REASONS = frozenset({"insufficient_evidence", "no_infringement", "appeal_rejection_confirmed"})
# Reinstatements that reverse a takedown on appeal (complaints/sanctions.py).
REVERSED_ON_APPEAL_REASONS = frozenset({"appeal_genuine_goods", "appeal_decision_error"})


def reasons_for(outcome: str, *, appeal: bool = False) -> list[Reason]:
    """Reasons a person may pick: for first decisions, or (appeal=True) for rulings on appeals."""
    return [r for r in REASONS.values() if r.outcome == outcome and r.code not in SYSTEM_REASONS
            and r.code.startswith("appeal_") == appeal]


def _ground(reason: Reason, right) -> str:
    """The reason's legal ground. The trademark grounds are written for a registered mark; for an
    unregistered one they speak of a mark protected by its use instead, so the statement does not
    claim a registration that does not exist."""
    if right.registered:
        return reason.ground
    return (reason.ground.replace("a verified registered trademark", "an unregistered trademark")
            .replace("a registered trademark", "an unregistered trademark protected by its use")
            .replace("for which it is registered", "on which the owner uses it"))


def _unregistered_note(right) -> str:
    """For an unregistered right, what it rests on: the reporter's description, unchecked."""
    if right.registered:
        return ""
    summary = described_summary(right)
    return (" The right is not registered with an office: it was described by the reporter"
            f"{f' ({summary})' if summary else ''} and has not been verified by the platform.")


def statement_compose(*, case, reason: Reason, facts: str, automated: bool = False) -> str:
    """The statement of reasons: what was restricted, facts, ground, automation, how to appeal."""
    listing = case.listing_snapshot
    right = case.right
    what = {
        Outcome.REMOVE: f"Your listing {listing['external_id']} “{listing['title']}” has been removed "
                        "from the marketplace in all regions until this decision is reversed.",
        Outcome.SUPPRESS: (
            f"Your listing {listing['external_id']} “{listing['title']}” is suppressed (hidden from buyers "
            "in all regions) until a reviewer confirms or reverses this decision." if automated else
            f"Your listing {listing['external_id']} “{listing['title']}” is hidden: it no longer appears "
            "in search or category pages and cannot be bought, in all regions, until this decision is "
            "reversed. It was not deleted."),
        Outcome.REJECT: f"No action was taken on listing {listing['external_id']}; the report was rejected.",
        Outcome.REINSTATE: f"Your listing {listing['external_id']} “{listing['title']}” is reinstated.",
        Outcome.UPHOLD: f"The removal of listing {listing['external_id']} “{listing['title']}” stays in place.",
    }[reason.outcome]
    how = {
        Outcome.REMOVE: "How to appeal: open this notice in Seller Center and appeal within 6 months. "
                        "A different, senior reviewer decides your appeal. If the removal was a mistake "
                        "or misidentification you may instead file a counter-notice: the listing is "
                        "restored after 10 business days unless the rights holder shows a court action.",
        Outcome.SUPPRESS: (
            "A person reviews every automated suppression and confirms or reverses it; you are told the "
            "result, and may appeal a confirmed removal within 6 months." if automated else
            "How to appeal: open this notice in Seller Center and appeal within 6 months. A different, "
            "senior reviewer decides your appeal. If the suppression was a mistake or misidentification "
            "you may instead file a counter-notice."),
        Outcome.REJECT: "The reporter may submit a new report with more evidence.",
        Outcome.REINSTATE: "No further action is needed.",
        Outcome.UPHOLD: "This decision on your appeal is final on the platform; you may seek "
                        "out-of-court dispute settlement or judicial redress.",
    }[reason.outcome]
    automation = (
        (reason.automation or "Detection and decision were automated.") if automated else
        "Detection: notice from the rights holder. Decision: taken by a person; no automated decision-making."
    )
    source = case.origin if case.report_id else "automatic detection, no report"
    return "\n\n".join([
        f"What was decided: {what}",
        f"Facts: {facts.strip()}",
        f"Ground: {_ground(reason, right)} Right relied on: {right} held by {right.brand} ({source})."
        f"{_unregistered_note(right)}",
        automation,
        how,
    ])


def reason_choices(*outcomes: str, appeal: bool = False) -> list:
    """A form's reason field: the reasons of each outcome, grouped under the outcome."""
    return [("", "— choose a reason —")] + [
        (Outcome(o).label, [(r.code, r.label) for r in reasons_for(o, appeal=appeal)]) for o in outcomes
    ]


def statement_preview(*, case, reason_code: str, facts: str) -> str:
    """The composed statement, or "" until a reason is chosen."""
    reason = REASONS.get(reason_code)
    if reason is None:
        return ""
    return statement_compose(case=case, reason=reason, facts=facts or "[the facts you found]")
