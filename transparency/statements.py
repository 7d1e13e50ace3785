"""A statement of reasons in the DSA Transparency Database's format, built from the rows it
describes: a restriction (a person's decision or a protection rule hid or removed a listing) or a
seller suspension. Nothing here is stored; `StatementRecord` keeps only the puid and what the
database answered.

No personal data goes into a statement (Art. 24(5) DSA): the texts are composed from structured
fields only (the right's kind and registration, the reason, how the case came in), never from what
a reviewer, reporter or seller typed, and never a person's or a seller's name, e-mail or address."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from actions.models import BulkJobKind, Restriction, RestrictionKind, RestrictionSource
from complaints.models import CaseSource
from complaints.reasons import REASONS, Reason, legal_ground
from suspensions.models import LinkedAccountFlag, LinkedFlagStatus, Suspension

from . import tdb

TRUNCATION_MARK = " […] (truncated)"


class StatementError(Exception):
    """A statement cannot be built truthfully (an unknown reason code, a bad setting): the export
    stops and names the case, rather than send a wrong statement."""


@dataclass
class Built:
    payload: dict
    truncated: list[str] = field(default_factory=list)


def fit(text: str, limit: int, name: str, truncated: list[str]) -> str:
    """`text` if it fits; else cut at the last word boundary before the limit, marked as truncated
    (the database refuses a longer field: 'max:N')."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = limit - len(TRUNCATION_MARK)
    cut = text[:room + 1]
    space = cut.rfind(" ")
    cut = (cut[:space] if space > room // 2 else text[:room]).rstrip(" ,;:.")
    truncated.append(name)
    return cut + TRUNCATION_MARK


def puid_for(*, restriction_id: int | None = None, suspension_id: int | None = None) -> str:
    prefix = settings.DSA_PUID_PREFIX
    puid = f"{prefix}-r{restriction_id}" if restriction_id is not None else f"{prefix}-s{suspension_id}"
    if not re.fullmatch(tdb.PUID_PATTERN, puid) or len(puid) > tdb.MAX_PUID:
        raise StatementError(f"DSA_PUID_PREFIX {prefix!r} makes an invalid puid {puid!r}: use letters, "
                             "digits, - and _ only.")
    return puid


def territorial_scope(decided_scope: list[str] | None = None) -> list[str]:
    """Where the decision applies. The portal's decisions apply in all regions and name no
    territory, so the configured default (DSA_TERRITORIAL_SCOPE, else the whole EEA) is used."""
    scope = list(decided_scope or settings.DSA_TERRITORIAL_SCOPE or tdb.EEA_COUNTRY_CODES)
    unknown = sorted(set(scope) - set(tdb.EEA_COUNTRY_CODES))
    if unknown:
        raise StatementError(f"Territorial scope {unknown} is not a list of EEA country codes "
                             "the database accepts (check DSA_TERRITORIAL_SCOPE).")
    return sorted(set(scope))


def _day(value) -> str | None:
    return value.date().isoformat() if value is not None else None


def _content_date(created) -> str:
    # 'after_or_equal:2000-01-01'
    return max(created.date(), date(2000, 1, 1)).isoformat()


KIND_EXPLANATION = {
    "trademark": "The listing offers goods under a sign identical or similar to the rights holder's trademark "
                 "without the owner's consent.",
    "copyright": "The listing reproduces, or offers copies of, a protected work without the right holder's "
                 "authorization.",
    "patent": "The product offered falls within the claims of the rights holder's patent and is offered "
              "without the owner's consent.",
    "design": "The product's appearance copies the rights holder's protected design and is offered without "
              "the owner's consent.",
}


def _source_type(case) -> str:
    """Art. 16 notice, trusted flagger (Art. 22: a brand an administrator marked trusted, recorded on
    the case when filed), or the platform's own initiative (automatic detection)."""
    return {CaseSource.REPORT: tdb.SOURCE_ARTICLE_16, CaseSource.TRUSTED_FLAGGER: tdb.SOURCE_TRUSTED_FLAGGER,
            CaseSource.OPEN_NOTICE: tdb.SOURCE_ARTICLE_16, CaseSource.AUTOMATIC: tdb.SOURCE_VOLUNTARY}[case.source]


def _content_types(case, reason: Reason) -> list[str]:
    types = {tdb.CONTENT_PRODUCT}
    where = set((case.report.details or {}).get("where_on_listing", [])) if case.report_id else set()
    if "images" in where or reason.code == "tm_suppress_images":
        types.add(tdb.CONTENT_IMAGE)
    field_hit = (case.detection or {}).get("field", "")
    if where & {"title", "description", "brand_field"} or field_hit:
        types.add(tdb.CONTENT_TEXT)
    return sorted(types)


def _right_phrase(right) -> str:
    kind = right.get_kind_display().lower()
    if not right.registered:
        return f"an unregistered {kind} described by the rights holder (not verified by the platform)"
    state = "verified" if right.is_verified else "not yet verified"
    office = f" with {right.office}" if right.office else ""
    return f"a {kind} registered{office} under number {right.registration_number} ({state} by the platform)"


def _automation(restriction, case, decision) -> str:
    if restriction.source == RestrictionSource.AUTOMATIC or decision.automated:
        return tdb.DECISION_FULLY
    job = restriction.imposed_by.bulk_job
    if job is not None and job.kind == BulkJobKind.REPORT_DECISION and job.source_case_id != case.pk:
        # A reviewer decided one case of the notice; the system applied that decision to this one.
        return tdb.DECISION_PARTIALLY
    return tdb.DECISION_NOT_AUTOMATED


def restriction_statement(restriction: Restriction) -> Built:
    """The statement for a restriction a decision (a person's or automatic) imposed. Requires
    restriction.case, .decision, .listing, .imposed_by (and the case's right and report) loaded."""
    case, decision = restriction.case, restriction.decision
    reason = REASONS.get(decision.reason_code)
    if reason is None or not reason.restricts:
        raise StatementError(f"Case {case.reference}: decision #{decision.pk} has reason code "
                             f"{decision.reason_code!r}, which is not a known restricting reason; "
                             "no statement was produced.")
    if not reason.fits(case.kind):
        raise StatementError(f"Case {case.reference}: reason {reason.code!r} does not fit a {case.kind} right.")
    truncated: list[str] = []
    removed = restriction.kind == RestrictionKind.REMOVED
    automation = _automation(restriction, case, decision)
    detected = case.source == CaseSource.AUTOMATIC
    right = case.right
    notice = case.report.reference if case.report_id else ""
    how_found = {
        CaseSource.REPORT: f"a notice from the rights holder (notice {notice})",
        CaseSource.TRUSTED_FLAGGER: f"a notice from a trusted flagger (notice {notice})",
        CaseSource.OPEN_NOTICE: f"a notice from a member of the public (notice {notice})",
        CaseSource.AUTOMATIC: "the rights holder's protection rule, checked automatically on every listing change "
                              f"({(case.detection or {}).get('rule_label') or 'distribution rule'})",
    }[case.source]
    who = {
        tdb.DECISION_FULLY: "The platform's automated system restricted the listing; a reviewer then confirms "
                            "or reverses it.",
        tdb.DECISION_PARTIALLY: "A reviewer decided an identical case of the same notice, and the platform "
                                "applied that decision to this listing.",
        tdb.DECISION_NOT_AUTOMATED: "A reviewer assessed the listing and the evidence and took the decision.",
    }[automation]
    action = "removed from the marketplace" if removed else "hidden from buyers (not deleted)"
    facts = (f"Listing {restriction.listing.external_id} was {action} on {_day(restriction.started_at)}. "
             f"It was identified through {how_found}. The right relied on is {_right_phrase(right)}. "
             f"Reason: {reason.label}. {who}")
    if restriction.lifted_at is not None:
        facts += f" The restriction was lifted on {_day(restriction.lifted_at)}."
    explanation = f"{reason.label}. {KIND_EXPLANATION[case.kind]}"
    if not removed:
        explanation += " The listing is hidden rather than removed while the seller can respond."
    payload = {
        "decision_visibility": [tdb.VISIBILITY_REMOVED if removed else tdb.VISIBILITY_DISABLED],
        "decision_ground": tdb.GROUND_ILLEGAL,
        "illegal_content_legal_ground": fit(legal_ground(reason, right), tdb.MAX_LEGAL_GROUND,
                                            "illegal_content_legal_ground", truncated),
        "illegal_content_explanation": fit(explanation, tdb.MAX_EXPLANATION, "illegal_content_explanation", truncated),
        "content_type": _content_types(case, reason),
        "category": tdb.CATEGORY_IP,
        "category_specification": [tdb.KEYWORD_FOR_KIND[case.kind]],
        "territorial_scope": territorial_scope(),
        "content_date": _content_date(restriction.listing.created_at),
        "application_date": _day(restriction.started_at),
        "end_date_visibility_restriction": _day(restriction.lifted_at),
        "decision_facts": fit(facts, tdb.MAX_FACTS, "decision_facts", truncated),
        "source_type": _source_type(case),
        "automated_detection": tdb.YES if detected else tdb.NO,
        "automated_decision": automation,
        "puid": puid_for(restriction_id=restriction.pk),
    }
    if case.source == CaseSource.TRUSTED_FLAGGER:
        # A trusted flagger is an entity (Art. 22(2)), never a private person: its name is no
        # personal data. An Art. 16 notifier may be a person, so it is not named.
        payload["source_identity"] = fit(right.brand.owner_company or right.brand.name, tdb.MAX_SOURCE_IDENTITY,
                                         "source_identity", truncated)
    return Built(payload, truncated)


def suspension_statement(suspension: Suspension, *, kinds: list[str], strikes: int) -> Built:
    """The statement for a seller suspension (approved, possibly lifted since): the account's
    selling is suspended and every listing hidden. `kinds`: the IP types of its strikes."""
    if suspension.decided_at is None:
        raise StatementError(f"Suspension #{suspension.pk} was never approved: no statement.")
    truncated: list[str] = []
    ended = suspension.lift_job.created_at if suspension.lift_job_id else None
    linked = suspension.proposed_by_id is not None and suspension.proposed_from_id is None and \
        LinkedAccountFlag.objects.filter(escalated_to=suspension, status=LinkedFlagStatus.ESCALATED).exists()
    counted = f"{strikes} strike{'s' if strikes != 1 else ''} (decisions restricting the seller's listings, one per " \
              "notice or report decided)"
    if linked:
        facts = (f"The seller's account was suspended on {_day(suspension.decided_at)} as an account linked, by "
                 "signals the marketplace holds (shared account, payment or address details), to an account "
                 "suspended for repeated infringement of intellectual-property rights; "
                 f"{counted} counted against this account itself when it was proposed (by a reviewer reviewing the "
                 "account's link to the suspended account). A second senior reviewer approved it. ")
    else:
        proposed = "by the system when the seller reached the strike threshold" if suspension.proposed_by_id is None \
            else "by a reviewer working one of the seller's cases"
        facts = (f"The seller's account was suspended on {_day(suspension.decided_at)} for repeated infringement "
                 f"of intellectual-property rights: {counted} counted against it when it was proposed "
                 f"({proposed}). A second senior reviewer approved it. ")
    facts += ("While it lasts the seller cannot sell and every listing of the seller is hidden from buyers; "
              "the seller can still use Seller Center to appeal.")
    if ended is not None:
        facts += f" The suspension was lifted on {_day(ended)}."
    specs = sorted({tdb.KEYWORD_FOR_KIND[k] for k in kinds}) or None
    payload = {
        "decision_visibility": [tdb.VISIBILITY_DISABLED],
        "decision_account": tdb.ACCOUNT_SUSPENDED,
        "decision_provision": tdb.PROVISION_PARTIAL_SUSPENSION,
        # Sellers on the marketplace trade (DSA Art. 30 traders): a business account.
        "account_type": tdb.ACCOUNT_TYPE_BUSINESS,
        "decision_ground": tdb.GROUND_INCOMPATIBLE,
        "incompatible_content_ground": fit(
            "Marketplace terms of service: repeat-infringer policy (suspension of sellers who repeatedly "
            "offer goods that infringe intellectual-property rights"
            + (", and of accounts linked to a seller so suspended" if linked else "") + "; DSA Art. 23(1)).",
            tdb.MAX_LEGAL_GROUND, "incompatible_content_ground", truncated),
        "incompatible_content_explanation": fit(
            "The account is linked to a seller suspended for repeatedly infringing intellectual-property rights; "
            "the terms provide for suspending such an account, so a suspension cannot be evaded through it."
            if linked else
            "The seller's listings were restricted repeatedly for infringing intellectual-property rights "
            "within the period the terms set; the terms provide for suspending such a seller.",
            tdb.MAX_EXPLANATION, "incompatible_content_explanation", truncated),
        "incompatible_content_illegal": tdb.YES,
        "content_type": [tdb.CONTENT_PRODUCT],
        "category": tdb.CATEGORY_IP,
        "category_specification": specs,
        "territorial_scope": territorial_scope(),
        "content_date": _content_date(suspension.seller.created_at),
        "application_date": _day(suspension.decided_at),
        "end_date_account_restriction": _day(ended),
        "end_date_service_restriction": _day(ended),
        "end_date_visibility_restriction": _day(ended),
        "decision_facts": fit(facts, tdb.MAX_FACTS, "decision_facts", truncated),
        "source_type": tdb.SOURCE_VOLUNTARY,
        "automated_detection": tdb.YES if suspension.proposed_by_id is None else tdb.NO,
        "automated_decision": tdb.DECISION_NOT_AUTOMATED,
        "puid": puid_for(suspension_id=suspension.pk),
    }
    if specs is None:
        del payload["category_specification"]
    return Built(payload, truncated)
