"""The reason codes: which reasons a reviewer is offered for each kind of right and outcome, the
automatic suppression's reason per kind, the codes already stored, and what each statement cites.

The expected answers are written out here, never derived from complaints.reasons itself: a kind or
an outcome left without a reason, or a trademark reason offered on a patent, fails."""

import pytest
from django.conf import settings

from actions.models import BulkJob
from complaints.models import Decision
from complaints.reasons import (
    AUTO_REASONS,
    REASONS,
    SYSTEM_REASONS,
    UNFOUNDED_REASONS,
    auto_reason,
    reason_choices,
    reasons_for,
    statement_compose,
)

from ..conftest import file_report
from ..factories import TrademarkFactory
from .test_report_unregistered import DESIGN, file_unregistered

KINDS = ["trademark", "copyright", "patent", "design"]
OUTCOMES = ["remove", "suppress", "reject"]

# What a reviewer may pick on a first decision, per kind of right and outcome.
OFFERED = {
    ("trademark", "remove"): {"tm_counterfeit", "tm_misuse"},
    ("trademark", "suppress"): {"tm_suppress_unclear", "tm_suppress_images"},
    ("trademark", "reject"): {"insufficient_evidence", "no_infringement"},
    ("copyright", "remove"): {"copyright_unauthorized_copies", "copyright_listing_content"},
    ("copyright", "suppress"): {"copyright_suppress_content"},
    ("copyright", "reject"): {"insufficient_evidence", "copyright_no_infringement"},
    ("patent", "remove"): {"patent_claims_met"},
    ("patent", "suppress"): {"patent_suppress_unclear"},
    ("patent", "reject"): {"insufficient_evidence", "patent_no_infringement"},
    ("design", "remove"): {"design_copied"},
    ("design", "suppress"): {"design_suppress_unclear"},
    ("design", "reject"): {"insufficient_evidence", "design_no_infringement"},
}

# The word each kind's restricting grounds must use, and the words of the other kinds they must not.
KIND_WORD = {"trademark": "trademark", "copyright": "copyright", "patent": "patent", "design": "design"}


def test_every_kind_and_outcome_is_in_the_expected_table():
    assert set(OFFERED) == {(k, o) for k in KINDS for o in OUTCOMES}
    assert all(OFFERED.values())


@pytest.mark.parametrize("kind,outcome", sorted(OFFERED))
def test_each_kind_and_outcome_offers_its_own_reasons(kind, outcome):
    offered = {r.code for r in reasons_for(outcome, kind=kind)}
    assert offered, f"no {outcome} reason for a {kind}"
    assert offered == OFFERED[kind, outcome]
    assert all(REASONS[code].outcome == outcome and REASONS[code].fits(kind) for code in offered)


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_is_offered_no_reason_of_another_kind(kind):
    offered = {r.code for o in OUTCOMES for r in reasons_for(o, kind=kind)}
    others = set().union(*(OFFERED[k, o] for k in KINDS if k != kind for o in OUTCOMES))
    assert offered & others == {"insufficient_evidence"}  # the one kind-neutral first-decision reason


@pytest.mark.parametrize("kind", KINDS)
def test_restricting_grounds_cite_the_kind_and_no_other(kind):
    for outcome in ("remove", "suppress"):
        for code in OFFERED[kind, outcome] | {AUTO_REASONS[kind]}:
            ground = REASONS[code].ground.lower()
            assert KIND_WORD[kind] in ground, code
            for other in KINDS:
                if other != kind:
                    assert KIND_WORD[other] not in ground, (code, other)


def test_the_automatic_suppression_has_a_reason_for_each_kind():
    assert AUTO_REASONS == {
        "trademark": "auto_mark_outside_authorization",
        "copyright": "auto_copyright_outside_authorization",
        "patent": "auto_patent_outside_authorization",
        "design": "auto_design_outside_authorization",
    }
    for kind in KINDS:
        reason = auto_reason(kind)
        assert reason.outcome == "suppress" and reason.fits(kind)
        assert not any(reason.fits(other) for other in KINDS if other != kind)


