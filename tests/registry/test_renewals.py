"""Renewal of a right (registry/renewals.py): a brand admin renews an expired right, or a verified one
within RENEWAL_WINDOW_DAYS of expiry, with a new expiry date and the office's renewal document; the
right goes back to pending verification. A registration number is held by one live right at a time."""

import datetime as dt
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from evidence.models import EvidenceFile
from registry.models import DocumentRole, IPRight, RightDocument, RightStatus
from registry.renewals import RENEWAL_WINDOW_DAYS, right_renew, right_renewal_refusal
from registry.services import RegistryError, right_register, rights_expire_due

from ..evidence.samples import HTML, PDF, upload
from ..factories import TrademarkFactory

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


@pytest.fixture
def expired(world):
    return TrademarkFactory(brand=world.brand_a, name="ACME OLD", registration_number="5999001",
                            registered_on=_today() - timedelta(days=3650), expires_on=_today() - timedelta(days=3),
                            status=RightStatus.EXPIRED)


@pytest.fixture
def expiring(world):
    return TrademarkFactory(brand=world.brand_a, name="ACME SOON", registration_number="5999002",
                            expires_on=_today() + timedelta(days=30), verified_at=timezone.now(),
                            verified_by=world.rev1)


def _renew(right, by, *, expires_on=None, data=PDF, name="renewal.pdf"):
    return right_renew(right=right, by=by, expires_on=expires_on or _today() + timedelta(days=3650),
                       upload=upload(name, data, "application/pdf") if data is not None else None)


# --- the service -----------------------------------------------------------------------------

def test_an_expired_right_is_renewed_and_waits_for_verification_again(world, expired):
    new = _today() + timedelta(days=3650)
    right = _renew(expired, world.alice, expires_on=new)
    right.refresh_from_db()
    assert right.status == RightStatus.PENDING
    assert right.expires_on == new
    doc = RightDocument.objects.get(right=right, role=DocumentRole.RENEWAL)
    assert doc.uploaded_by == world.alice
    assert doc.file.content_type == "application/pdf"


def test_a_verified_right_near_expiry_is_renewed_and_its_old_verification_is_cleared(world, expiring):
    right = _renew(expiring, world.alice)
    right.refresh_from_db()
    assert right.status == RightStatus.PENDING
    assert right.verified_at is None and right.verified_by is None


def test_renewal_writes_its_audit_entry_and_the_status_move(world, expired):
    _renew(expired, world.alice, expires_on=dt.date(2040, 1, 31))
    renewed = AuditEntry.objects.get(action="ipright.renewed", target_id=expired.pk)
    assert renewed.actor == world.alice
    assert renewed.data["from"] == "expired"
    assert renewed.data["expires_on"] == "2040-01-31"
    assert renewed.data["expires_on_before"] == str(expired.expires_on)
    assert renewed.data["sha256"] == RightDocument.objects.get(right=expired).file.sha256
    moved = AuditEntry.objects.get(action="ipright.pending", target_id=expired.pk)
    assert moved.data == {"from": "expired", "to": "pending", "renewed": True}


@pytest.mark.parametrize(("days_left", "renewable"), [(RENEWAL_WINDOW_DAYS, True), (RENEWAL_WINDOW_DAYS + 1, False),
                                                      (1, True)])
def test_a_verified_right_is_renewable_only_within_the_window(world, days_left, renewable):
    right = TrademarkFactory(brand=world.brand_a, expires_on=_today() + timedelta(days=days_left))
    assert (right_renewal_refusal(right=right) is None) is renewable


def test_pending_rejected_unregistered_and_never_expiring_rights_are_not_renewed(world):
    pending = TrademarkFactory(brand=world.brand_a, status=RightStatus.PENDING, expires_on=_today() + timedelta(days=9))
    rejected = TrademarkFactory(brand=world.brand_a, status=RightStatus.REJECTED)
    endless = TrademarkFactory(brand=world.brand_a, expires_on=None)
    assert "correct its expiry date" in right_renewal_refusal(right=pending)
    assert "correct it and send it again" in right_renewal_refusal(right=rejected)
    assert "no expiry date" in right_renewal_refusal(right=endless)
    with pytest.raises(RegistryError, match="correct its expiry date"):
        _renew(pending, world.alice)


