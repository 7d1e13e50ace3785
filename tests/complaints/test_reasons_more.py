"""What tests/complaints/test_reasons_by_kind.py leaves out: the codes already stored keep their
outcome, every code fits the columns that store it, each kind's rejections count as unfounded, an
unregistered design's statement claims no registration, and docs/reasons.md lists every code."""

from django.conf import settings

from actions.models import BulkJob
from complaints.models import Decision
from complaints.reasons import REASONS, UNFOUNDED_REASONS, statement_compose
from complaints.sanctions import reporter_figures
from decisions.services import case_decide

from ..conftest import claim, file_report
from ..factories import TrademarkFactory
from .test_report_unregistered import DESIGN, file_unregistered

# Every code decisions were stored with before reasons followed the IP type, and its outcome.
STORED_BEFORE = {
    "tm_counterfeit": "remove", "tm_misuse": "remove", "tm_suppress_unclear": "suppress",
    "tm_suppress_images": "suppress", "insufficient_evidence": "reject", "no_infringement": "reject",
    "appeal_genuine_goods": "reinstate", "appeal_decision_error": "reinstate", "appeal_no_new_facts": "uphold",
    "appeal_report_founded": "remove", "appeal_rejection_confirmed": "reject",
    "counter_notice_no_court_action": "reinstate", "notifier_suspended": "reject",
    "auto_mark_outside_authorization": "suppress", "auto_rule_no_longer_matches": "reject",
}


def test_codes_already_stored_keep_their_outcome():
    assert {code: REASONS[code].outcome for code in STORED_BEFORE} == STORED_BEFORE


def test_every_code_fits_the_columns_that_store_it():
    longest = max(len(code) for code in REASONS)
    assert longest <= Decision._meta.get_field("reason_code").max_length
    assert longest <= BulkJob._meta.get_field("reason_code").max_length


def test_every_rejection_on_the_merits_counts_as_unfounded():
    assert UNFOUNDED_REASONS == {"insufficient_evidence", "no_infringement", "cr_no_infringement",
                                 "pt_no_infringement", "ds_no_infringement", "appeal_rejection_confirmed"}


def test_a_rejection_of_any_kind_counts_against_the_reporter(world):
    for kind, code, listing in [("copyright", "cr_no_infringement", world.listings_a[0]),
                                ("patent", "pt_no_infringement", world.listings_a[1]),
                                ("design", "ds_no_infringement", world.listings_a[2])]:
        right = TrademarkFactory(brand=world.brand_a, kind=kind, name=f"ACME {kind}",
                                 office="" if kind == "copyright" else "USPTO")
        case = file_report(reporter=world.alice, right=right, listings=[listing]).cases.get()
        claim(case, world.rev1)
        case_decide(case=case, reviewer=world.rev1, reason_code=code, facts="Lawful.")
    figures = reporter_figures(reporter=world.alice)
    assert (figures.decided, figures.unfounded) == (3, 3)


def test_an_unregistered_design_statement_claims_no_registration(world):
    case = file_unregistered(world, described=DESIGN, details={"copied_features": "The base."},
                             listings=world.listings_a[:1]).cases.get()
    for code, cites in [("ds_copied_design", "Infringement of an unregistered design: the product copies"),
                        ("ds_suppress_unclear", "Likely infringement of an unregistered design: the product seems "
                                                "copied"),
                        ("ds_no_infringement", "or it was not shown to be copied from the design")]:
        statement = statement_compose(case=case, reason=REASONS[code], facts="Same base.")
        assert f"Ground: {cites}" in statement or cites in statement, code
        assert "registered design" not in statement.lower().replace("unregistered design", ""), code
        assert "trademark" not in statement.lower(), code
    registered = TrademarkFactory(brand=world.brand_a, kind="design", office="EUIPO", name="Lamp")
    other = file_report(reporter=world.alice, right=registered, listings=world.listings_a[1:2]).cases.get()
    assert "Ground: Infringement of a registered design" in statement_compose(
        case=other, reason=REASONS["ds_copied_design"], facts="Same base.")


def test_the_reasons_page_lists_every_code():
    page = (settings.BASE_DIR / "docs" / "reasons.md").read_text()
    assert [code for code in REASONS if f"`{code}`" not in page] == []
