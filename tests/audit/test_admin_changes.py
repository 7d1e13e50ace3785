"""Edits in /admin/ of audited records append audit entries: which fields, before and after, by
whom; deletions too; secrets only as "changed"."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from registry.models import BrandMember

from ..conftest import file_report

pytestmark = pytest.mark.django_db


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_changing_a_members_role_in_the_admin_is_audited(admin_client, admin_user, world):
    member = BrandMember.objects.get(brand=world.brand_a, user=world.agent)
    url = reverse("admin:registry_brandmember_change", args=[member.pk])
    response = admin_client.post(url, {"brand": world.brand_a.pk, "user": world.agent.pk, "role": "admin",
                                       "authorized_until": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = _entries("admin.changed")
    assert entry.actor == admin_user and entry.target_type == "registry.brandmember" and entry.target_id == member.pk
    assert entry.data["fields"]["role"] == {"from": "agent", "to": "admin"}
    audit_chain_pending()
    assert audit_chain_verify()[1] is None


def test_editing_a_report_in_the_admin_is_audited(admin_client, world):
    report = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:1])
    form = admin_client.get(reverse("admin:complaints_report_change", args=[report.pk])).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items() if not isinstance(v, list | dict)}
    data.update({"explanation": "Rewritten by an administrator.", "details": "{}",
                 "cases-TOTAL_FORMS": "1", "cases-INITIAL_FORMS": "1", "cases-MIN_NUM_FORMS": "0",
                 "cases-MAX_NUM_FORMS": "1000", "cases-0-id": report.cases.get().pk, "cases-0-report": report.pk})
    for key in ("unregistered_right", "declarations"):
        data.pop(key, None)
    for name in ("signed_at", "created_at"):
        moment = getattr(report, name, None)
        if moment is not None:
            data.update({f"{name}_0": moment.strftime("%Y-%m-%d"), f"{name}_1": moment.strftime("%H:%M:%S")})
    response = admin_client.post(reverse("admin:complaints_report_change", args=[report.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = _entries("admin.changed")
    assert entry.data["fields"]["explanation"]["to"] == "Rewritten by an administrator."


def test_deleting_in_the_admin_is_audited(admin_client, world):
    member = BrandMember.objects.get(brand=world.brand_a, user=world.agent)
    admin_client.post(reverse("admin:registry_brandmember_delete", args=[member.pk]), {"post": "yes"})
    assert not BrandMember.objects.filter(pk=member.pk).exists()
    (entry,) = _entries("admin.deleted")
    assert entry.target_id == member.pk


def test_a_password_change_is_audited_without_the_hash(admin_client, world):
    url = reverse("admin:accounts_user_change", args=[world.rev1.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"username": "rev1", "role": "senior_reviewer", "password": "x", "date_joined_0": "2026-01-01",
                 "date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": ""})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = _entries("admin.changed")
    assert entry.data["fields"]["role"]["to"] == "senior_reviewer"
    assert "pbkdf2" not in str(entry.data) and "md5" not in str(entry.data)
