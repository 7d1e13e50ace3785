"""Unregistered rights (registry.unregistered): what each kind must describe, patents refused, and
that such a right never enters verification, registry editing or monitoring."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from monitoring.matcher import matcher_build
from registry.models import IPRight, RightStatus
from registry.selectors import brand_protection, verification_queue
from registry.services import (
    RegistryError,
    right_confirm_code,
    right_describe_unregistered,
    right_reject,
    right_send_code,
    right_update,
    rights_expire_due,
)
from registry.unregistered import DescribeError, unregistered_right_clean

TODAY = date(2026, 6, 15)
TRADEMARK = {"name": "ACME", "first_used_on": "2019-03-01", "use_countries": ["us", "CA"],
             "description": "Headphones sold under ACME since 2019 in our shops and online."}
DESIGN = {"name": "Aurora lamp shape", "product": "table lamp", "first_published_on": "2025-01-10",
          "description": "A faceted conical shade on a triangular base."}
COPYRIGHT = {"name": "Aurora product photo", "work_type": "image", "author": "Rita Holt"}


def clean(kind, values):
    return unregistered_right_clean(kind=kind, values=values, today=TODAY)


# --- what each kind needs --------------------------------------------------------------------

def test_a_trademark_is_described_by_its_use():
    fields = clean("trademark", TRADEMARK)
    assert fields == {"registered": False, "name": "ACME", "first_used_on": date(2019, 3, 1),
                      "use_countries": ["CA", "US"], "description": TRADEMARK["description"]}


def test_countries_may_be_typed_as_text():
    assert clean("trademark", {**TRADEMARK, "use_countries": "de, fr  FR"})["use_countries"] == ["DE", "FR"]


@pytest.mark.parametrize("kind,values,field,message", [
    ("trademark", {**TRADEMARK, "first_used_on": ""}, "first_used_on", "In use in commerce since: this is required"),
    ("trademark", {**TRADEMARK, "use_countries": []}, "use_countries", "Countries where it is used: this is required"),
    ("trademark", {**TRADEMARK, "use_countries": ["US", "XX"]}, "use_countries", "Not ISO 3166-1 country codes: XX"),
    ("trademark", {**TRADEMARK, "description": "  "}, "description", "How the mark is used: this is required"),
    ("trademark", {**TRADEMARK, "first_used_on": "2026-07-01"}, "first_used_on", "cannot be in the future"),
    ("trademark", {**TRADEMARK, "first_used_on": "01/03/2019"}, "first_used_on", "YYYY-MM-DD"),
    ("trademark", {**TRADEMARK, "name": "x" * 201}, "name", "at most 200 characters"),
    ("design", {**DESIGN, "product": ""}, "product", "Product: this is required"),
    ("design", {**DESIGN, "description": ""}, "description", "Features of its appearance: this is required"),
    ("copyright", {**COPYRIGHT, "author": ""}, "author", "Author: this is required"),
    ("copyright", {**COPYRIGHT, "work_type": "poem"}, "work_type", "choose one of"),
    ("copyright", {**COPYRIGHT, "registration_number": "VA1"}, "registration_number", "does not take"),
    ("trademark", {**TRADEMARK, "name": ["ACME"]}, "name", "give text"),
])
def test_each_kind_checks_its_own_fields(kind, values, field, message):
    with pytest.raises(DescribeError, match=message) as exc:
        clean(kind, values)
    assert exc.value.field == field


def test_an_unregistered_design_lasts_three_years_from_first_disclosure():
    assert clean("design", DESIGN)["expires_on"] == date(2028, 1, 10)
    with pytest.raises(DescribeError, match="protection ended on 14 June 2026") as exc:
        clean("design", {**DESIGN, "first_published_on": "2023-06-14"})
    assert exc.value.field == "first_published_on"


def test_a_copyright_needs_no_date_or_description():
    assert clean("copyright", COPYRIGHT) == {"registered": False, **COPYRIGHT}


def test_a_patent_cannot_be_unregistered():
    with pytest.raises(DescribeError, match="only once it is granted") as exc:
        clean("patent", {"name": "Hinge"})
    assert exc.value.field == "kind"


# --- the service -----------------------------------------------------------------------------

def test_an_agent_describes_a_right_for_its_brand_and_it_is_audited(world):
    right = right_describe_unregistered(brand=world.brand_a, by=world.agent, kind="design", values=DESIGN)
    assert right.brand == world.brand_a and not right.registered and right.status == RightStatus.PENDING
    assert str(right) == "Unregistered design “Aurora lamp shape”" and right.status_label == "Unregistered"
    assert ("Features of its appearance", DESIGN["description"]) in right.described_facts
    entry = AuditEntry.objects.get(action="ipright.described")
    assert entry.target_id == right.pk and entry.actor == world.agent


@pytest.mark.parametrize("persona", ["bob", "outsider", "rev1"])
def test_no_one_describes_a_right_for_a_brand_they_do_not_act_for(world, persona):
    with pytest.raises(RegistryError, match="do not act for this brand") as exc:
        right_describe_unregistered(brand=world.brand_a, by=getattr(world, persona), kind="trademark",
                                    values=TRADEMARK)
    assert exc.value.field == "brand" and not IPRight.objects.filter(registered=False).exists()


@pytest.fixture
def described(world):
    return right_describe_unregistered(brand=world.brand_a, by=world.alice, kind="trademark", values=TRADEMARK)


def test_it_is_not_in_the_verification_queue(world, described):
    assert not verification_queue(user=world.rev1).exists()
    pending = IPRight.objects.create(brand=world.brand_a, kind="trademark", name="ACME PRO", office="USPTO",
                                     registration_number="7654321")
    assert list(verification_queue(user=world.rev1)) == [pending]


@pytest.mark.parametrize("action", ["send_code", "reject", "confirm", "edit"])
def test_it_is_never_verified_rejected_or_edited_in_the_registry(world, described, action):
    calls = {
        "send_code": lambda: right_send_code(right=described, reviewer=world.rev1,
                                             correspondent_email="tm@office.example"),
        "reject": lambda: right_reject(right=described, reviewer=world.rev1, reason="No such mark in use at all."),
        "confirm": lambda: right_confirm_code(right=described, by=world.alice, code="12345678"),
        "edit": lambda: right_update(right=described, by=world.alice, fields={"name": "ACME 2"}),
    }
    with pytest.raises(RegistryError, match="not registered with an office"):
        calls[action]()
    described.refresh_from_db()
    assert described.status == RightStatus.PENDING and described.name == "ACME"


def test_the_database_refuses_an_unregistered_right_that_is_verified_has_a_number_or_is_a_patent(world):
    base = {"brand": world.brand_a, "name": "X", "registered": False}
    for bad in ({"kind": "trademark", "status": RightStatus.VERIFIED}, {"kind": "trademark", "office": "USPTO"},
                {"kind": "design", "registration_number": "D123456"}, {"kind": "patent"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            IPRight.objects.create(**base, **bad)


def test_monitoring_never_watches_an_unregistered_mark(world):
    """Monitoring watches verified trademarks only, and the database keeps an unregistered right from
    ever being verified: describing a mark adds nothing to the watch list or the automaton."""
    before = matcher_build().term_count
    right_describe_unregistered(brand=world.brand_a, by=world.alice, kind="trademark",
                                values={**TRADEMARK, "name": "ZENOR"})
    assert "zenor" not in brand_protection(brand=world.brand_a).terms
    assert "acme" in brand_protection(brand=world.brand_a).terms
    assert matcher_build().term_count == before


def test_an_unregistered_design_expires_with_the_others(world, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    disclosed = timezone.localdate() - timedelta(days=365)
    right = right_describe_unregistered(brand=world.brand_a, by=world.alice, kind="design",
                                        values={**DESIGN, "first_published_on": disclosed})
    assert rights_expire_due(today=right.expires_on - timedelta(days=1)) == 0
    assert rights_expire_due(today=right.expires_on) == 1
    right.refresh_from_db()
    assert right.status == RightStatus.EXPIRED and right.status_label == "Expired"


# --- pages -----------------------------------------------------------------------------------

def test_the_right_page_says_it_is_unregistered_and_offers_no_verification(world, client, described):
    client.force_login(world.alice)
    html = client.get(reverse("registry:right_detail", args=[described.pk])).content.decode()
    assert "Unregistered right — described by the reporter" in html and "US" in html and "1 March 2019" in html
    assert 'data-testid="verification"' not in html and 'data-testid="documents"' not in html
    response = client.get(reverse("registry:right_edit", args=[described.pk]))
    assert response.status_code == 302 and response.url == reverse("registry:right_detail", args=[described.pk])


def test_the_reviewer_page_shows_the_description_without_code_or_reject_forms(world, client, described):
    client.force_login(world.rev1)
    html = client.get(reverse("registry:verification_detail", args=[described.pk])).content.decode()
    assert "Unregistered right — described by the reporter" in html and "no office record" in html
    assert "Send code" not in html and ">Reject</button>" not in html
    assert described.name not in client.get(reverse("registry:verification_queue")).content.decode()


def test_another_brand_cannot_see_it(world, client, described, settings):
    settings.DEBUG = False
    client.force_login(world.bob)
    assert client.get(reverse("registry:right_detail", args=[described.pk])).status_code == 404


def test_sellers_cannot_reach_the_reviewer_page(world, client, described, settings):
    settings.DEBUG = False
    client.force_login(world.sam)
    assert client.get(reverse("registry:verification_detail", args=[described.pk])).status_code == 403
