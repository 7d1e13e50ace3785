"""Housekeeping deletes the ZIP of each package past its link's expiry: the row, its digests and its
downloads stay; the page says it expired and offers to build again; running twice changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from legal.models import PackageStatus
from legal.packages import package_path
from legal.services import packages_delete_expired
from legal.states import PACKAGE_TRANSITIONS
from legal.tasks import delete_expired_packages

from .test_packages import case_package  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_table_lets_only_a_ready_package_expire():
    assert set(PACKAGE_TRANSITIONS) == set(PackageStatus.values)
    assert [s for s, tos in PACKAGE_TRANSITIONS.items() if PackageStatus.EXPIRED in tos] == [PackageStatus.READY]
    assert PACKAGE_TRANSITIONS[PackageStatus.EXPIRED] == frozenset()


def test_a_package_within_its_link_keeps_its_file(case_package, time_machine):  # noqa: F811
    _, package = case_package
    time_machine.move_to(package.expires_at - timedelta(minutes=1))
    assert packages_delete_expired() == 0
    package.refresh_from_db()
    assert package.status == PackageStatus.READY and package_path(package).exists()


def test_an_expired_package_loses_its_file_keeps_its_row_and_digests_idempotently(case_package,  # noqa: F811
                                                                                   time_machine):
    _, package = case_package
    path, sha, manifest = package_path(package), package.sha256, package.manifest_sha256
    assert path.exists()
    time_machine.move_to(package.expires_at + timedelta(minutes=1))
    assert delete_expired_packages() == 1
    package.refresh_from_db()
    assert not path.exists()
    assert package.status == PackageStatus.EXPIRED
    assert (package.sha256, package.manifest_sha256) == (sha, manifest)
    entry = AuditEntry.objects.get(action="evidencepackage.expired")
    assert entry.data["manifest_sha256"] == manifest
    assert delete_expired_packages() == 0  # again: nothing to do, no second entry
    assert AuditEntry.objects.filter(action="evidencepackage.expired").count() == 1


def test_a_file_already_gone_still_expires_the_package(case_package, time_machine):  # noqa: F811
    _, package = case_package
    package_path(package).unlink()  # a run that deleted the file and died before its commit
    time_machine.move_to(package.expires_at + timedelta(minutes=1))
    assert packages_delete_expired() == 1
    package.refresh_from_db()
    assert package.status == PackageStatus.EXPIRED


def test_the_page_says_expired_files_deleted_and_builds_again(world, client, case_package,  # noqa: F811
                                                               time_machine, django_capture_on_commit_callbacks):
    case, package = case_package
    time_machine.move_to(package.expires_at + timedelta(minutes=1))
    packages_delete_expired()
    client.force_login(world.rev1)
    html = client.get(reverse("legal:package_detail", args=[package.pk])).content.decode()
    assert "Expired, files deleted — build again" in html and package.manifest_sha256 in html
    assert reverse("legal:package_download", args=[package.pk]) not in html
    assert client.get(reverse("legal:package_download", args=[package.pk])).status_code == 410
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("legal:package_new"), {"scope": "case", "id": case.pk})
    assert response.status_code == 302
    assert case.pk == package.case_id
