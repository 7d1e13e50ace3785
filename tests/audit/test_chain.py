import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditChainHead, AuditEntry
from audit.selectors import audit_chain_verify
from audit.services import GENESIS, audit_append, audit_chain_pending

from ..conftest import claim_and_remove, file_report


@pytest.fixture
def flow(world, django_capture_on_commit_callbacks):
    case = file_report(reporter=world.alice, right=world.tm_a, listings=world.listings_a[:2]).cases.first()
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_remove(case=case, reviewer=world.rev1)
    audit_chain_pending()  # what the after-commit runs link (the test's transaction never commits)
    return case


def test_the_chain_of_a_whole_flow_verifies(flow):
    count = AuditEntry.objects.count()
    assert count >= 8
    assert audit_chain_verify() == (count, None)
    head = AuditChainHead.objects.get()
    assert head.count == count
    assert head.last_hash == AuditEntry.objects.order_by("-seq").first().hash
    assert AuditEntry.objects.order_by("seq").first().prev_hash == GENESIS


def test_it_finds_an_entry_whose_data_was_edited(flow):
    victim = AuditEntry.objects.order_by("seq")[3]
    AuditEntry.objects.filter(pk=victim.pk).update(data={"from": "open", "to": "rejected"})
    checked, broken = audit_chain_verify()
    assert broken is not None and broken.pk == victim.pk
    assert checked == 3


def test_it_finds_a_deleted_entry(flow):
    victim = AuditEntry.objects.order_by("seq")[2]
    AuditEntry.objects.filter(pk=victim.pk).delete()  # a queryset delete skips Model.delete()
    checked, broken = audit_chain_verify()
    assert broken is not None and broken.pk == AuditEntry.objects.filter(seq__gt=victim.seq).order_by("seq")[0].pk
    assert checked == 2


def test_the_command_reports_an_intact_chain(flow, capsys):
    call_command("audit_verify")
    assert f"Audit chain intact: {AuditEntry.objects.count()} entries." in capsys.readouterr().out


def test_the_command_exits_non_zero_on_a_broken_chain(flow):
    victim = AuditEntry.objects.order_by("seq")[1]
    AuditEntry.objects.filter(pk=victim.pk).update(actor_repr="mallory")
    with pytest.raises(CommandError, match=f"broken at entry #{victim.pk} after 1 good entries") as exc:
        call_command("audit_verify")
    assert exc.value.returncode != 0


def test_an_entry_cannot_be_saved_again(flow):
    entry = AuditEntry.objects.order_by("id").first()
    entry.action = "report.withdrawn"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    entry.refresh_from_db()
    assert entry.action == "report.submitted"


def test_an_entry_cannot_be_deleted(flow):
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_append_outside_a_transaction(world):
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        audit_append(actor=world.alice, action="report.submitted", target=world.brand_a)
    assert AuditEntry.objects.count() == 0
