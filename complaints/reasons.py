"""Reason codes and the statement of reasons (DSA Art. 17) each decision sends to the seller.

A reason fits the IP kinds it names (`kinds`; none: every kind): a copyright takedown cites
copyright, a patent case is never decided "infringement of a registered trademark". Stored codes
keep their meaning for good (old Decision rows name them): a reason may stop being offered, never
change what it says. The reasons offered per kind and outcome are tested in
tests/complaints/test_reasons.py and listed in docs/reasons.md.
"""

from dataclasses import dataclass

from registry.choices import RightKind
from registry.unregistered import described_summary

from .models import COUNTER_NOTICE_NO_COURT_ACTION, RESTRICTING_OUTCOMES, Outcome

TRADEMARK = frozenset({RightKind.TRADEMARK})
COPYRIGHT = frozenset({RightKind.COPYRIGHT})
PATENT = frozenset({RightKind.PATENT})
DESIGN = frozenset({RightKind.DESIGN})
EVERY_KIND: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    code: str
    outcome: str
    label: str
    ground: str
    # How the decision was taken, when the system took it (the statement says so; DSA Art. 17(3)(c)).
    automation: str = ""
    # The right kinds (RightKind) the reason fits; empty: every kind.
    kinds: frozenset[str] = EVERY_KIND
    # The ground for a right that is not registered (registry.unregistered: a trademark protected by
    # use, an unregistered design), where `ground` speaks of a registration; "": `ground` holds.
    ground_unregistered: str = ""

    @property
    def restricts(self) -> bool:
        """A decision for this reason restricts the listing (as Decision.restricts)."""
        return self.outcome in RESTRICTING_OUTCOMES

    def fits(self, kind: str) -> bool:
        """The reason may decide a case on a right of this kind."""
        return not self.kinds or kind in self.kinds

    @property
    def kinds_label(self) -> str:
        """The kinds it fits, as people read them ("trademark", "copyright", or "every IP type")."""
        if not self.kinds:
            return "every IP type"
        return " or ".join(RightKind(k).label.lower() for k in sorted(self.kinds))


