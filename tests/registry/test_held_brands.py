"""The senior reviewer's page of brands held for review: why each is held, release or keep with a
reason (HOLD_TRANSITIONS), audited; nobody else may see or decide."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.transitions import IllegalTransition
from complaints.models import Sanction, SanctionLevel
from complaints.sanctions import sanction_confirm
from registry.models import Brand, HoldStatus
from registry.selectors import brands_held
from registry.services import RegistryError, brand_create, brand_hold_decide
from registry.states import HOLD_TRANSITIONS

from ..views import assert_login_redirect

pytestmark = pytest.mark.django_db
LIST = reverse("registry:held_brands")


@pytest.fixture
def held(world):
    sanction = Sanction.objects.create(level=SanctionLevel.SUSPENSION, figures={}, reason="Unfounded.",
                                       brand=world.brand_a)
    sanction_confirm(sanction=sanction, senior=world.senior)
    return brand_create(user=world.agent, name="Acme Two", website="", owner_company="Acme", country="US")


def _decide(client, brand, decision, reason="Checked the trademark office: a separate owner."):
    return client.post(reverse("registry:held_brand_decide", args=[brand.pk]),
                       {f"b{brand.pk}-decision": decision, f"b{brand.pk}-reason": reason})


def test_the_table_allows_exactly_these_moves():
    assert set(HOLD_TRANSITIONS) == set(HoldStatus.values)
    assert {(a, b) for a, tos in HOLD_TRANSITIONS.items() for b in tos} == {
        ("held", "kept"), ("held", "released"), ("kept", "released")}


def test_the_senior_sees_each_held_brand_with_why_it_was_held(world, client, held):
    client.force_login(world.senior)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="held-{held.pk}"' in html and "Acme, whose notices are suspended" in html
    assert f'data-testid="held-{world.brand_a.pk}"' not in html


def test_release_lets_the_brand_file_and_is_audited(world, client, held):
    client.force_login(world.senior)
    response = _decide(client, held, "release")
    assert response.status_code == 302
    held.refresh_from_db()
    assert not held.held_for_review and held.hold_status == HoldStatus.RELEASED
    assert held.hold_decided_by == world.senior
    entry = AuditEntry.objects.filter(action="brand.released").get()
    assert entry.actor == world.senior and entry.data["reason"].startswith("Checked the trademark office")
    assert f'data-testid="held-{held.pk}"' not in client.get(LIST).content.decode()


def test_keep_holds_it_with_the_reason_shown_and_it_can_be_released_later(world, client, held):
    client.force_login(world.senior)
    assert _decide(client, held, "keep", "Same people, same products: a way around the suspension.").status_code == 302
    held.refresh_from_db()
    assert held.held_for_review and held.hold_status == HoldStatus.KEPT
    assert AuditEntry.objects.filter(action="brand.kept", actor=world.senior).exists()
    assert "a way around the suspension" in client.get(LIST).content.decode()
    assert _decide(client, held, "release").status_code == 302
    held.refresh_from_db()
    assert held.hold_status == HoldStatus.RELEASED


def test_a_decision_needs_a_reason_and_keeps_what_was_typed(world, client, held):
    client.force_login(world.senior)
    response = _decide(client, held, "release", "ok")
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    held.refresh_from_db()
    assert held.held_for_review


def test_a_released_brand_cannot_be_decided_again(world, held):
    brand_hold_decide(brand=held, senior=world.senior, release=True, reason="Separate company, checked.")
    with pytest.raises(IllegalTransition):
        brand_hold_decide(brand=held, senior=world.senior2, release=False, reason="Changed my mind entirely.")


@pytest.mark.parametrize("persona", ["alice", "agent", "rev1", "sam"])
def test_only_seniors_see_or_decide(world, client, held, persona):
    client.force_login(getattr(world, persona))
    assert client.get(LIST).status_code == 403
    assert _decide(client, held, "release").status_code == 403
    held.refresh_from_db()
    assert held.held_for_review
    with pytest.raises(RegistryError):
        brand_hold_decide(brand=held, senior=getattr(world, persona), release=True, reason="I say it is fine.")


def test_the_page_needs_a_login_and_a_post(world, client, held):
    assert_login_redirect(client.get(LIST), LIST)
    client.force_login(world.senior)
    assert client.get(reverse("registry:held_brand_decide", args=[held.pk])).status_code == 405
    assert _decide(client, world.brand_a, "release").status_code == 404  # not held


def test_filing_is_barred_exactly_while_held_or_kept(world, held):
    for status, barred in [(HoldStatus.HELD, True), (HoldStatus.KEPT, True), (HoldStatus.RELEASED, False),
                           (HoldStatus.NONE, False)]:
        Brand.objects.filter(pk=held.pk).update(hold_status=status)
        held.refresh_from_db()
        assert held.held_for_review is barred
        assert (held in brands_held()) is barred
