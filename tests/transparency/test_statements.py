"""Every kind of restriction the portal makes yields a statement the DSA Transparency Database
would accept (validated by tdb_rules, written from its published rules), with the right mapping."""

import re

import pytest

from actions.models import Restriction
from registry.models import RightKind
from transparency.models import StatementRecord
from transparency.selectors import statement_build, statement_records, statements_between
from transparency.services import statements_record

from .helpers import REMOVE, REVIEWER_FACTS, SUPPRESS, automatic, decided, suspended
from .tdb_rules import validate_batch, validate_statement

pytestmark = pytest.mark.django_db

KINDS = [RightKind.TRADEMARK, RightKind.COPYRIGHT, RightKind.PATENT, RightKind.DESIGN]
KEYWORD = {"trademark": "KEYWORD_TRADEMARK_INFRINGEMENT", "copyright": "KEYWORD_COPYRIGHT_INFRINGEMENT",
           "patent": "KEYWORD_PATENT_INFRINGEMENT", "design": "KEYWORD_DESIGN_INFRINGEMENT"}


def statement_of(restriction) -> dict:
    statements_record()
    return statement_build(StatementRecord.objects.get(restriction=restriction)).payload


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("codes", "visibility"), [(REMOVE, "DECISION_VISIBILITY_CONTENT_REMOVED"),
                                                   (SUPPRESS, "DECISION_VISIBILITY_CONTENT_DISABLED")])
def test_a_reviewers_removal_or_suppression_on_a_notice_maps_to_its_ip_type(
        world, django_capture_on_commit_callbacks, kind, codes, visibility):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=kind, code=codes[kind])
    s = statement_of(restriction)
    assert validate_statement(s) == {}
    assert s["decision_visibility"] == [visibility]
    assert s["category"] == "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
    assert s["category_specification"] == [KEYWORD[kind]]
    assert s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert "CONTENT_TYPE_PRODUCT" in s["content_type"]
    assert (s["source_type"], s["automated_detection"], s["automated_decision"]) == (
        "SOURCE_ARTICLE_16", "No", "AUTOMATED_DECISION_NOT_AUTOMATED")
    assert "source_identity" not in s  # an Art. 16 notifier may be a person: not named
    assert s["application_date"] == restriction.started_at.date().isoformat()
    assert s["end_date_visibility_restriction"] is None
    assert s["puid"] == f"ipportal-r{restriction.pk}"
    assert kind in s["illegal_content_legal_ground"].lower() or kind == "copyright" and "copyright" in \
        s["illegal_content_legal_ground"].lower()


def test_a_trusted_flaggers_notice_is_marked_so_and_names_the_flagger_organisation(
        world, django_capture_on_commit_callbacks):
    world.brand_b.trusted_flagger = True
    world.brand_b.save()
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK,
                          code="tm_counterfeit", brand=world.brand_b, reporter=world.bob)
    s = statement_of(restriction)
    assert validate_statement(s) == {}
    assert s["source_type"] == "SOURCE_TRUSTED_FLAGGER"
    assert s["source_identity"] == world.brand_b.owner_company


def test_a_good_faith_lane_brand_is_not_a_trusted_flagger(world, django_capture_on_commit_callbacks):
    world.brand_a.good_faith_lane = True
    world.brand_a.save()
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    assert statement_of(restriction)["source_type"] == "SOURCE_ARTICLE_16"


def test_an_automatic_suppression_is_own_initiative_detected_and_decided_by_automated_means(
        world, django_capture_on_commit_callbacks):
    restriction = automatic(world, django_capture_on_commit_callbacks)
    s = statement_of(restriction)
    assert validate_statement(s) == {}
    assert (s["source_type"], s["automated_detection"], s["automated_decision"]) == (
        "SOURCE_VOLUNTARY", "Yes", "AUTOMATED_DECISION_FULLY")
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert "CONTENT_TYPE_TEXT" in s["content_type"]  # the mark was found in the title


