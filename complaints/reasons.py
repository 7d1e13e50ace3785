"""Reason codes and the statement of reasons (DSA Art. 17) each decision sends to the seller."""

from dataclasses import dataclass

from .models import Outcome


@dataclass(frozen=True)
class Reason:
    code: str
    outcome: str
    label: str
    ground: str


REASONS: dict[str, Reason] = {r.code: r for r in [
    Reason("tm_counterfeit", Outcome.REMOVE, "Counterfeit goods bearing the registered mark",
           "Infringement of a registered trademark: an identical sign used, without the owner's "
           "consent, on goods identical to those for which it is registered."),
    Reason("tm_misuse", Outcome.REMOVE, "Registered mark used in the listing without authorization",
           "Infringement of a registered trademark: use of the mark in the course of trade in a way "
           "that suggests a connection with the owner that does not exist."),
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
    Reason("auto_mark_outside_authorization", Outcome.SUPPRESS,
           "Registered mark used by a listing outside the brand's authorized distribution",
           "Probable infringement of a verified registered trademark: the listing uses the mark while "
           "shipping from a country or sold by a seller the rights owner has not authorized."),
]}


def reasons_for(outcome: str) -> list[Reason]:
    return [r for r in REASONS.values() if r.outcome == outcome]


def statement_compose(*, case, reason: Reason, facts: str, automated: bool = False) -> str:
    """The statement of reasons: what was restricted, facts, ground, automation, how to appeal."""
    listing = case.listing_snapshot
    right = case.right
    what = {
        Outcome.REMOVE: f"Your listing {listing['external_id']} “{listing['title']}” has been removed "
                        "from the marketplace in all regions until this decision is reversed.",
        Outcome.REJECT: f"No action was taken on listing {listing['external_id']}; the report was rejected.",
        Outcome.REINSTATE: f"Your listing {listing['external_id']} “{listing['title']}” is reinstated.",
        Outcome.UPHOLD: f"The removal of listing {listing['external_id']} “{listing['title']}” stays in place.",
        Outcome.SUPPRESS: f"Your listing {listing['external_id']} “{listing['title']}” is suppressed (hidden "
                          "from buyers in all regions) until a reviewer confirms or reverses this decision.",
    }[reason.outcome]
    how = {
        Outcome.REMOVE: "How to appeal: open this notice in Seller Center and appeal within 6 months. "
                        "A different, senior reviewer decides your appeal.",
        Outcome.REJECT: "The reporter may submit a new report with more evidence.",
        Outcome.REINSTATE: "No further action is needed.",
        Outcome.UPHOLD: "This decision on your appeal is final on the platform; you may seek "
                        "out-of-court dispute settlement or judicial redress.",
        Outcome.SUPPRESS: "A person reviews every automated suppression and confirms or reverses it; you are "
                          "told the result, and may appeal a confirmed removal within 6 months.",
    }[reason.outcome]
    automation = (
        "Detection and decision were automated." if automated else
        "Detection: notice from the rights holder. Decision: taken by a person; no automated decision-making."
    )
    source = f"report {case.report.reference}" if case.report_id else "automatic detection, no report"
    return "\n\n".join([
        f"What was decided: {what}",
        f"Facts: {facts.strip()}",
        f"Ground: {reason.ground} Right relied on: {right} held by {right.brand} ({source}).",
        automation,
        how,
    ])
