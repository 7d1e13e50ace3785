"""Referrals: the transition table over every pair, who may request and move, the package that
goes out, and single-use expiring share links with every download logged."""

import logging

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from legal.models import PackageDownload, PackageScope, Referral, ReferralState, ShareLink
from legal.services import (
    LegalError,
    LinkRefused,
    package_request,
    referral_attach_package,
    referral_create,
    referral_move,
    share_link_create,
    share_link_use,
)
from legal.states import REFERRAL_TRANSITIONS
from tests.conftest import file_report
from tests.factories import SellerFactory
from tests.transitions import all_pairs, assert_move_obeys_table

# Written out, not read from the table: (from, to) pairs that are allowed.
ALLOWED = {
    ("requested", "draft"), ("requested", "refused"),
    ("draft", "sent"), ("draft", "closed"),
    ("sent", "acknowledged"), ("sent", "declined"), ("sent", "closed"),
    ("acknowledged", "action_taken"), ("acknowledged", "declined"), ("acknowledged", "closed"),
    ("action_taken", "closed"), ("declined", "closed"),
}


def test_the_table_is_the_one_written_here():
    assert {(a, b) for a, tos in REFERRAL_TRANSITIONS.items() for b in tos} == ALLOWED


@pytest.mark.parametrize(("current", "to"), all_pairs(ReferralState))
def test_every_move_obeys_the_table(world, current, to):
    referral = Referral.objects.create(seller=world.seller_a, agency="customs", agency_name="Customs", contact="c",
                                       state=current, created_by=world.rev1)
    assert_move_obeys_table(obj=referral, to=to, table=REFERRAL_TRANSITIONS, field="state", actor=world.rev1)


@pytest.fixture
def alices_case(world):
    return file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]]).cases.get()


def request_data(**extra):
    return {"agency": "law_enforcement", "agency_name": "Metro Police IP unit", "contact": "Det. Ray, ray@police.test",
            "notes": "Repeat counterfeiter.", **extra}


def test_a_brand_admin_requests_a_referral_for_its_case_and_staff_decide(world, client, alices_case):
    client.force_login(world.alice)
    response = client.post(reverse("legal:referral_new"), request_data(case=alices_case.pk))
    referral = Referral.objects.get()
    assert response.url == reverse("legal:referral_detail", args=[referral.pk])
    assert (referral.state, referral.brand, referral.seller) == (ReferralState.REQUESTED, world.brand_a, world.seller_a)
    assert list(referral.cases.all()) == [alices_case]
    page = client.get(response.url).content.decode()
    assert "Requested by the brand" in page and "Mark sent" not in page
    # the brand cannot move it
    client.post(reverse("legal:referral_move", args=[referral.pk]), {"to": "draft"})
    referral.refresh_from_db()
    assert referral.state == ReferralState.REQUESTED
    client.force_login(world.rev1)
    client.post(reverse("legal:referral_move", args=[referral.pk]), {"to": "draft", "note": "Strong file."})
    referral.refresh_from_db()
    assert referral.state == ReferralState.DRAFT and "Strong file." in referral.notes
    assert AuditEntry.objects.filter(action="referral.draft", target_id=referral.pk, actor=world.rev1).exists()


def test_a_referral_request_for_another_brands_case_is_refused_and_logged(world, client, alices_case, caplog):
    client.force_login(world.bob)
    with caplog.at_level(logging.WARNING, logger="legal.security"):
        response = client.post(reverse("legal:referral_new"), request_data(case=alices_case.pk))
    assert response.status_code == 404
    assert not Referral.objects.exists()
    assert any("referral" in r.getMessage() and f"user={world.bob.pk}" in r.getMessage() for r in caplog.records)
    assert AuditEntry.objects.filter(action="legal.refused", actor=world.bob, target_id=alices_case.pk).exists()


def test_another_brand_cannot_see_a_requested_referral(world, client, alices_case):
    client.force_login(world.alice)
    client.post(reverse("legal:referral_new"), request_data(case=alices_case.pk))
    referral = Referral.objects.get()
    for user in (world.bob, world.sam, world.agent):
        client.force_login(user)
        assert client.get(reverse("legal:referral_detail", args=[referral.pk])).status_code == 404
    client.force_login(world.bob)
    assert referral.reference not in client.get(reverse("legal:referral_list")).content.decode()


def test_a_referral_request_names_the_missing_field(world, client, alices_case):
    client.force_login(world.alice)
    response = client.post(reverse("legal:referral_new"), request_data(case=alices_case.pk, agency_name=""))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() and "Repeat counterfeiter." in \
        response.content.decode()
    assert not Referral.objects.exists()


def test_staff_refer_a_seller_with_linked_sellers(world, client, alices_case):
    other = SellerFactory(external_id="S-LINKED")
    client.force_login(world.rev1)
    response = client.post(reverse("legal:referral_new"), request_data(seller=world.seller_a.pk,
                                                                        linked_sellers="S-LINKED"))
    referral = Referral.objects.get()
    assert response.url == reverse("legal:referral_detail", args=[referral.pk])
    assert referral.state == ReferralState.DRAFT and list(referral.linked_sellers.all()) == [other]
    assert list(referral.cases.all()) == [alices_case]
    response = client.post(reverse("legal:referral_new"), request_data(seller=world.seller_a.pk,
                                                                        linked_sellers="S-NOPE"))
    assert "Unknown linked seller ids: S-NOPE" in response.content.decode()