def test_a_seller_suspension_is_one_account_statement_and_its_listings_get_none_of_their_own(
        world, django_capture_on_commit_callbacks):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    suspension = suspended(world, django_capture_on_commit_callbacks, restriction)
    statements_record()
    assert Restriction.objects.filter(source="suspension").exists()
    assert not StatementRecord.objects.filter(restriction__source="suspension").exists()
    s = statement_build(StatementRecord.objects.get(suspension=suspension)).payload
    assert validate_statement(s) == {}
    assert (s["decision_account"], s["decision_provision"], s["account_type"]) == (
        "DECISION_ACCOUNT_SUSPENDED", "DECISION_PROVISION_PARTIAL_SUSPENSION", "ACCOUNT_TYPE_BUSINESS")
    assert s["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert s["incompatible_content_illegal"] == "Yes"
    assert s["category_specification"] == ["KEYWORD_TRADEMARK_INFRINGEMENT"]
    assert s["puid"] == f"ipportal-s{suspension.pk}"


def test_a_lifted_restriction_states_its_end_date(world, django_capture_on_commit_callbacks):
    from reporters.services import report_withdraw

    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    with django_capture_on_commit_callbacks(execute=True):
        report_withdraw(report=restriction.case.report, user=world.alice)
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    s = statement_of(restriction)
    assert s["end_date_visibility_restriction"] == restriction.lifted_at.date().isoformat()
    assert validate_statement(s) == {}


def test_every_statement_the_portal_makes_passes_together_as_one_batch(world, django_capture_on_commit_callbacks):
    for kind in KINDS:
        decided(world, django_capture_on_commit_callbacks, kind=kind, code=REMOVE[kind])
        decided(world, django_capture_on_commit_callbacks, kind=kind, code=SUPPRESS[kind])
    first = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    automatic(world, django_capture_on_commit_callbacks)
    suspended(world, django_capture_on_commit_callbacks, first)
    statements_record()
    payloads = [built.payload for built in statements_between()]
    assert len(payloads) == 11
    assert validate_batch(payloads) == {}
    # The export's fast path (values) and the models' path give the same statements.
    assert payloads == [statement_build(r).payload for r in statement_records()]


def test_puids_are_stored_once_unique_and_never_change(world, django_capture_on_commit_callbacks):
    r1 = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    # Recorded in the transaction that imposed the restriction; the sweep finds nothing more.
    assert StatementRecord.objects.filter(restriction=r1).count() == 1
    assert statements_record() == 0
    puid = StatementRecord.objects.get(restriction=r1).puid
    r2 = decided(world, django_capture_on_commit_callbacks, kind=RightKind.PATENT, code="pt_product_infringes")
    statements_record()
    assert StatementRecord.objects.get(restriction=r1).puid == puid
    puids = list(StatementRecord.objects.values_list("puid", flat=True))
    assert len(set(puids)) == len(puids) == 2
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in puids)
    assert StatementRecord.objects.get(restriction=r2).puid != puid


def test_decision_facts_hold_no_personal_data(world, django_capture_on_commit_callbacks):
    world.brand_b.trusted_flagger = True
    world.brand_b.save()
    restrictions = [decided(world, django_capture_on_commit_callbacks, kind=k, code=REMOVE[k]) for k in KINDS]
    restrictions.append(decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK,
                                code="tm_counterfeit", brand=world.brand_b, reporter=world.bob))
    suspended(world, django_capture_on_commit_callbacks, restrictions[0])
    statements_record()
    people = [world.alice, world.bob, world.agent, world.rev1, world.rev2, world.senior, world.senior2,
              world.sam, world.sue]
    personal = {"Max Mustermann", "max@seller.test", "Hauptstrasse", "Alice Example", "legal@example.test",
                REVIEWER_FACTS, world.seller_a.name, world.seller_b.name}
    for u in people:
        personal |= {u.email, u.get_full_name()}
        # Usernames too, except those that are ordinary words of the texts ("senior reviewer").
        personal |= {u.username} - {"senior", "agent"}
    texts = [built.payload for built in statements_between()]
    assert len(texts) == 6
    for s in texts:
        for key in ("decision_facts", "illegal_content_explanation", "incompatible_content_explanation"):
            text = s.get(key) or ""
            found = [p for p in personal if p and re.search(rf"\b{re.escape(p)}\b", text, re.IGNORECASE)]
            assert found == [], (key, found, text)
            assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text)  # no e-mail address at all


def test_the_sweep_records_a_restriction_the_applying_transaction_missed(world, django_capture_on_commit_callbacks):
    restriction = decided(world, django_capture_on_commit_callbacks, kind=RightKind.TRADEMARK, code="tm_counterfeit")
    StatementRecord.objects.filter(restriction=restriction).delete()  # as for rows from before this app
    assert statements_record() == 1
    assert StatementRecord.objects.get(restriction=restriction).puid == f"ipportal-r{restriction.pk}"
