"""Watched terms and suppress mode are claims, checked: generic words and other brands' marks are
refused with the reason; a term unrelated to the brand's marks and a suppress mode that would hide
many listings, or another brand's authorized sellers' listings, wait for a reviewer (the term
unwatched, the rule flagging); every automatic restriction names the rule and the term."""

import pytest
from django.urls import reverse

from actions.models import Restriction
from complaints.models import Case, CaseSource, Decision
from listings.models import ListingStatus
from registry.models import ProtectionRule, RuleApproval, RuleKind, RuleMode, WatchedTerm
from registry.rule_claims import approval_decide, edit_distance, term_relates_to_marks
from registry.services import RegistryError, protection_rules_set

from ..monitoring.helpers import set_rules, upsert

pytestmark = pytest.mark.django_db


def _set(world, **kw):
    args = {"countries": ["DE"], "countries_mode": "flag", "sellers": [], "sellers_mode": "flag",
            "extra_terms": [], "misspellings": [], **kw}
    return protection_rules_set(brand=world.brand_a, by=world.alice, **args)


@pytest.mark.parametrize("term", ["headphones", "Wireless Headphones", "HEADPHONES"])
def test_a_generic_product_word_is_refused_with_the_reason(world, term):
    with pytest.raises(RegistryError, match="common product word") as refused:
        _set(world, extra_terms=[term])
    assert refused.value.field == "extra_terms"
    assert not WatchedTerm.objects.exists()


@pytest.mark.parametrize("term", ["Borealis", "borealis deluxe"])
def test_another_brands_mark_is_refused_with_its_owner(world, term):
    with pytest.raises(RegistryError, match="verified mark of another brand \\(Borealis\\)"):
        _set(world, misspellings=[term] if " " not in term else [], extra_terms=[term] if " " in term else [])


def test_variants_of_the_brands_mark_are_watched_at_once(world):
    assert _set(world, misspellings=["AKME", "Acmee"], extra_terms=["Acme Soundwave"]) == []
    assert set(WatchedTerm.objects.values_list("normalized", flat=True)) == {"akme", "acmee", "acme soundwave"}


def test_an_unrelated_term_waits_for_a_reviewer_and_is_not_watched_until_approved(world):
    waiting = _set(world, extra_terms=["Soundwave"])
    assert [a.term for a in waiting] == ["Soundwave"] and "not a variant of your verified marks" in waiting[0].why
    assert not WatchedTerm.objects.filter(normalized="soundwave").exists()
    approval_decide(approval=waiting[0], reviewer=world.rev1, approve=True)
    assert WatchedTerm.objects.filter(brand=world.brand_a, normalized="soundwave").exists()
    # Saved again later, the approved term needs no second approval.
    assert _set(world, extra_terms=["Soundwave"]) == []


def test_a_rights_holder_cannot_approve_their_own_term(world):
    waiting = _set(world, extra_terms=["Soundwave"])
    with pytest.raises(Exception, match="reviewers"):
        approval_decide(approval=waiting[0], reviewer=world.alice, approve=True)


def test_a_big_suppress_change_flags_until_a_reviewer_approves(world, settings, django_capture_on_commit_callbacks):
    settings.PROTECTION_SUPPRESS_REVIEW_LISTINGS = 2
    listings = [upsert(django_capture_on_commit_callbacks, world.seller_b, f"X-{i}", title="ACME headphones")
                for i in range(3)]
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    rule = ProtectionRule.objects.get(brand=world.brand_a, kind=RuleKind.SHIPS_FROM)
    assert rule.mode == RuleMode.FLAG
    approval = RuleApproval.objects.get(kind="suppress")
    assert approval.estimate == 3 and "more than 2" in approval.why
    assert not Restriction.objects.exists()  # nothing hidden before review
    assert Case.objects.filter(source=CaseSource.AUTOMATIC).count() == 3  # flagged for review meanwhile

    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, reviewer=world.rev1, approve=True)
    rule.refresh_from_db()
    assert rule.mode == RuleMode.SUPPRESS
    for listing in listings:
        listing.refresh_from_db()
        assert listing.status == ListingStatus.SUPPRESSED


