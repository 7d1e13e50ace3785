"""Registry pages: who may open what (outsiders 404, agents view but 403 on managing), forms, methods."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registry.models import BrandMember, IPRight, ProtectionRule, RightStatus

from ..factories import PendingTrademarkFactory
from ..views import assert_login_redirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world):
    return PendingTrademarkFactory(brand=world.brand_a, name="ACME NOVA")


def brand_pages(world, pending):
    a = world.brand_a.pk
    return [
        reverse("registry:brand_detail", args=[a]),
        reverse("registry:rules_edit", args=[a]),
        reverse("registry:right_new", args=[a, "trademark"]),
        reverse("registry:right_detail", args=[pending.pk]),
        reverse("registry:right_edit", args=[pending.pk]),
    ]


def test_bob_gets_404_on_every_page_of_brand_a(world, pending, client):
    client.force_login(world.bob)
    for url in brand_pages(world, pending):
        assert client.get(url).status_code == 404, url
    a = world.brand_a.pk
    member = BrandMember.objects.get(user=world.agent)
    for url in [reverse("registry:member_invite", args=[a]), reverse("registry:member_remove", args=[a, member.pk]),
                reverse("registry:right_confirm", args=[pending.pk])]:
        assert client.post(url, {"email": "x@example.test", "role": "agent", "code": "1"}).status_code == 404, url
    assert BrandMember.objects.filter(user=world.agent).exists()


def test_an_agent_sees_the_brand_but_cannot_manage_it(world, pending, client):
    client.force_login(world.agent)
    page = client.get(reverse("registry:brand_detail", args=[world.brand_a.pk])).content.decode()
    assert "ACME NOVA" in page and "Invite a member" not in page and "Edit rules" not in page
    assert client.get(reverse("registry:right_detail", args=[pending.pk])).status_code == 200
    for url in brand_pages(world, pending)[1:3] + [brand_pages(world, pending)[4]]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "authorized agent" in response.content.decode()


def test_an_agent_whose_authorization_ended_is_an_outsider(world, client):
    import datetime

    BrandMember.objects.filter(user=world.agent).update(authorized_until=datetime.date(2020, 1, 1))
    client.force_login(world.agent)
    assert client.get(reverse("registry:brand_detail", args=[world.brand_a.pk])).status_code == 404


def test_reviewer_pages_are_for_reviewers_only(world, pending, client):
    urls = [reverse("registry:verification_queue"), reverse("registry:verification_detail", args=[pending.pk])]
    for user in (world.alice, world.bob, world.outsider, world.sam):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
    client.force_login(world.rev1)
    assert "ACME NOVA" in client.get(urls[0]).content.decode()
    assert client.get(urls[1]).status_code == 200


def test_pages_need_a_login(client, world):
    url = reverse("registry:brand_list")
    assert_login_redirect(client.get(url), url)


def test_the_brand_list_shows_only_my_brands(world, client):
    client.force_login(world.bob)
    page = client.get(reverse("registry:brand_list")).content.decode()
    assert "Borealis" in page and "Acme" not in page


def test_wrong_methods_are_refused(world, pending, client):
    client.force_login(world.alice)
    assert client.get(reverse("registry:right_confirm", args=[pending.pk])).status_code == 405
    assert client.get(reverse("registry:member_invite", args=[world.brand_a.pk])).status_code == 405
    assert client.delete(reverse("registry:brand_detail", args=[world.brand_a.pk])).status_code == 405


def test_registering_a_brand(world, client):
    client.force_login(world.outsider)
    assert client.get(reverse("registry:brand_new")).status_code == 403
    client.force_login(world.bob)
    response = client.post(reverse("registry:brand_new"),
                           {"name": "Cobalt", "owner_company": "Cobalt SA", "country": "QQ", "website": ""})
    assert response.status_code == 200
    assert "“QQ” is not an ISO 3166-1 country code" in response.content.decode()
    assert 'value="Cobalt SA"' in response.content.decode()  # nothing typed is lost
    response = client.post(reverse("registry:brand_new"),
                           {"name": "Cobalt", "owner_company": "Cobalt SA", "country": "FR", "website": ""})
    assert response.status_code == 302


def test_registering_a_trademark_through_the_form(world, client):
    client.force_login(world.alice)
    url = reverse("registry:right_new", args=[world.brand_a.pk, "trademark"])
    data = {"name": "ACME WAVE", "mark_type": "word", "office": "EUIPO", "registration_number": "1812345",
            "nice_classes": "9", "registered_on": "2021-01-01", "expires_on": "2031-01-01"}
    response = client.post(url, data)
    assert "is not a EUIPO trademark number; they look like 018123456" in response.content.decode()
    assert not IPRight.objects.filter(name="ACME WAVE").exists()
    response = client.post(url, {**data, "registration_number": "018 123 457"})
    right = IPRight.objects.get(name="ACME WAVE")
    assert response["Location"] == reverse("registry:right_detail", args=[right.pk])
    assert right.status == RightStatus.PENDING and right.registration_number == "018123457"
    assert client.get(reverse("registry:right_new", args=[world.brand_a.pk, "trademarks"])).status_code == 404


def test_the_whole_verification_through_the_pages(world, pending, client, django_capture_on_commit_callbacks):
    client.force_login(world.rev1)
    url = reverse("registry:verification_send_code", args=[pending.pk])
    response = client.post(url, {"correspondent_email": "tm@office-record.example"})
    assert response.status_code == 400 and "Check the office record first" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"correspondent_email": "tm@office-record.example", "checked": "on"})
    code = re.search(r"\b(\d{4}) (\d{4})\b", mail.outbox[-1].body).group(0)
    client.force_login(world.alice)
    confirm = reverse("registry:right_confirm", args=[pending.pk])
    response = client.post(confirm, {"code": "1234 5678"})
    assert response.status_code == 400 and "4 attempts left" in response.content.decode()
    assert client.post(confirm, {"code": code}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == RightStatus.VERIFIED


def test_a_rejection_reason_is_shown_to_the_holder(world, pending, client):
    client.force_login(world.rev1)
    client.post(reverse("registry:verification_reject", args=[pending.pk]),
                {"reason": "The EUIPO record lists a different owner."})
    client.force_login(world.agent)
    page = client.get(reverse("registry:right_detail", args=[pending.pk])).content.decode()
    assert "The EUIPO record lists a different owner." in page


def test_correcting_a_rejected_right_sends_it_back_for_verification(world, pending, client):
    client.force_login(world.rev1)
    client.post(reverse("registry:verification_reject", args=[pending.pk]), {"reason": "Number does not match."})
    client.force_login(world.alice)
    data = {"name": "ACME NOVA", "mark_type": "word", "office": "USPTO", "registration_number": "6999999",
            "nice_classes": "9", "registered_on": "2020-01-01", "expires_on": "2035-01-01"}
    assert client.post(reverse("registry:right_edit", args=[pending.pk]), data).status_code == 302
    pending.refresh_from_db()
    assert pending.status == RightStatus.PENDING and pending.registration_number == "6999999"
    assert pending.rejection_reason == ""


def test_inviting_twice_through_the_page_shows_the_error_on_the_email(world, client):
    client.force_login(world.alice)
    url = reverse("registry:member_invite", args=[world.brand_a.pk])
    response = client.post(url, {"email": world.agent.email, "role": "agent"})
    assert response.status_code == 400
    assert "already a member of Acme" in response.content.decode()


def test_saving_rules_through_the_page(world, client):
    client.force_login(world.alice)
    url = reverse("registry:rules_edit", args=[world.brand_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"countries": ["DE"], "countries_mode": "suppress", "sellers": "S-99999",
                                 "sellers_mode": "flag"})
    assert "No seller with id S-99999" in response.content.decode()
    response = client.post(url, {"countries": ["DE", "XK"], "countries_mode": "suppress", "sellers_mode": "flag"})
    assert "“XK” is not an ISO 3166-1 country code" in response.content.decode()  # Kosovo: not in ISO 3166-1
    response = client.post(url, {"countries": ["DE"], "countries_mode": "suppress",
                                 "sellers": world.seller_a.external_id, "sellers_mode": "flag",
                                 "misspellings": "AKME\nACMEE"})
    assert response.status_code == 302
    rule = ProtectionRule.objects.get(brand=world.brand_a, kind="ships_from")
    assert rule.countries == ["DE"] and rule.mode == "suppress"
