"""Reason codes and the statement of reasons (DSA Art. 17) each decision sends to the seller."""

from dataclasses import dataclass

from registry.models import RightKind
from registry.unregistered import described_summary

from .models import (
    AUTO_RULE_NO_LONGER_MATCHES,
    COUNTER_NOTICE_GRANTED,
    COUNTER_NOTICE_NO_COURT_ACTION,
    RESTRICTING_OUTCOMES,
    Outcome,
)

ALL_KINDS = frozenset(RightKind.values)
TM, CR, PT, DS = (frozenset({k}) for k in (RightKind.TRADEMARK, RightKind.COPYRIGHT, RightKind.PATENT,
                                            RightKind.DESIGN))


@dataclass(frozen=True)
class Reason:
    code: str
    outcome: str
    label: str
    ground: str
    # How the decision was taken, when the system took it (the statement says so; DSA Art. 17(3)(c)).
    automation: str = ""
    # The kinds of right it can rest on: a removal cites the law of the right the case relies on.
    kinds: frozenset[str] = ALL_KINDS
    # The ground for a right that is not registered (an unregistered design), where `ground` rests
    # on a registration; "": `ground` holds (the trademark grounds are reworded by legal_ground).
    ground_unregistered: str = ""

    @property
    def restricts(self) -> bool:
        """A decision for this reason restricts the listing (as Decision.restricts)."""
        return self.outcome in RESTRICTING_OUTCOMES

    def fits(self, kind: str) -> bool:
        """It may be given on a case whose right is of this kind."""
        return kind in self.kinds