REASONS: dict[str, Reason] = {r.code: r for r in [
    # --- Trademark -------------------------------------------------------------------------------
    Reason("tm_counterfeit", Outcome.REMOVE, "Counterfeit goods bearing the registered mark",
           "Infringement of a registered trademark: an identical sign used, without the owner's "
           "consent, on goods identical to those for which it is registered.",
           kinds=TRADEMARK, ground_unregistered=(
               "Infringement of an unregistered trademark protected by its use: an identical sign used, "
               "without the owner's consent, on goods identical to those on which the owner uses it.")),
    Reason("tm_misuse", Outcome.REMOVE, "Registered mark used in the listing without authorization",
           "Infringement of a registered trademark: use of the mark in the course of trade in a way "
           "that suggests a connection with the owner that does not exist.",
           kinds=TRADEMARK, ground_unregistered=(
               "Infringement of an unregistered trademark protected by its use: use of the mark in the "
               "course of trade in a way that suggests a connection with the owner that does not exist.")),
    Reason("tm_suppress_unclear", Outcome.SUPPRESS, "Likely infringing; hidden while the seller can respond",
           "Likely infringement of a registered trademark: the listing uses the mark in a way that "
           "suggests a connection with the owner; the listing is hidden rather than removed because "
           "the goods may be genuine.",
           kinds=TRADEMARK, ground_unregistered=(
               "Likely infringement of an unregistered trademark protected by its use: the listing uses the "
               "mark in a way that suggests a connection with the owner; the listing is hidden rather than "
               "removed because the goods may be genuine.")),
    Reason("tm_suppress_images", Outcome.SUPPRESS, "The mark appears in the listing's images only",
           "Use of a registered trademark in the listing's images without the owner's consent; the "
           "listing is hidden until the images are replaced.",
           kinds=TRADEMARK, ground_unregistered=(
               "Use of an unregistered trademark protected by its use in the listing's images without the "
               "owner's consent; the listing is hidden until the images are replaced.")),
    Reason("insufficient_evidence", Outcome.REJECT, "The report does not show an infringement",
           "The notice does not contain enough information for a diligent reviewer to identify "
           "the illegality without a detailed legal examination."),
    # Offered for trademarks only since reasons follow the IP kind; earlier decisions on other kinds
    # keep the code, and still count as unfounded (UNFOUNDED_REASONS).
    Reason("no_infringement", Outcome.REJECT, "The listing does not infringe the right",
           "The listing's use of the sign is lawful (for example descriptive, comparative or "
           "of genuine goods put on the market with the owner's consent).", kinds=TRADEMARK),
    # --- Copyright -------------------------------------------------------------------------------
    Reason("copyright_unauthorized_copies", Outcome.REMOVE, "Unauthorized copies of the protected work",
           "Infringement of copyright: the goods offered are copies of the protected work, made or "
           "distributed without the right holder's authorization (the rights of reproduction and "
           "distribution: Directive 2001/29/EC art. 2 and 4; 17 U.S.C. §106(1) and (3)).", kinds=COPYRIGHT),
    Reason("copyright_listing_content", Outcome.REMOVE, "The listing copies the work (photos, text or artwork)",
           "Infringement of copyright: the listing reproduces the protected work (product photos, text or "
           "artwork) and makes it available to the public without the right holder's authorization "
           "(Directive 2001/29/EC art. 2 and 3; 17 U.S.C. §106(1) and (5)).", kinds=COPYRIGHT),
    Reason("copyright_suppress_content", Outcome.SUPPRESS,
           "The work appears in the listing's images or text; hidden until replaced",
           "Use of a copyright-protected work in the listing's images or text without the right holder's "
           "authorization; the listing is hidden rather than removed until the copied material is "
           "replaced, because the goods themselves may be lawful.", kinds=COPYRIGHT),
    Reason("copyright_no_infringement", Outcome.REJECT, "The listing does not infringe the copyright",
           "The listing does not reproduce a protected part of the work, or the use is permitted (for "
           "example licensed, the seller's own independent work, a permitted quotation, or genuine copies "
           "first sold with the right holder's consent).", kinds=COPYRIGHT),
    # --- Patent (only granted patents exist: never unregistered) ------------------------------------
    Reason("patent_claims_met", Outcome.REMOVE, "The product has every feature of a patent claim",
           "Infringement of a granted patent: the product offered has every feature of at least one claim "
           "relied on, and offering it for sale without the patent holder's consent infringes the patent "
           "(for example 35 U.S.C. §271(a); Agreement on a Unified Patent Court art. 25).", kinds=PATENT),
    Reason("patent_suppress_unclear", Outcome.SUPPRESS,
           "Likely within the patent's claims; hidden while the seller can respond",
           "Likely infringement of a granted patent: the product appears to have the features of the claims "
           "relied on; the listing is hidden rather than removed while the seller can show that it does "
           "not, or that it is licensed.", kinds=PATENT),
    Reason("patent_no_infringement", Outcome.REJECT, "The product does not infringe the patent",
           "The product was not shown to have every feature of a claim of the patent relied on, or the "
           "patent does not cover it; a platform cannot replace a court's detailed examination of a "
           "patent claim.", kinds=PATENT),
    # --- Design ------------------------------------------------------------------------------------
    Reason("design_copied", Outcome.REMOVE, "The product copies the registered design",
           "Infringement of a registered design: the product's appearance does not produce a different "
           "overall impression on the informed user than the design, and it is offered without the "
           "holder's consent (Regulation (EC) No 6/2002 art. 10 and 19; national design law).",
           kinds=DESIGN, ground_unregistered=(
               "Infringement of an unregistered design: the product copies the design's appearance and is "
               "offered without the holder's consent within three years of the design's first disclosure "
               "in the EU (Regulation (EC) No 6/2002 art. 11 and 19(2): an unregistered design protects "
               "against copying only).")),
    Reason("design_suppress_unclear", Outcome.SUPPRESS, "Likely copies the design; hidden while the seller can respond",
           "Likely infringement of a registered design: the product's appearance seems to give the same "
           "overall impression as the design; the listing is hidden rather than removed while the seller "
           "can show that it differs.",
           kinds=DESIGN, ground_unregistered=(
               "Likely infringement of an unregistered design: the product seems copied from the design; the "
               "listing is hidden rather than removed while the seller can show that it differs or was "
               "created independently.")),
    Reason("design_no_infringement", Outcome.REJECT, "The product does not infringe the design",
           "The product produces a different overall impression on the informed user than the design "
           "relied on, or the features it shares are dictated solely by its technical function "
           "(Regulation (EC) No 6/2002 art. 8 and 10).",
           kinds=DESIGN, ground_unregistered=(
               "The product produces a different overall impression on the informed user than the design "
               "relied on, or was not shown to be copied from it (an unregistered design protects against "
               "copying only: Regulation (EC) No 6/2002 art. 19(2)).")),
    # --- Appeals (kind-neutral: the statement names the right relied on) -------------------------
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
    # --- Set by the system, never chosen in a form (SYSTEM_REASONS) ---------------------------------
    # counter_notices/services.py, complaints/sanctions.py
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
    # Automatic suppressions by a brand's protection rules (decisions/automated.py, AUTO_REASONS).
    Reason("auto_mark_outside_authorization", Outcome.SUPPRESS,
           "Registered mark used by a listing outside the brand's authorized distribution",
           "Probable infringement of a verified registered trademark: the listing uses the mark while "
           "shipping from a country or sold by a seller the rights owner has not authorized.", kinds=TRADEMARK),
    Reason("auto_copyright_outside_authorization", Outcome.SUPPRESS,
           "Protected work used by a listing outside the owner's authorized distribution",
           "Probable infringement of a verified copyright: the listing uses the protected work while "
           "shipping from a country or sold by a seller the right holder has not authorized.", kinds=COPYRIGHT),
    Reason("auto_patent_outside_authorization", Outcome.SUPPRESS,
           "Patented product offered by a listing outside the owner's authorized distribution",
           "Probable infringement of a verified granted patent: the listing offers the patented product while "
           "shipping from a country or sold by a seller the patent holder has not licensed.", kinds=PATENT),
    Reason("auto_design_outside_authorization", Outcome.SUPPRESS,
           "Registered design used by a listing outside the owner's authorized distribution",
           "Probable infringement of a verified registered design: the listing offers a product with the "
           "design while shipping from a country or sold by a seller the design holder has not authorized.",
           kinds=DESIGN),
]}

