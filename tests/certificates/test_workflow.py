"""A certified work in the workflow: a verified copyright right of the brand, cited by a copyright
report, shown verified on the reviewer's case page, linked from the seller's notice."""

import pytest
from django.urls import reverse

from certificates.models import Certificate, TreeHead
from common import dates
from complaints.services import ReportError
from registry.models import RightKind
from tests.certificates.conftest import register
from tests.certificates.samples import png
from tests.conftest import DETAILS_BY_KIND, claim_and_remove, file_report

pytestmark = pytest.mark.django_db


def cited(cert) -> dict:
    return {**DETAILS_BY_KIND["copyright"], "original_location": "", "certificate": cert.public_id.lower()}


def test_a_certified_work_is_a_verified_copyright_right_of_the_brand(world):
    cert = register(world, png(1))
    right = cert.right
    assert right.brand == world.brand_a and right.kind == RightKind.COPYRIGHT and right.is_verified
    assert right.registration_number == cert.public_id and right.name == cert.title
    assert right.verified_at == cert.registered_at and right.author == "Alice Example"


def test_a_copyright_report_cites_a_certificate_instead_of_a_url(world):
    cert = register(world, png(1))
    report = file_report(reporter=world.alice, right=cert.right, listings=[world.listings_a[0]], details=cited(cert))
    assert report.details["certificate"] == cert.public_id


def test_citing_an_unknown_certificate_is_refused(world):
    cert = register(world, png(1))
    details = {**cited(cert), "certificate": "IPC-000000000000"}
    with pytest.raises(ReportError) as exc:
        file_report(reporter=world.alice, right=cert.right, listings=[world.listings_a[0]], details=details)
    assert "No certificate IPC-000000000000" in str(exc.value)


def test_the_case_page_shows_the_certificate_verified_with_its_date(world, client):
    cert = register(world, png(1))
    register(world, png(2), title="Later work")
    report = file_report(reporter=world.alice, right=cert.right, listings=[world.listings_a[0]], details=cited(cert))
    case = report.cases.get()
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", args=[case.pk])).content.decode()
    assert f"Certificate {cert.public_id}" in html and "verified</span>" in html
    assert dates.day(cert.registered_at) in html and "consistent up to 2 entries" in html


def test_the_case_page_warns_when_the_log_no_longer_verifies(world, client):
    cert = register(world, png(1))
    report = file_report(reporter=world.alice, right=cert.right, listings=[world.listings_a[0]], details=cited(cert))
    Certificate.objects.filter(pk=cert.pk).update(title="Changed")
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", args=[report.cases.get().pk])).content.decode()
    assert "not verified</span>" in html


def test_the_case_page_says_when_another_brand_holds_the_cited_certificate(world, client):
    theirs = register(world, png(1), brand=world.brand_b, by=world.bob)
    mine = register(world, png(2))
    report = file_report(reporter=world.alice, right=mine.right, listings=[world.listings_a[0]],
                         details=cited(theirs))
    client.force_login(world.rev1)
    html = client.get(reverse("review:case_detail", args=[report.cases.get().pk])).content.decode()
    assert "held by Borealis, not by the reporting brand" in html


def test_the_sellers_notice_links_the_public_certificate_page(world, client):
    cert = register(world, png(1))
    report = file_report(reporter=world.alice, right=cert.right, listings=[world.listings_a[0]], details=cited(cert))
    case = report.cases.get()
    claim_and_remove(case=case, reviewer=world.rev1, code="cr_unauthorized_copy")
    client.force_login(world.sam)
    html = client.get(reverse("sellers:notice_detail", args=[case.pk])).content.decode()
    assert f'href="/certificates/{cert.public_id}/"' in html
    assert "Alice Example" not in html
    assert TreeHead.objects.count() == 1