def test_a_small_suppress_change_acts_at_once_and_names_the_rule_and_term(world, django_capture_on_commit_callbacks):
    listing = upsert(django_capture_on_commit_callbacks, world.seller_b, title="Genuine AKME speaker")
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress",
              misspellings=["Akme"])
    assert not RuleApproval.objects.exists()
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUPPRESSED
    decision = Decision.objects.get(case__listing=listing)
    assert "AKME" in decision.statement and "ships" in decision.statement.lower()


def test_suppressing_another_brands_authorized_seller_waits_for_review(world, django_capture_on_commit_callbacks):
    # Borealis authorizes seller B; Acme's ships-from rule would hide seller B's ACME listing.
    protection_rules_set(brand=world.brand_b, by=world.bob, countries=[], countries_mode="flag",
                         sellers=[world.seller_b], sellers_mode="flag", extra_terms=[], misspellings=[])
    upsert(django_capture_on_commit_callbacks, world.seller_b, title="ACME case for Borealis")
    set_rules(world, django_capture_on_commit_callbacks, countries=["DE"], countries_mode="suppress")
    approval = RuleApproval.objects.get(kind="suppress")
    assert approval.other_brands_sellers == 1 and "another brand authorized" in approval.why
    assert not Restriction.objects.exists()


def test_a_new_save_withdraws_what_still_waits(world):
    first = _set(world, extra_terms=["Soundwave"])[0]
    _set(world, extra_terms=["Bassline"])
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert list(RuleApproval.objects.filter(status="pending").values_list("term", flat=True)) == ["Bassline"]


def test_the_reviewers_page_lists_and_decides(world, client):
    waiting = _set(world, extra_terms=["Soundwave"])[0]
    for who in (world.alice, world.sam, world.outsider):
        client.force_login(who)
        assert client.get(reverse("registry:rule_approval_queue")).status_code == 403
        assert client.post(reverse("registry:rule_approval_decide", args=[waiting.pk]),
                           {"decision": "approve"}).status_code == 403
    client.force_login(world.rev1)
    assert "Soundwave" in client.get(reverse("registry:rule_approval_queue")).content.decode()
    assert client.post(reverse("registry:rule_approval_decide", args=[waiting.pk]),
                       {"decision": "reject"}).status_code == 302
    assert not WatchedTerm.objects.filter(normalized="soundwave").exists()
    assert client.post(reverse("registry:rule_approval_decide", args=[waiting.pk]),
                       {"decision": "approve"}).status_code == 404  # decided once


def test_the_rules_page_says_what_waits(world, client):
    client.force_login(world.alice)
    response = client.post(reverse("registry:rules_edit", args=[world.brand_a.pk]), {
        "countries_mode": "flag", "sellers_mode": "flag", "extra_terms": "Soundwave", "misspellings": ""}, follow=True)
    assert "Waiting for a trust-and-safety reviewer" in response.content.decode()
    response = client.post(reverse("registry:rules_edit", args=[world.brand_a.pk]), {
        "countries_mode": "flag", "sellers_mode": "flag", "extra_terms": "headphones", "misspellings": ""})
    assert "common product word" in response.content.decode()


@pytest.mark.parametrize("a, b, expected", [("acme", "akme", 1), ("acme", "amce", 1), ("borealis", "boraelis", 1),
                                            ("acme", "acne", 1), ("borealis", "bxrxalxs", 3)])
def test_edit_distance(a, b, expected):
    assert edit_distance(a, b, limit=2) == min(expected, 3)


@pytest.mark.parametrize("term, related", [("akme", True), ("acmes", True), ("acme pro", True), ("acmx1", False),
                                           ("akmee", False), ("soundwave", False), ("pacme", True)])
def test_which_terms_relate_to_a_short_mark(term, related):
    assert term_relates_to_marks(term, ["acme"]) is related