# The automatic suppression's reason for each kind of right (decisions/automated.py).
AUTO_REASONS: dict[str, str] = {
    RightKind.TRADEMARK: "auto_mark_outside_authorization",
    RightKind.COPYRIGHT: "auto_copyright_outside_authorization",
    RightKind.PATENT: "auto_patent_outside_authorization",
    RightKind.DESIGN: "auto_design_outside_authorization",
}

# Reasons only the system records, never offered in a decision form: a counter-notice unanswered
# by a court action, a reporter's pending notices closed when their notice processing is
# suspended, and the automatic suppressions (a person's decision never claims to be automated).
NOTIFIER_SUSPENDED = "notifier_suspended"
SYSTEM_REASONS = frozenset({COUNTER_NOTICE_NO_COURT_ACTION, NOTIFIER_SUSPENDED, *AUTO_REASONS.values()})
# Rejections that count against the reporter as unfounded (complaints/sanctions.py): every
# rejection a person makes on the merits, of every kind.
UNFOUNDED_REASONS = frozenset({"insufficient_evidence", "no_infringement", "copyright_no_infringement",
                               "patent_no_infringement", "design_no_infringement", "appeal_rejection_confirmed"})
# Reinstatements that reverse a takedown on appeal (complaints/sanctions.py).
REVERSED_ON_APPEAL_REASONS = frozenset({"appeal_genuine_goods", "appeal_decision_error"})


def reasons_for(outcome: str, *, kind: str | None = None, appeal: bool = False) -> list[Reason]:
    """Reasons a person may pick: for first decisions, or (appeal=True) for rulings on appeals;
    with `kind`, only those that fit a right of that kind."""
    return [r for r in REASONS.values() if r.outcome == outcome and r.code not in SYSTEM_REASONS
            and r.code.startswith("appeal_") == appeal and (kind is None or r.fits(kind))]


def auto_reason(kind: str) -> Reason:
    """The reason of an automatic suppression on a right of this kind."""
    return REASONS[AUTO_REASONS[kind]]


def _ground(reason: Reason, right) -> str:
    """The reason's legal ground, as it reads for this right: a ground written for a registration
    has its own wording for an unregistered right, so the statement never claims a registration
    that does not exist."""
    if not right.registered and reason.ground_unregistered:
        return reason.ground_unregistered
    return reason.ground


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
    detection = ("notice from the rights holder" if case.report_id
                 else "automatic, by the rights owner's protection rules")
    automation = (
        (reason.automation or "Detection and decision were automated.") if automated else
        f"Detection: {detection}. Decision: taken by a person; no automated decision-making."
    )
    source = f"report {case.report.reference}" if case.report_id else "automatic detection, no report"
    return "\n\n".join([
        f"What was decided: {what}",
        f"Facts: {facts.strip()}",
        f"Ground: {_ground(reason, right)} Right relied on: {right} held by {right.brand} ({source})."
        f"{_unregistered_note(right)}",
        automation,
        how,
    ])


def reason_choices(*outcomes: str, kind: str | None = None, appeal: bool = False) -> list:
    """A form's reason field: the reasons of each outcome (that fit `kind`, if given), grouped
    under the outcome."""
    return [("", "— choose a reason —")] + [
        (Outcome(o).label, [(r.code, r.label) for r in reasons_for(o, kind=kind, appeal=appeal)])
        for o in outcomes
    ]


def statement_preview(*, case, reason_code: str, facts: str) -> str:
    """The composed statement, or "" until a reason that fits the case's right is chosen."""
    reason = REASONS.get(reason_code)
    if reason is None or not reason.fits(case.kind):
        return ""
    return statement_compose(case=case, reason=reason, facts=facts or "[the facts you found]")