REASONS: dict[str, Reason] = {r.code: r for r in [
    # --- trademark
    Reason("tm_counterfeit", Outcome.REMOVE, "Counterfeit goods bearing the registered mark",
           "Infringement of a registered trademark: an identical sign used, without the owner's "
           "consent, on goods identical to those for which it is registered.", kinds=TM),
    Reason("tm_misuse", Outcome.REMOVE, "Registered mark used in the listing without authorization",
           "Infringement of a registered trademark: use of the mark in the course of trade in a way "
           "that suggests a connection with the owner that does not exist.", kinds=TM),
    Reason("tm_suppress_unclear", Outcome.SUPPRESS, "Likely infringing; hidden while the seller can respond",
           "Likely infringement of a registered trademark: the listing uses the mark in a way that "
           "suggests a connection with the owner; the listing is hidden rather than removed because "
           "the goods may be genuine.", kinds=TM),
    Reason("tm_suppress_images", Outcome.SUPPRESS, "The mark appears in the listing's images only",
           "Use of a registered trademark in the listing's images without the owner's consent; the "
           "listing is hidden until the images are replaced.", kinds=TM),
    Reason("no_infringement", Outcome.REJECT, "The listing does not infringe the mark",
           "The listing's use of the sign is lawful (for example descriptive, comparative or "
           "of genuine goods put on the market with the owner's consent).", kinds=TM),
    # --- copyright
    Reason("cr_unauthorized_copy", Outcome.REMOVE, "Unauthorized copy of the protected work",
           "Infringement of copyright: the listing reproduces or makes available to the public the "
           "protected work, or offers copies of it, without the right holder's authorization "
           "(17 U.S.C. §106 and §501; Directive 2001/29/EC, Articles 2 and 3).", kinds=CR),
    Reason("cr_suppress_unclear", Outcome.SUPPRESS, "Likely copies the work; hidden while the seller can respond",
           "Likely infringement of copyright: the listing appears to reproduce the protected work; it "
           "is hidden rather than removed because a licence or a copyright exception may apply.", kinds=CR),
    Reason("cr_no_infringement", Outcome.REJECT, "The listing does not copy the protected work",
           "The listing does not reproduce the protected expression of the work, or its use is licensed "
           "or covered by an exception or limitation (for example quotation or fair use).", kinds=CR),
    # --- patent
    Reason("pt_product_infringes", Outcome.REMOVE, "The product falls within the patent's claims",
           "Infringement of a patent: the product offered for sale embodies every element of at least "
           "one claim of the patent, without the patent owner's consent (35 U.S.C. §271(a); the "
           "national law of the granting office).", kinds=PT),
    Reason("pt_suppress_unclear", Outcome.SUPPRESS, "Likely within the claims; hidden while the seller can respond",
           "Likely infringement of a patent: the product appears to embody the claimed invention; it is "
           "hidden rather than removed while the seller may show that it does not or that it is "
           "licensed.", kinds=PT),
    Reason("pt_no_infringement", Outcome.REJECT, "The product does not embody the patent's claims",
           "The product does not embody every element of any claim relied on, or its sale is "
           "authorized (licence, or goods put on the market with the owner's consent).", kinds=PT),
    # --- design
    Reason("ds_copied_design", Outcome.REMOVE, "The product copies the protected design",
           "Infringement of a registered design: the product's appearance does not produce a different "
           "overall impression on the informed user from the registered design, and it is used without "
           "the owner's consent (Regulation (EC) No 6/2002 on EU designs, as amended by Regulation (EU) "
           "2024/2822, Article 10; in the United States, 35 U.S.C. §289).", kinds=DS,
           ground_unregistered=(
               "Infringement of an unregistered design: the product copies the design's appearance and is "
               "offered without the owner's consent within three years of the design's first disclosure in "
               "the EU (Regulation (EC) No 6/2002, Articles 11 and 19(2): an unregistered design protects "
               "against copying only).")),
    Reason("ds_suppress_unclear", Outcome.SUPPRESS, "Likely copies the design; hidden while the seller can respond",
           "Likely infringement of a registered design: the product's appearance seems to produce the "
           "same overall impression as the registered design; it is hidden rather than removed while "
           "the seller can respond.", kinds=DS,
           ground_unregistered=(
               "Likely infringement of an unregistered design: the product seems copied from the design; it is "
               "hidden rather than removed while the seller can show that it differs or was created "
               "independently.")),
    Reason("ds_no_infringement", Outcome.REJECT, "The product does not copy the protected design",
           "The product's appearance produces a different overall impression on the informed user, or "
           "its use is authorized.", kinds=DS,
           ground_unregistered=(
               "The product's appearance produces a different overall impression on the informed user, or it "
               "was not shown to be copied from the design (an unregistered design protects against copying "
               "only), or its use is authorized.")),
    # --- any kind
    Reason("insufficient_evidence", Outcome.REJECT, "The report does not show an infringement",
           "The notice does not contain enough information for a diligent reviewer to identify "
           "the illegality without a detailed legal examination."),
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
           "the seller; the listing is restored (17 U.S.C. §512(g)(2)(C)).",
           "Detection: notice from the rights holder. Decision: taken automatically when the deadline for "
           "a court action passed; no person assessed the listing again.", kinds=CR),
    Reason(COUNTER_NOTICE_GRANTED, Outcome.REINSTATE,
           "Counter-notice: a senior reviewer found the removal unfounded",
           "The seller filed a counter-notice; the rights holder was asked to answer with evidence, and a "
           "senior reviewer who took no part in the removal weighed both sides and found the restriction "
           "not justified; the listing is restored.", kinds=TM | PT | DS),
    Reason("notifier_suspended", Outcome.REJECT, "Notice processing for this reporter is suspended",
           "The reporter's notices are suspended after repeated manifestly unfounded notices and a "
           "prior warning (DSA Art. 23); pending notices are closed without assessment."),
    Reason("auto_mark_outside_authorization", Outcome.SUPPRESS,
           "Registered mark used by a listing outside the brand's authorized distribution",
           "Probable infringement of a verified registered trademark: the listing uses the mark while "
           "shipping from a country or sold by a seller the rights owner has not authorized.", kinds=TM),
    Reason("auto_right_outside_authorization", Outcome.SUPPRESS,
           "Protected work, invention or design offered outside the owner's authorized distribution",
           "Probable infringement of a verified {kind}: the listing matches the right's protection rule "
           "while shipping from a country or sold by a seller the rights owner has not authorized.",
           kinds=CR | PT | DS),
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
SYSTEM_REASONS = frozenset({COUNTER_NOTICE_NO_COURT_ACTION, COUNTER_NOTICE_GRANTED, NOTIFIER_SUSPENDED,
                            AUTO_RULE_NO_LONGER_MATCHES})
# The automatic suppression's reason for each kind of right (decisions/automated.py).
AUTO_REASON_FOR_KIND = {RightKind.TRADEMARK: "auto_mark_outside_authorization",
                        **{k: "auto_right_outside_authorization" for k in (RightKind.COPYRIGHT, RightKind.PATENT,
                                                                           RightKind.DESIGN)}}
# Rejections that count against the reporter as unfounded (complaints/sanctions.py).
UNFOUNDED_REASONS = frozenset({"insufficient_evidence", "no_infringement", "cr_no_infringement", "pt_no_infringement",
                               "ds_no_infringement", "appeal_rejection_confirmed"})
# Reinstatements that reverse a takedown on appeal (complaints/sanctions.py).
REVERSED_ON_APPEAL_REASONS = frozenset({"appeal_genuine_goods", "appeal_decision_error"})


def reasons_for(outcome: str, *, appeal: bool = False, kind: str | None = None) -> list[Reason]:
    """Reasons a person may pick: for first decisions, or (appeal=True) for rulings on appeals; with
    `kind`, only those that fit a right of that kind."""
    return [r for r in REASONS.values() if r.outcome == outcome and r.code not in SYSTEM_REASONS
            and r.code.startswith("appeal_") == appeal and not r.code.startswith("auto_")
            and (kind is None or r.fits(kind))]


def legal_ground(reason: Reason, right) -> str:
    """The reason's legal ground. The trademark grounds are written for a registered mark; for an
    unregistered one they speak of a mark protected by its use instead, and a design ground has its
    own unregistered wording, so the statement does not claim a registration that does not exist."""
    if not right.registered and reason.ground_unregistered:
        return reason.ground_unregistered
    kind = right.get_kind_display().lower()
    ground = reason.ground.replace("{kind}", f"registered {kind}" if right.registered else kind)
    if right.registered:
        return ground
    return (ground.replace("a verified registered trademark", "an unregistered trademark")
            .replace("a registered trademark", "an unregistered trademark protected by its use")
            .replace("for which it is registered", "on which the owner uses it"))


def _unregistered_note(right) -> str:
    """For an unregistered right, what it rests on: the reporter's description, unchecked."""
    if right.registered:
        return ""
    summary = described_summary(right)
    return (" The right is not registered with an office: it was described by the reporter"
            f"{f' ({summary})' if summary else ''} and has not been verified by the platform.")


def statement_compose(*, case, reason: Reason, facts: str, automated: bool = False, ground: str | None = None) -> str:
    """The statement of reasons: what was restricted, facts, ground, automation, how to appeal.
    `ground`: statement_ground's paragraph for this case, when the caller composes many statements
    on one right (an ingest batch: naming the right took most of each statement's time)."""
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
    detection = (_automatic_detection(case.detection or {}) if not case.report_id
                 else "notice from the rights holder")
    automation = (
        (reason.automation or "Detection and decision were automated.") if automated else
        f"Detection: {detection}. Decision: taken by a person; no automated decision-making."
    )
    if ground is None:
        ground = statement_ground(reason=reason, right=right,
                                  source=case.origin if case.report_id else AUTOMATIC_SOURCE)
    return "\n\n".join([
        f"What was decided: {what}",
        f"Facts: {facts.strip()}",
        ground,
        automation,
        how,
    ])


# Where a case without a report came from, as its statement names it.
AUTOMATIC_SOURCE = "automatic detection, no report"


# What statement_ground reads of a right and its brand, for callers that load many rights with
# only() (an ingest batch's): a right's str, legal ground and registration, its brand's name.
STATEMENT_RIGHT_FIELDS = ("id", "brand_id", "kind", "registered", "status", "name", "office", "registration_number",
                          "brand__name")


def statement_ground(*, reason: Reason, right, source: str) -> str:
    """A statement's ground: the reason's legal ground and the right relied on, held by whom, and the
    case's `source` (Case.origin, or AUTOMATIC_SOURCE). The same for every case on one right."""
    return (f"Ground: {legal_ground(reason, right)} Right relied on: {right} held by {right.brand} ({source})."
            f"{_unregistered_note(right)}")


def _automatic_detection(detection: dict) -> str:
    """How an automatic case was detected, as its statement says it (DSA Art. 17(3)(c))."""
    if detection.get("relisting_of"):
        return f"automatic, as a re-listing of {detection['relisting_of']}, removed earlier"
    if detection.get("by_image"):
        return "automatic, by image: a picture of the listing matches a reference picture, under a " \
               "protection rule the rights owner set"
    return "automatic, by a protection rule the rights owner set"


def reason_choices(*outcomes: str, appeal: bool = False, kind: str | None = None) -> list:
    """A form's reason field: the reasons of each outcome, grouped under the outcome; with `kind`,
    only those that fit a right of that kind."""
    return [("", "— choose a reason —")] + [
        (Outcome(o).label, [(r.code, r.label) for r in reasons_for(o, appeal=appeal, kind=kind)]) for o in outcomes
    ]


# Stands for the facts in a statement composed before the reviewer wrote them; a statement still
# holding it is refused (complaints.records.decision_record): the seller would read it.
FACTS_PLACEHOLDER = "[the facts you found]"


def statement_preview(*, case, reason_code: str, facts: str) -> str:
    """The composed statement, or "" until a reason is chosen."""
    reason = REASONS.get(reason_code)
    if reason is None or not reason.fits(case.kind):
        return ""
    return statement_compose(case=case, reason=reason, facts=facts or FACTS_PLACEHOLDER)