@pytest.mark.parametrize(("expires_on", "message"), [
    (lambda old: _today(), "is not in the future"),
    (lambda old: _today() - timedelta(days=1), "is not in the future"),
    (lambda old: old, "must be after the current one"),
])
def test_a_bad_new_expiry_date_is_refused_on_its_field(world, expiring, expires_on, message):
    with pytest.raises(RegistryError, match=message) as exc:
        _renew(expiring, world.alice, expires_on=expires_on(expiring.expires_on))
    assert exc.value.field == "expires_on"
    expiring.refresh_from_db()
    assert expiring.status == RightStatus.VERIFIED
    assert not EvidenceFile.objects.exists()


def test_a_missing_or_disguised_document_is_refused_on_the_file_field_and_nothing_changes(world, expired):
    with pytest.raises(RegistryError) as missing:
        _renew(expired, world.alice, data=None)
    assert missing.value.field == "file"
    with pytest.raises(RegistryError) as disguised:
        _renew(expired, world.alice, data=HTML, name="renewal.pdf")
    assert disguised.value.field == "file"
    assert "renewal.pdf" in str(disguised.value)
    expired.refresh_from_db()
    assert expired.status == RightStatus.EXPIRED
    assert not EvidenceFile.objects.exists()
    assert not AuditEntry.objects.filter(action="ipright.renewed").exists()


def test_an_agent_may_not_renew_and_another_brand_gets_nothing(world, expired):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        _renew(expired, world.agent)
    with pytest.raises(Http404):
        _renew(expired, world.bob)


# --- registering the same number again -------------------------------------------------------

def _register(brand, by, number):
    return right_register(brand=brand, by=by, kind="trademark", fields={
        "name": "ACME", "office": "USPTO", "registration_number": number, "mark_type": "word",
        "nice_classes": [25], "registered_on": _today() - timedelta(days=10),
        "expires_on": _today() + timedelta(days=3650)})


def test_an_expired_registration_can_be_registered_anew_but_never_twice_at_once(world, expired):
    anew = _register(world.brand_a, world.alice, "5999001")
    assert anew.pk != expired.pk and anew.is_pending
    with pytest.raises(RegistryError) as exc:
        _register(world.brand_b, world.bob, "5999001")
    assert exc.value.field == "registration_number"
    assert "already in the registry" in str(exc.value)


def test_an_expired_right_registered_anew_cannot_be_renewed_as_well(world, expired):
    _register(world.brand_a, world.alice, "5999001")
    with pytest.raises(RegistryError, match="registered again as a new right"):
        _renew(expired, world.alice)
    assert not EvidenceFile.objects.exists()


def test_the_daily_expiry_frees_the_number(world, expiring):
    rights_expire_due(today=expiring.expires_on)
    assert _register(world.brand_b, world.bob, expiring.registration_number).is_pending


