from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEntry

from ..conftest import file_report

# Every app of the project (not Django's or a library's), so a new app's models are checked too.
OUR_APPS = [c.label for c in apps.get_app_configs() if Path(c.path) == Path(settings.BASE_DIR) / c.name]


@pytest.mark.parametrize("model", [m for a in OUR_APPS for m in apps.get_app_config(a).get_models()],
                         ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    assert model in admin.site._registry


@pytest.mark.django_db
def test_audit_entries_are_read_only_in_the_admin(admin_client, world):
    file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]])
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    before = entry.hash
    admin_client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "tampered"})
    admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    entry.refresh_from_db()
    assert entry.hash == before and entry.action != "tampered"
