"""The reviewers' page of accounts linked to a suspended seller: open flags oldest first with why
each was raised; clear with a reason or escalate to a suspension proposal. Sellers, rights holders
and outsiders get a 404; the staff view of the linked seller shows its flag."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from suspensions.models import LinkedAccountFlag, Suspension

from ..factories import SellerFactory
from ..views import assert_login_redirect
from .linked import APPROVAL_REASON, approve, link_by_address, link_by_id

pytestmark = pytest.mark.django_db
LIST = reverse("suspensions:linked_flag_list")


@pytest.fixture
def flagged(world):
    """seller_a suspended: seller_b (linked id) flagged first, then `third` (address) by a later suspension."""
    link_by_id(world.seller_a, world.seller_b)
    approve(world, world.seller_a)
    world.other_suspended, world.third = SellerFactory(name="Gadget Hub"), SellerFactory(name="Tiny Traders")
    link_by_address(world.other_suspended, world.third)
    approve(world, world.other_suspended)
    world.flag_b = LinkedAccountFlag.objects.get(seller=world.seller_b)
    world.flag_third = LinkedAccountFlag.objects.get(seller=world.third)
    return world


def _decide(client, flag, decision, reason):
    return client.post(reverse("suspensions:linked_flag_decide", args=[flag.pk]),
                       {f"f{flag.pk}-decision": decision, f"f{flag.pk}-reason": reason})


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    assert_login_redirect(client.get(LIST), LIST)


def test_a_reviewer_sees_the_open_flags_oldest_first_with_why(flagged, client):
    client.force_login(flagged.rev2)
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    first, second = html.index(f'data-testid="flag-{flagged.flag_b.pk}"'), html.index(
        f'data-testid="flag-{flagged.flag_third.pk}"')
    assert first < second
    section = html[first:second]
    assert flagged.seller_b.name in section and flagged.seller_a.name in section
    assert "Linked account (marketplace)" in section and APPROVAL_REASON in section
    assert "Address fingerprint" in html[second:] and "Gadget Hub" in html[second:]
    assert f'href="{LIST}"' in html  # in the staff navigation


@pytest.mark.parametrize("persona", ["sam", "sue", "alice", "bob", "outsider"])
def test_sellers_rights_holders_and_outsiders_get_a_404(flagged, client, persona):
    client.force_login(getattr(flagged, persona))
    assert client.get(LIST).status_code == 404
    assert _decide(client, flagged.flag_b, "clear", "Nothing to see on this seller.").status_code == 404
    flagged.flag_b.refresh_from_db()
    assert flagged.flag_b.is_open and not AuditEntry.objects.filter(action="linkedaccountflag.cleared").exists()


def test_the_wrong_method_is_refused(flagged, client):
    client.force_login(flagged.rev1)
    assert client.post(LIST).status_code == 405
    assert client.get(reverse("suspensions:linked_flag_decide", args=[flagged.flag_b.pk])).status_code == 405


def test_clearing_records_who_and_why_and_takes_it_off_the_list(flagged, client):
    client.force_login(flagged.rev1)
    response = _decide(client, flagged.flag_b, "clear", "Same family, different products; no counterfeits.")
    assert response.status_code == 302
    flagged.flag_b.refresh_from_db()
    assert (flagged.flag_b.status, flagged.flag_b.decided_by) == ("cleared", flagged.rev1)
    assert AuditEntry.objects.get(action="linkedaccountflag.cleared").actor == flagged.rev1
    html = client.get(LIST).content.decode()
    assert f'data-testid="flag-{flagged.flag_b.pk}"' not in html and "flag cleared" in html
    assert _decide(client, flagged.flag_b, "clear", "Once more, with feeling.").status_code == 404


def test_clearing_with_no_reason_names_the_field_and_keeps_the_choice(flagged, client):
    client.force_login(flagged.rev1)
    response = _decide(client, flagged.flag_b, "clear", "")
    html = response.content.decode()
    assert response.status_code == 400 and "Give a reason: what you checked on this seller." in html
    assert f'value="clear" required id="id_f{flagged.flag_b.pk}-decision_0" checked' in html
    flagged.flag_b.refresh_from_db()
    assert flagged.flag_b.is_open


def test_a_short_reason_is_refused_with_what_was_typed_kept(flagged, client):
    client.force_login(flagged.rev1)
    response = _decide(client, flagged.flag_b, "clear", "fine")
    html = response.content.decode()
    assert response.status_code == 400
    assert "at least 10 characters (you wrote 4)" in html and ">\nfine</textarea>" in html
    response = _decide(client, flagged.flag_b, "escalate", "Same shop, I think.")
    assert response.status_code == 400 and "at least 20 characters" in response.content.decode()
    assert ">\nSame shop, I think.</textarea>" in response.content.decode()
    flagged.flag_b.refresh_from_db()
    assert flagged.flag_b.is_open and not Suspension.objects.filter(seller=flagged.seller_b).exists()


def test_escalating_proposes_the_linked_sellers_suspension(flagged, client):
    client.force_login(flagged.rev2)
    reason = "Same photos and the same counterfeit headphones as the suspended shop."
    response = _decide(client, flagged.flag_b, "escalate", reason)
    assert response.status_code == 302
    proposal = Suspension.objects.get(seller=flagged.seller_b)
    assert (proposal.status, proposal.proposed_by, proposal.proposal_reason) == ("proposed", flagged.rev2, reason)
    assert f"suspension #{proposal.pk} proposed" in client.get(LIST).content.decode()


def test_the_staff_view_of_the_linked_seller_shows_its_flag(flagged, client):
    client.force_login(flagged.rev1)
    html = client.get(reverse("imagery:seller_linked", args=[flagged.seller_b.pk])).content.decode()
    assert 'data-testid="linked-flag-open"' in html and f"suspension #{flagged.flag_b.suspension_id}" in html
    html = client.get(reverse("imagery:seller_linked", args=[flagged.seller_a.pk])).content.decode()
    assert 'data-testid="linked-flags"' not in html


def test_queue_health_counts_the_flags_waiting(flagged, client):
    client.force_login(flagged.rev1)
    html = client.get(reverse("review:queue_health")).content.decode()
    assert 'data-testid="linked-flags-waiting">2<' in html


def test_the_list_runs_the_same_queries_however_many_flags(flagged, client, django_assert_max_num_queries):
    client.force_login(flagged.rev1)
    with django_assert_max_num_queries(8):
        client.get(LIST)
    for n in range(4):
        extra = SellerFactory()
        link_by_address(flagged.seller_b, extra, value=f"addr:{n}")
    approve(flagged, flagged.seller_b, senior=flagged.senior2)  # flag_b stays open: a reviewer decides it
    assert LinkedAccountFlag.objects.filter(status="open").count() == 6
    with django_assert_max_num_queries(8):
        html = client.get(LIST).content.decode()
    assert html.count('data-testid="flag-') == 6


def test_a_linked_seller_with_a_suspension_open_shows_it_and_escalating_points_at_it(flagged, client):
    open_one = Suspension.objects.create(seller=flagged.third)  # the system proposed it at the threshold
    client.force_login(flagged.rev1)
    html = client.get(LIST).content.decode()
    box = html[html.index(f'data-testid="flag-{flagged.flag_third.pk}"'):]
    assert 'data-testid="open-already"' in box and f"suspension #{open_one.pk}</a> (proposed)" in box
    assert 'data-testid="open-already"' not in html[:html.index(f'data-testid="flag-{flagged.flag_third.pk}"')]
    response = _decide(client, flagged.flag_third, "escalate", "Same address and the same counterfeit photos.")
    assert response.status_code == 302
    flagged.flag_third.refresh_from_db()
    assert flagged.flag_third.escalated_to == open_one and Suspension.objects.filter(seller=flagged.third).count() == 1