def test_the_database_refuses_two_live_rights_with_one_registration(require_postgres, world, expired):
    TrademarkFactory(brand=world.brand_a, registration_number="5999001", status=RightStatus.REJECTED)
    TrademarkFactory(brand=world.brand_b, registration_number="5999001", status=RightStatus.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrademarkFactory(brand=world.brand_a, registration_number="5999001", status=RightStatus.VERIFIED)
    # Another office, another kind, or no number at all are different registrations.
    TrademarkFactory(brand=world.brand_a, office="EUIPO", registration_number="5999001")
    IPRight.objects.create(brand=world.brand_a, kind="design", office="USPTO", registration_number="5999001",
                           name="Lamp", status=RightStatus.PENDING)


def test_a_lost_race_on_the_constraint_is_the_forms_error(require_postgres, world, monkeypatch):
    import registry.services as services

    monkeypatch.setattr(services, "_check_right_fields", lambda kind, fields, other_than=None: fields)
    _register(world.brand_a, world.alice, "5999009")
    with pytest.raises(RegistryError) as exc:
        _register(world.brand_b, world.bob, "5999009")
    assert exc.value.field == "registration_number"


# --- the page --------------------------------------------------------------------------------

def test_the_right_page_offers_renew_to_an_admin_when_expired_or_expiring(world, client, expired, expiring):
    client.force_login(world.alice)
    for right in (expired, expiring):
        page = client.get(reverse("registry:right_detail", args=[right.pk])).content.decode()
        assert reverse("registry:right_renew", args=[right.pk]) in page
    far = TrademarkFactory(brand=world.brand_a, expires_on=_today() + timedelta(days=400))
    assert reverse("registry:right_renew", args=[far.pk]) not in client.get(
        reverse("registry:right_detail", args=[far.pk])).content.decode()
    client.force_login(world.agent)
    page = client.get(reverse("registry:right_detail", args=[expired.pk])).content.decode()
    assert reverse("registry:right_renew", args=[expired.pk]) not in page
    assert "A brand admin renews it." in page


def test_an_admin_renews_through_the_page(world, client, expired):
    client.force_login(world.alice)
    url = reverse("registry:right_renew", args=[expired.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"expires_on": "2036-05-01", "file": upload("renewal.pdf", PDF)})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:right_detail", args=[expired.pk])
    expired.refresh_from_db()
    assert expired.status == RightStatus.PENDING and expired.expires_on == dt.date(2036, 5, 1)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"expires_on": "2001-01-01"}, "expires_on", "is not in the future"),
    ({"expires_on": ""}, "expires_on", "This field is required"),
    ({"expires_on": "not a date"}, "expires_on", "Enter a date as YYYY-MM-DD."),
    ({"expires_on": "2036-05-01", "file": None}, "file", "Upload the office&#x27;s renewal certificate"),
    ({"expires_on": "2036-05-01", "file": "html"}, "file", "was not accepted"),
])
def test_bad_input_is_an_error_on_its_field_and_keeps_the_typed_date(world, client, expired, data, field, message):
    client.force_login(world.alice)
    data = dict(data)
    if "file" not in data:
        data["file"] = upload("renewal.pdf", PDF)
    elif data["file"] is None:
        del data["file"]
    elif data["file"] == "html":
        data["file"] = upload("renewal.pdf", HTML, "application/pdf")
    response = client.post(reverse("registry:right_renew", args=[expired.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    if data["expires_on"]:
        assert f'value="{data["expires_on"]}"' in response.content.decode()
    expired.refresh_from_db()
    assert expired.is_expired


def test_another_brands_user_gets_404_and_an_agent_403(world, client, expired):
    url = reverse("registry:right_renew", args=[expired.pk])
    client.force_login(world.bob)
    assert client.get(url).status_code == 404
    assert client.post(url, {"expires_on": "2036-05-01", "file": upload("r.pdf", PDF)}).status_code == 404
    client.force_login(world.agent)
    assert client.post(url, {"expires_on": "2036-05-01", "file": upload("r.pdf", PDF)}).status_code == 403
    expired.refresh_from_db()
    assert expired.is_expired


def test_the_renew_page_refuses_other_methods(world, client, expired):
    client.force_login(world.alice)
    assert client.put(reverse("registry:right_renew", args=[expired.pk])).status_code == 405


def test_a_right_that_cannot_be_renewed_sends_the_admin_back_with_why(world, client):
    far = TrademarkFactory(brand=world.brand_a, expires_on=_today() + timedelta(days=400))
    client.force_login(world.alice)
    response = client.get(reverse("registry:right_renew", args=[far.pk]), follow=True)
    assert "it can be renewed here from" in response.content.decode()