def test_system_reasons_are_never_offered_to_a_person():
    assert SYSTEM_REASONS == {"counter_notice_no_court_action", "notifier_suspended",
                              "auto_mark_outside_authorization", "auto_copyright_outside_authorization",
                              "auto_patent_outside_authorization", "auto_design_outside_authorization"}
    offered = {r.code for o in ["remove", "suppress", "reject", "reinstate", "uphold"] for appeal in (False, True)
               for r in reasons_for(o, appeal=appeal)}
    assert not offered & SYSTEM_REASONS


# Every code decisions were stored with before reasons followed the IP kind, and its outcome.
STORED_BEFORE = {
    "tm_counterfeit": "remove", "tm_misuse": "remove", "tm_suppress_unclear": "suppress",
    "tm_suppress_images": "suppress", "insufficient_evidence": "reject", "no_infringement": "reject",
    "appeal_genuine_goods": "reinstate", "appeal_decision_error": "reinstate", "appeal_no_new_facts": "uphold",
    "appeal_report_founded": "remove", "appeal_rejection_confirmed": "reject",
    "counter_notice_no_court_action": "reinstate", "notifier_suspended": "reject",
    "auto_mark_outside_authorization": "suppress",
}


def test_codes_already_stored_keep_their_outcome():
    assert {code: REASONS[code].outcome for code in STORED_BEFORE} == STORED_BEFORE


def test_appeal_rulings_and_insufficient_evidence_fit_every_kind():
    for code in ["insufficient_evidence", "appeal_genuine_goods", "appeal_decision_error", "appeal_no_new_facts",
                 "appeal_report_founded", "appeal_rejection_confirmed"]:
        assert all(REASONS[code].fits(kind) for kind in KINDS), code


def test_every_rejection_on_the_merits_counts_as_unfounded():
    assert UNFOUNDED_REASONS == {"insufficient_evidence", "no_infringement", "copyright_no_infringement",
                                 "patent_no_infringement", "design_no_infringement", "appeal_rejection_confirmed"}


def test_every_code_fits_the_columns_that_store_it():
    longest = max(len(code) for code in REASONS)
    assert longest <= Decision._meta.get_field("reason_code").max_length
    assert longest <= BulkJob._meta.get_field("reason_code").max_length


def test_the_choices_group_a_kinds_reasons_under_each_outcome():
    assert reason_choices("remove", "reject", kind="patent") == [
        ("", "— choose a reason —"),
        ("Remove listing", [("patent_claims_met", "The product has every feature of a patent claim")]),
        ("Reject report", [("insufficient_evidence", "The report does not show an infringement"),
                           ("patent_no_infringement", "The product does not infringe the patent")]),
    ]


def test_a_copyright_takedown_statement_cites_copyright(world):
    work = TrademarkFactory(brand=world.brand_a, kind="copyright", office="", registration_number="",
                            name="Aurora product photo")
    case = file_report(reporter=world.alice, right=work, listings=world.listings_a[:1]).cases.get()
    statement = statement_compose(case=case, reason=REASONS["copyright_listing_content"], facts="Our photo.")
    assert "Ground: Infringement of copyright: the listing reproduces the protected work" in statement
    assert "Directive 2001/29/EC" in statement and "Right relied on: Copyright “Aurora product photo”" in statement
    assert "trademark" not in statement.lower()


def test_an_unregistered_design_statement_claims_no_registration(world):
    case = file_unregistered(world, described=DESIGN, details={"copied_features": "The base."},
                             listings=world.listings_a[:1]).cases.get()
    statement = statement_compose(case=case, reason=REASONS["design_copied"], facts="Same base.")
    assert "Ground: Infringement of an unregistered design: the product copies the design's appearance" in statement
    assert "registered design" not in statement.lower().replace("unregistered design", "")
    assert "trademark" not in statement.lower()
    registered = TrademarkFactory(brand=world.brand_a, kind="design", office="EUIPO", name="Lamp")
    other = file_report(reporter=world.alice, right=registered, listings=world.listings_a[1:2]).cases.get()
    assert "Ground: Infringement of a registered design" in statement_compose(
        case=other, reason=REASONS["design_copied"], facts="Same base.")


def test_the_reasons_page_lists_every_code():
    page = (settings.BASE_DIR / "docs" / "reasons.md").read_text()
    missing = [code for code in REASONS if f"`{code}`" not in page]
    assert missing == []
