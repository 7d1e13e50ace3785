"""Brands, members and invitations; protection rules. Only admins manage; nothing changes on error."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse

from registry.models import Brand, BrandInvitation, BrandMember, ProtectionRule, RuleKind, WatchedTerm
from registry.selectors import brand_protection
from registry.services import (
    RegistryError,
    brand_create,
    brand_invitation_accept,
    brand_member_invite,
    brand_member_remove,
    protection_rules_set,
)

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_brand_makes_the_creator_its_admin(world):
    brand = brand_create(user=world.bob, name="Cobalt", website="", owner_company="Cobalt SA", country="FR")
    assert BrandMember.objects.get(brand=brand, user=world.bob).role == "admin"


def test_a_brand_with_a_bad_country_or_a_taken_name_is_refused(world):
    with pytest.raises(RegistryError) as exc:
        brand_create(user=world.bob, name="Cobalt", website="", owner_company="C", country="XX")
    assert exc.value.field == "country"
    with pytest.raises(RegistryError) as exc:
        brand_create(user=world.bob, name="acme", website="", owner_company="C", country="FR")
    assert exc.value.field == "name"
    assert not Brand.objects.filter(name="Cobalt").exists()


def test_inviting_an_existing_account_needs_its_consent_and_reveals_nothing(world):
    carol = UserFactory(username="carol", role="rights_holder")
    with TestCase.captureOnCommitCallbacks(execute=True):
        existing = brand_member_invite(brand=world.brand_a, by=world.alice, email="CAROL@example.test", role="agent")
        unknown = brand_member_invite(brand=world.brand_a, by=world.alice, email="nobody@example.test", role="agent")
    # The same answer and the same mail, account or not; nobody is a member before accepting.
    assert isinstance(existing, BrandInvitation) and isinstance(unknown, BrandInvitation)
    assert not BrandMember.objects.filter(brand=world.brand_a, user=carol).exists()
    bodies = [m.body.split("/registry/invitations/")[0] for m in mail.outbox[-2:]]
    assert bodies[0] == bodies[1] and mail.outbox[-2].to == ["carol@example.test"]


def test_a_seller_account_is_invited_like_anyone_and_refused_only_when_accepting(world):
    seller = UserFactory(username="sellerx", role="seller")
    invitation = brand_member_invite(brand=world.brand_a, by=world.alice, email=seller.email, role="agent")
    with pytest.raises(RegistryError, match="rights-holder"):
        brand_invitation_accept(invitation=invitation, user=seller)


def test_a_member_invited_twice_is_refused(world):
    with pytest.raises(RegistryError) as exc:
        brand_member_invite(brand=world.brand_a, by=world.alice, email=world.agent.email, role="agent")
    assert exc.value.field == "email" and "already a member" in str(exc.value)


def test_an_email_without_account_gets_one_pending_invitation(world):
    with TestCase.captureOnCommitCallbacks(execute=True):
        inv = brand_member_invite(brand=world.brand_a, by=world.alice, email="new@example.test", role="agent")
    assert isinstance(inv, BrandInvitation)
    assert "/registry/invitations/" in mail.outbox[-1].body
    with pytest.raises(RegistryError) as exc:
        brand_member_invite(brand=world.brand_a, by=world.alice, email="New@example.test", role="admin")
    assert "already invited" in str(exc.value)
    assert BrandInvitation.objects.count() == 1


def test_logging_in_accepts_no_invitation(world, client):
    brand_member_invite(brand=world.brand_a, by=world.alice, email="dana@example.test", role="agent")
    dana = UserFactory(username="dana", email="dana@example.test")
    assert client.login(username="dana", password=PASSWORD)
    assert not BrandMember.objects.filter(brand=world.brand_a, user=dana).exists()
    assert BrandInvitation.objects.get().accepted_by is None


def test_the_invitation_link_works_for_the_invited_account_only(world, client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        brand_member_invite(brand=world.brand_a, by=world.alice, email="erin@example.test", role="admin")
    link = re.search(r"(/registry/invitations/[^\s]+)", mail.outbox[-1].body).group(1)
    client.force_login(world.bob)
    assert client.get(link).status_code == 404
    erin = UserFactory(username="erin", email="erin@example.test")
    client.force_login(erin)
    assert client.get(link).status_code == 200
    assert client.post(link)["Location"] == reverse("registry:brand_detail", args=[world.brand_a.pk])
    assert BrandMember.objects.get(brand=world.brand_a, user=erin).role == "admin"


def test_only_an_agent_gets_an_authorization_end_date(world):
    import datetime

    with pytest.raises(RegistryError) as exc:
        brand_member_invite(brand=world.brand_a, by=world.alice, email="f@example.test", role="admin",
                            authorized_until=datetime.date(2099, 1, 1))
    assert exc.value.field == "authorized_until"


def test_agents_and_outsiders_cannot_manage_members(world):
    with pytest.raises(PermissionDenied):
        brand_member_invite(brand=world.brand_a, by=world.agent, email="x@example.test", role="agent")
    from django.http import Http404

    with pytest.raises(Http404):
        brand_member_invite(brand=world.brand_a, by=world.bob, email="x@example.test", role="agent")


def test_the_last_admin_cannot_be_removed(world):
    me = BrandMember.objects.get(brand=world.brand_a, user=world.alice)
    with pytest.raises(RegistryError):
        brand_member_remove(member=me, by=world.alice)
    agent = BrandMember.objects.get(brand=world.brand_a, user=world.agent)
    brand_member_remove(member=agent, by=world.alice)
    assert not BrandMember.objects.filter(user=world.agent).exists()


def rules(world, by=None, **overrides):
    args = dict(brand=world.brand_a, by=by or world.alice, countries=["DE", "US"], countries_mode="suppress",
                sellers=[world.seller_a], sellers_mode="flag", extra_terms=["Acme Pro"], misspellings=["Akmé"])
    args.update(overrides)
    protection_rules_set(**args)


def test_rules_are_saved_and_evaluable(world):
    rules(world)
    p = brand_protection(brand=world.brand_a)
    assert p.terms == {"acme": "mark:ACME", "acme pro": "extra:Acme Pro", "akme": "misspelling:Akmé"}
    assert p.countries == {"DE", "US"} and p.countries_mode == "suppress"
    assert p.seller_ids == {world.seller_a.pk} and p.sellers_mode == "flag"


def test_rules_left_empty_are_not_set(world):
    rules(world, countries=[], sellers=[])
    p = brand_protection(brand=world.brand_a)
    assert p.countries is None and p.seller_ids is None


def test_a_bad_country_in_the_rules_changes_nothing(world):
    rules(world)
    with pytest.raises(RegistryError) as exc:
        rules(world, countries=["DE", "ZZ"], extra_terms=["Other"])
    assert exc.value.field == "countries"
    assert ProtectionRule.objects.get(brand=world.brand_a, kind=RuleKind.SHIPS_FROM).countries == ["DE", "US"]
    assert set(WatchedTerm.objects.values_list("normalized", flat=True)) == {"acme pro", "akme"}


def test_a_term_that_is_already_a_verified_mark_or_listed_twice_is_refused(world):
    with pytest.raises(RegistryError) as exc:
        rules(world, extra_terms=["Acmé"])
    assert "watched already" in str(exc.value)
    with pytest.raises(RegistryError) as exc:
        rules(world, extra_terms=["Acme Pro"], misspellings=["ACME  PRO"])
    assert "listed twice" in str(exc.value)


def test_an_agent_trying_to_change_rules_is_refused_and_nothing_changes(world, client):
    with pytest.raises(PermissionDenied):
        rules(world, by=world.agent)
    assert not ProtectionRule.objects.exists()
    client.force_login(world.agent)
    url = reverse("registry:rules_edit", args=[world.brand_a.pk])
    response = client.post(url, {"countries": ["DE"], "countries_mode": "flag", "sellers_mode": "flag"})
    assert response.status_code == 403
    assert "Only admins of Acme manage its members, rights and rules" in response.content.decode()
    assert not ProtectionRule.objects.exists()