def test_sending_needs_a_ready_package(world, django_capture_on_commit_callbacks):
    referral = referral_create(user=world.rev1, seller=world.seller_a, agency="customs", agency_name="Customs",
                               contact="c")
    with pytest.raises(LegalError, match="Attach a ready evidence package"):
        referral_move(referral=referral, to=ReferralState.SENT, actor=world.rev1)
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(user=world.rev1, scope=PackageScope.SELLER, subject=world.seller_a)
    package.refresh_from_db()
    referral_attach_package(referral=referral, package=package, actor=world.rev1)
    referral_move(referral=referral, to=ReferralState.SENT, actor=world.rev1)
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.package == package


def test_a_package_of_another_seller_cannot_be_attached(world, django_capture_on_commit_callbacks):
    referral = referral_create(user=world.rev1, seller=world.seller_a, agency="customs", agency_name="C", contact="c")
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(user=world.rev1, scope=PackageScope.SELLER, subject=world.seller_b)
    with pytest.raises(LegalError):
        referral_attach_package(referral=referral, package=package, actor=world.rev1)


@pytest.fixture
def sent_referral(world, django_capture_on_commit_callbacks, alices_case):
    referral = referral_create(user=world.rev1, seller=world.seller_a, agency="law_enforcement",
                               agency_name="Metro Police", contact="c")
    with django_capture_on_commit_callbacks(execute=True):
        package = package_request(user=world.rev1, scope=PackageScope.SELLER, subject=world.seller_a)
    package.refresh_from_db()
    referral_attach_package(referral=referral, package=package, actor=world.rev1)
    return referral_move(referral=referral, to=ReferralState.SENT, actor=world.rev1)


def test_a_share_link_downloads_once_and_every_download_is_logged(world, client, sent_referral, caplog):
    client.force_login(world.rev1)
    client.post(reverse("legal:referral_share", args=[sent_referral.pk]), {"recipient": "Det. Ray <ray@police.test>"})
    page = client.get(reverse("legal:referral_detail", args=[sent_referral.pk])).content.decode()
    link = page.split('data-testid="share-link">')[1].split("<")[0]
    assert "/legal/share/" in link
    assert link not in client.get(reverse("legal:referral_detail", args=[sent_referral.pk])).content.decode()
    client.logout()
    path = link.split("testserver")[1]
    assert "Download the package" in client.get(path).content.decode()  # a GET does not spend it
    response = client.post(path)
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content)[:2] == b"PK"
    download = PackageDownload.objects.get()
    assert download.share.recipient == "Det. Ray <ray@police.test>" and download.user is None
    with caplog.at_level(logging.WARNING, logger="legal.security"):
        again = client.post(path)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert again["Content-Type"].startswith("text/html")
    assert PackageDownload.objects.count() == 1
    assert any("share link refused (used)" in r.getMessage() for r in caplog.records)
    assert AuditEntry.objects.filter(action="referral.share_refused", target_id=sent_referral.pk).exists()


def test_an_expired_or_unknown_link_gets_a_clear_page_and_nothing_else(world, client, sent_referral, time_machine):
    _, token = share_link_create(referral=sent_referral, recipient="Customs", actor=world.rev1)
    link = ShareLink.objects.get()
    time_machine.move_to(link.expires_at)
    response = client.post(reverse("legal:share", args=[token]))
    assert response.status_code == 410 and "has expired" in response.content.decode()
    response = client.post(reverse("legal:share", args=["not-a-token"]))
    assert response.status_code == 410 and "not valid" in response.content.decode()
    assert not PackageDownload.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_a_link_is_spent_by_one_use_only(world, sent_referral):
    _, token = share_link_create(referral=sent_referral, recipient="Customs", actor=world.rev1)
    share_link_use(token=token)
    with pytest.raises(LinkRefused):
        share_link_use(token=token)


def test_only_a_sent_referral_is_shared_and_only_by_staff(world, sent_referral):
    draft = referral_create(user=world.rev1, seller=world.seller_a, agency="customs", agency_name="C", contact="c")
    with pytest.raises(LegalError):
        share_link_create(referral=draft, recipient="x", actor=world.rev1)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        share_link_create(referral=sent_referral, recipient="x", actor=world.alice)


def test_referral_pages_refuse_the_wrong_method_and_outsiders(world, client, sent_referral):
    client.force_login(world.rev1)
    assert client.get(reverse("legal:referral_move", args=[sent_referral.pk])).status_code == 405
    assert client.get(reverse("legal:referral_share", args=[sent_referral.pk])).status_code == 405
    client.force_login(world.outsider)
    assert client.get(reverse("legal:referral_list")).status_code == 403
    assert client.get(reverse("legal:referral_detail", args=[sent_referral.pk])).status_code == 404
