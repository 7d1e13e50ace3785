"""What waits on a rights holder, on the home page and My reports, and each report's progress."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import CaseState, InfoRequest
from counter_notices.models import CounterNotice
from reporters.selectors import needs_you

from ..conftest import claim_and_remove, report_with_cases
from ..factories import AppealFactory, DecisionFactory, TrademarkFactory

pytestmark = pytest.mark.django_db


def _waiting_world(world):
    report, cases = report_with_cases(world, 4)
    InfoRequest.objects.create(case=cases[0], asked_by=world.rev1, question="Send the test-buy invoice.",
                               deadline=timezone.now() + timedelta(days=3))
    cases[0].state = CaseState.NEEDS_INFO  # as the service leaves it (states are not this test's subject)
    cases[0].save(update_fields=["state"])
    decision = claim_and_remove(case=cases[1], reviewer=world.rev1)
    AppealFactory(decision=decision, case=cases[1], filed_by=world.sam)
    removal = claim_and_remove(case=cases[2], reviewer=world.rev1)
    today = timezone.localdate()
    CounterNotice.objects.create(
        case=cases[2], decision=removal, filed_by=world.sam, material="Lamp", location="https://shop.test/l/1",
        perjury_statement=True, full_name="Sam Seller", address="1 Road", phone="123", consent_jurisdiction=True,
        consent_service=True, signature="Sam Seller", court_action_due=today + timedelta(days=12),
        reinstate_on=today + timedelta(days=14))
    TrademarkFactory(brand=world.brand_a, name="ACME LAMPS", expires_on=today + timedelta(days=20))
    return report


def test_it_lists_questions_appeals_counter_notices_and_expiring_rights_soonest_first(world):
    _waiting_world(world)
    items = needs_you(user=world.alice)
    assert [i.what for i in items] == ["Question from a reviewer", "Counter-notice", "Right expiring",
                                      "Seller's appeal"]
    assert "Send the test-buy invoice." in items[0].text
    assert "Show a court action by" in items[1].text
    assert needs_you(user=world.bob) == []  # another brand's work is not bob's


def test_the_home_page_and_my_reports_show_it(world, client):
    report = _waiting_world(world)
    client.force_login(world.alice)
    home = client.get(reverse("home")).content.decode()
    assert "Needs you (4)" in home and "Send the test-buy invoice." in home
    page = client.get(reverse("reporters:report_list")).content.decode()
    assert "Needs you (4)" in page
    assert "2 of 4 decided" in page and "Waiting for your answer" in page
    assert reverse("reporters:report_detail", args=[report.pk]) in page
    client.force_login(world.bob)
    assert "Nothing waits on you" in client.get(reverse("home")).content.decode()


def test_a_report_decided_through_reads_decided(world, client):
    report, cases = report_with_cases(world, 2)
    for case in cases:
        claim_and_remove(case=case, reviewer=world.rev1)
    client.force_login(world.alice)
    page = client.get(reverse("reporters:report_list")).content.decode()
    assert "2 of 2 decided" in page and "Decided" in page and "Under review" not in page


def test_an_answered_appeal_no_longer_waits(world):
    report, cases = report_with_cases(world, 1)
    decision = DecisionFactory(case=cases[0])
    appeal = AppealFactory(decision=decision, case=cases[0], filed_by=world.sam)
    appeal.responses.create(party="reporter", author=world.alice, statement="They are fakes.")
    assert needs_you(user=world.alice) == []
