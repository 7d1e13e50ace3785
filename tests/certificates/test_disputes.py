"""Disputing a near-duplicate refusal: a reviewer compares both works and rules."""

import pytest
from django.test import Client

from audit.transitions import IllegalTransition
from certificates.models import Certificate, CertificateDispute, DisputeState
from certificates.services import RegistrationRefused, dispute_decide, dispute_open
from certificates.verification import log_verify
from tests.certificates.conftest import as_file, register, upload
from tests.certificates.samples import edits, encode, picture, png

pytestmark = pytest.mark.django_db

STATEMENT = "Our photo was taken in our own studio in 2024; only the layout is similar."


def near_copy(seed=3):
    return encode(edits(picture(seed))["resized_50"], "JPEG", quality=85)


def open_dispute(world, earlier=None):
    earlier = earlier or register(world, png(3))
    return dispute_open(brand=world.brand_b, by=world.bob, upload=upload(near_copy(), "ours.jpg"), title="Our photo",
                        work_type="image", statement=STATEMENT)


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_near_copy_refusal_can_be_disputed(world, settings):
    earlier = register(world, png(3))
    dispute = open_dispute(world, earlier)
    assert dispute.is_open and dispute.earlier == earlier and dispute.distance <= 10
    assert (settings.MEDIA_ROOT / "certificates" / "disputes" / dispute.storage_name).exists()
    assert Certificate.objects.count() == 1


def test_an_identical_work_cannot_be_disputed(world):
    register(world, png(3))
    with pytest.raises(RegistrationRefused, match="cannot be disputed here"):
        dispute_open(brand=world.brand_b, by=world.bob, upload=upload(png(3)), title="Same", work_type="image",
                     statement=STATEMENT)
    assert not CertificateDispute.objects.exists()


def test_a_work_that_was_not_refused_cannot_be_disputed(world):
    register(world, png(3))
    with pytest.raises(RegistrationRefused, match="not refused"):
        dispute_open(brand=world.brand_b, by=world.bob, upload=upload(png(4)), title="Other", work_type="image",
                     statement=STATEMENT)


def test_a_dispute_needs_a_statement(world):
    register(world, png(3))
    with pytest.raises(RegistrationRefused) as exc:
        dispute_open(brand=world.brand_b, by=world.bob, upload=upload(near_copy()), title="Ours", work_type="image",
                     statement="no")
    assert exc.value.field == "statement"


def test_ruled_not_a_copy_the_work_is_registered_and_the_log_verifies(world):
    dispute = open_dispute(world)
    dispute = dispute_decide(dispute=dispute, reviewer=world.rev1, register=True, reason="Different photos.")
    assert dispute.state == DisputeState.REGISTERED and dispute.certificate.brand == world.brand_b
    assert dispute.certificate.right.is_verified and Certificate.objects.count() == 2
    assert log_verify().ok
    with pytest.raises(IllegalTransition):
        dispute_decide(dispute=dispute, reviewer=world.rev2, register=False, reason="Again.")


def test_ruled_a_copy_nothing_is_registered(world):
    dispute = dispute_decide(dispute=open_dispute(world), reviewer=world.rev1, register=False, reason="Same photo.")
    assert dispute.state == DisputeState.REFUSED and dispute.certificate is None
    assert Certificate.objects.count() == 1


def test_only_reviewers_rule(world):
    dispute = open_dispute(world)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        dispute_decide(dispute=dispute, reviewer=world.alice, register=True, reason="Mine.")


def test_the_refusal_page_offers_the_dispute_and_the_reviewer_rules_side_by_side(world):
    earlier = register(world, png(3))
    bob = logged_in(world.bob)
    r = bob.post("/certificates/new/", {"brand": world.brand_b.pk, "title": "Our photo", "work_type": "image",
                                        "file": as_file(near_copy(), "ours.jpg")})
    assert 'data-testid="dispute"' in r.content.decode()
    fields = {"brand": world.brand_b.pk, "title": "Our photo", "work_type": "image", "author": "",
              "statement": STATEMENT, "file": as_file(near_copy(), "ours.jpg")}
    r = bob.post("/certificates/disputes/new/", {f"dispute-{k}": v for k, v in fields.items()})
    assert r.status_code == 302
    dispute = CertificateDispute.objects.get()
    rev = logged_in(world.rev1)
    assert f"/certificates/disputes/{dispute.pk}/" in rev.get("/certificates/disputes/").content.decode()
    page = rev.get(f"/certificates/disputes/{dispute.pk}/").content.decode()
    assert f"/certificates/{earlier.public_id}/thumbnail.png" in page
    assert f"/certificates/disputes/{dispute.pk}/thumbnail.png" in page and STATEMENT in page
    assert rev.get(f"/certificates/disputes/{dispute.pk}/thumbnail.png")["Content-Type"] == "image/png"
    r = rev.post(f"/certificates/disputes/{dispute.pk}/", {"outcome": "register", "reason": "Different photos."})
    assert r.status_code == 302
    assert CertificateDispute.objects.get().certificate is not None


def test_the_dispute_pages_are_for_reviewers(world):
    dispute = open_dispute(world)
    for user in (world.alice, world.bob, world.sam):
        c = logged_in(user)
        assert c.get("/certificates/disputes/").status_code == 403
        assert c.get(f"/certificates/disputes/{dispute.pk}/").status_code == 403
        assert c.get(f"/certificates/disputes/{dispute.pk}/thumbnail.png").status_code == 403
    assert logged_in(world.rev1).get("/certificates/disputes/999/").status_code == 404
    assert logged_in(world.bob).get("/certificates/disputes/new/").status_code == 405


def test_a_ruling_needs_a_reason(world):
    dispute = open_dispute(world)
    r = logged_in(world.rev1).post(f"/certificates/disputes/{dispute.pk}/", {"outcome": "register", "reason": ""})
    assert r.status_code == 200 and CertificateDispute.objects.get().is_open
