"""Every path of automatic protection, through listing_upsert (the one path every change takes)."""

import pytest

from actions.models import ActionKind, EnforcementAction
from complaints.models import Case, CaseSource, CaseState, Decision
from listings.models import ListingStatus
from registry.models import RightStatus, RuleApproval
from registry.rule_claims import approval_decide

from .helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


def auto_cases(listing):
    return Case.objects.filter(listing=listing, source=CaseSource.AUTOMATIC)


def test_a_mark_shipped_from_an_unauthorized_country_is_suppressed(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE", "US"], countries_mode="suppress")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones", ships_from="CN")
    case = auto_cases(listing).get()
    assert case.report is None and case.state == CaseState.OPEN and case.right == world.tm_a
    assert case.detection["rules"] == ["ships_from"] and case.detection["matched"] == "ACME"
    assert case.detection["field"] == "title" and case.detection["mode"] == "suppress"
    assert listing.status == ListingStatus.SUPPRESSED
    decision = Decision.objects.get(case=case)
    assert decision.automated and decision.decided_by is None and decision.outcome == "suppress"
    assert "Detection and decision were automated." in decision.statement
    assert "automatic detection, no report" in decision.statement
    assert EnforcementAction.objects.get(case=case).kind == ActionKind.SUPPRESS


def test_an_authorized_country_is_left_alone(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE", "US"])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones", ships_from="DE")
    assert not auto_cases(listing).exists() and listing.status == ListingStatus.ACTIVE


def test_an_unauthorized_seller_is_flagged_in_flag_mode(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=[], sellers=[world.seller_a], sellers_mode="flag")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones", ships_from="DE")
    case = auto_cases(listing).get()
    assert case.detection["rules"] == ["seller"] and case.detection["mode"] == "flag"
    assert listing.status == ListingStatus.ACTIVE  # flagged only: waits for a reviewer
    assert not Decision.objects.filter(case=case).exists() and not EnforcementAction.objects.exists()


def test_an_authorized_seller_is_left_alone(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=[], sellers=[world.seller_a])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, title="ACME headphones")
    assert not auto_cases(listing).exists()


def test_both_rules_broken_suppress_when_either_says_so(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="flag",
              sellers=[world.seller_a], sellers_mode="suppress")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME", ships_from="CN")
    case = auto_cases(listing).get()
    assert case.detection["rules"] == ["ships_from", "seller"] and listing.status == ListingStatus.SUPPRESSED


def test_without_any_rule_set_nothing_fires(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries=[], sellers=[])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones")
    assert not auto_cases(listing).exists()


@pytest.mark.parametrize(("field", "label"), [("title", "title"), ("description", "description"),
                                               ("brand_name", "brand field")])
def test_the_term_is_found_in_each_field(world, django_capture_on_commit_callbacks, field, label):
    set_rules(world, django_capture_on_commit_callbacks)
    texts = {"title": "Wireless headphones", "description": "", "brand_name": "", field: "Genuine Acme inside"}
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, **texts)
    assert auto_cases(listing).get().detection["field"] == label


def test_accents_and_case_do_not_hide_a_term(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, misspellings=["Akmé"])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Casque ÀKME  édition")
    case = auto_cases(listing).get()
    assert case.detection["matched"] == "ÀKME" and case.detection["term_source"] == "misspelling"
    assert case.right == world.tm_a  # an extra term opens the case under the brand's verified mark


def test_a_multi_word_extra_term_matches_across_extra_spaces(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, extra_terms=["Sound Pro"])
    # Not a variant of ACME: watched once a reviewer approves it (registry.rule_claims).
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=RuleApproval.objects.get(term="Sound Pro"), reviewer=world.rev1, approve=True)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Studio",
                     description="Like a SOUND\n  PRO, cheaper")
    assert auto_cases(listing).get().detection["matched"] == "SOUND\n  PRO"


@pytest.mark.parametrize("title", ["ACMEPHONE headphones", "Pacme headphones", "acme2 cable"])
def test_only_whole_words_match(world, django_capture_on_commit_callbacks, title):
    set_rules(world, django_capture_on_commit_callbacks)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title=title)
    assert not auto_cases(listing).exists()


def test_punctuation_is_a_word_boundary(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Cable (Acme-compatible)")
    assert auto_cases(listing).exists()


def test_an_unverified_right_is_ignored(world, django_capture_on_commit_callbacks):
    world.tm_b.status = RightStatus.PENDING
    world.tm_b.save()
    set_rules(world, django_capture_on_commit_callbacks, brand=world.brand_b, by=world.bob,
              extra_terms=["Borealis Max"])
    listing = upsert(django_capture_on_commit_callbacks, world.seller_a, title="BOREALIS Max speaker")
    assert not auto_cases(listing).exists()


def test_another_brands_term_does_not_fire_this_brands_rule(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)  # Acme's rules; Borealis has none
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="BOREALIS speaker")
    assert not auto_cases(listing).exists()


def test_an_update_reuses_the_open_case(world, django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks, countries_mode="flag")
    upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones")
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME headphones v2")
    assert auto_cases(listing).count() == 1


def test_a_clean_update_of_a_clean_listing_opens_nothing_and_a_dirty_one_does(world,
                                                                              django_capture_on_commit_callbacks):
    set_rules(world, django_capture_on_commit_callbacks)
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Headphones")
    assert not auto_cases(listing).exists()
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Headphones like ACME")
    assert auto_cases(listing).count() == 1
