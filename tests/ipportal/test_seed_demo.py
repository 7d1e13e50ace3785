"""The demo data `make run` loads: every review lane has cases, and loading twice adds nothing."""

import io

from django.core.management import call_command

from audit.selectors import audit_chain_verify
from audit.services import audit_chain_pending
from complaints.models import Case, Priority, Report


def test_seed_demo_fills_every_lane_and_is_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    reports, cases = Report.objects.count(), Case.objects.count()
    lanes = set(Case.objects.values_list("priority", flat=True))
    assert {Priority.VERIFIED, Priority.UNREGISTERED} <= lanes
    unregistered = Case.objects.get(priority=Priority.UNREGISTERED)
    assert not unregistered.right.registered and unregistered.right.kind == "design"
    call_command("seed_demo", stdout=io.StringIO())
    assert (Report.objects.count(), Case.objects.count()) == (reports, cases)
    audit_chain_pending()
    assert audit_chain_verify()[1] is None
