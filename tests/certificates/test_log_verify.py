import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates.log import sth_publish
from certificates.models import Certificate, LogNode, TreeHead
from certificates.verification import log_verify
from tests.certificates.conftest import register
from tests.certificates.samples import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def certs(world):
    return [register(world, png(i), title=f"Work {i}") for i in range(7)]


def test_an_untouched_log_verifies(certs, capsys):
    call_command("log_verify")
    assert "OK: 7 entries, 7 signed tree heads" in capsys.readouterr().out


def test_a_changed_title_is_named(certs):
    Certificate.objects.filter(pk=certs[3].pk).update(title="Stolen")
    report = log_verify()
    assert not report.ok and any(certs[3].public_id in p and "title" in p for p in report.problems)


def test_a_changed_entry_is_named_even_when_the_row_agrees(certs):
    c = certs[2]
    Certificate.objects.filter(pk=c.pk).update(title="Stolen", entry=c.entry.replace('"Work 2"', '"Stolen"'))
    with pytest.raises(CommandError):
        call_command("log_verify")
    problems = log_verify().problems
    assert any(c.public_id in p and "stored leaf hash differs" in p for p in problems)
    assert any("tree head of size 3" in p for p in problems)


def test_reordered_entries_are_named(certs):
    a, b = certs[1], certs[4]
    Certificate.objects.filter(pk=a.pk).update(leaf_index=100)
    Certificate.objects.filter(pk=b.pk).update(leaf_index=1)
    Certificate.objects.filter(pk=a.pk).update(leaf_index=4)
    problems = log_verify().problems
    assert any(a.public_id in p for p in problems) and any(b.public_id in p for p in problems)


def test_a_removed_entry_is_named(certs):
    Certificate.objects.filter(pk=certs[5].pk).delete()
    problems = log_verify().problems
    assert any("entries 5–5 are missing" in p for p in problems)


def test_a_changed_tree_head_is_named(certs):
    head = TreeHead.objects.get(tree_size=4)
    TreeHead.objects.filter(pk=head.pk).update(timestamp=head.timestamp + 1)
    assert any("size 4: bad signature" in p for p in log_verify().problems)


def test_changed_stored_nodes_are_caught(certs):
    LogNode.objects.filter(level=0, index=6).update(hash=b"\x00" * 32)
    assert any(certs[6].public_id in p for p in log_verify().problems)


def test_beat_publishes_a_head_only_when_the_log_grew(certs):
    assert sth_publish() is None
    TreeHead.objects.filter(tree_size=7).delete()
    assert sth_publish().tree_size == 7
    assert log_verify().ok
