import hashlib
import logging
from datetime import timedelta

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone

from audit.models import AuditEntry
from complaints.services import report_draft_save
from evidence.models import EvidenceFile
from evidence.services import evidence_accept, evidence_path, evidence_purge_unattached

from .samples import PDF, accepted_samples, image, refused_samples, upload


def _stored_files(media_root):
    folder = media_root / "evidence"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("kind", accepted_samples())
def test_each_allowed_type_is_stored_under_a_generated_name_with_its_hash(world, _media_root, kind):
    name, data, content_type = accepted_samples()[kind]
    result = evidence_accept(uploaded_by=world.alice, uploads=[upload(name, data, claimed="application/x-evil")])
    assert result.refusals == []
    [file] = result.stored
    assert file.content_type == content_type and file.original_name == name and file.size == len(data)
    assert file.sha256 == hashlib.sha256(data).hexdigest()
    assert file.uploaded_by == world.alice
    path = evidence_path(file)
    assert path.parent == _media_root / "evidence" and path.read_bytes() == data
    assert name not in path.name and len(path.stem) == 32  # a uuid, nothing of the uploader's name
    assert AuditEntry.objects.filter(action="evidence.uploaded", target_id=file.pk).exists()


@pytest.mark.parametrize("kind", refused_samples())
def test_each_refused_kind_is_named_logged_and_leaves_nothing_behind(world, _media_root, caplog, kind):
    name, data, words = refused_samples()[kind]
    with caplog.at_level(logging.WARNING, logger="evidence.services"):
        result = evidence_accept(uploaded_by=world.alice, uploads=[upload(name, data)])
    assert result.stored == []
    [message] = result.refusals
    assert message.startswith(f"“{name}” was not accepted: ") and words in message
    assert EvidenceFile.objects.count() == 0 and _stored_files(_media_root) == []
    [record] = caplog.records
    assert f"user={world.alice.pk}" in record.getMessage() and repr(name) in record.getMessage()
    assert words in record.getMessage()


def test_a_good_file_beside_a_refused_one_is_kept(world, _media_root):
    result = evidence_accept(uploaded_by=world.alice, uploads=[
        upload("a.pdf", PDF), upload("b.svg", refused_samples()["svg"][1]), upload("c.png", image("PNG")),
    ])
    assert [f.original_name for f in result.stored] == ["a.pdf", "c.png"]
    assert len(result.refusals) == 1 and "“b.svg”" in result.refusals[0]
    assert len(_stored_files(_media_root)) == 2


def test_a_file_over_the_per_file_limit_is_refused_unread(world, settings, _media_root):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024
    big = PDF[:-7] + b" " * (1024 * 1024) + PDF[-7:]
    result = evidence_accept(uploaded_by=world.alice, uploads=[upload("scan.pdf", big)])
    assert result.stored == []
    assert result.refusals == ["“scan.pdf” was not accepted: it is 1.0 MB; each file may be at most 1.0 MB. "
                               "Compress it or split it."]
    assert _stored_files(_media_root) == []


def test_the_per_report_total_counts_files_already_held(world, settings, _media_root):
    settings.EVIDENCE_MAX_OWNER_BYTES = len(PDF) * 2 + 10
    result = evidence_accept(uploaded_by=world.alice, used_bytes=len(PDF), used_files=1,
                             uploads=[upload("two.pdf", PDF), upload("three.pdf", PDF)])
    assert [f.original_name for f in result.stored] == ["two.pdf"]
    assert "“three.pdf” was not accepted: it would bring the evidence to" in result.refusals[0]
    assert "a report takes at most" in result.refusals[0]
    assert len(_stored_files(_media_root)) == 1


def test_the_per_report_file_count_is_bounded(world, settings):
    settings.EVIDENCE_MAX_OWNER_FILES = 2
    result = evidence_accept(uploaded_by=world.alice, used_files=1,
                             uploads=[upload("a.pdf", PDF), upload("b.pdf", PDF)])
    assert [f.original_name for f in result.stored] == ["a.pdf"]
    assert "a report takes at most 2 files" in result.refusals[0]


def test_the_purge_deletes_only_old_uploads_nothing_took(world, _media_root):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        old_loose, old_kept = evidence_accept(uploaded_by=world.alice,
                                              uploads=[upload("a.pdf", PDF), upload("b.png", image("PNG"))]).stored
        report_draft_save(user=world.alice, brand=world.brand_a, data={}, evidence=[old_kept])
    [new_loose] = evidence_accept(uploaded_by=world.alice, uploads=[upload("c.pdf", PDF)]).stored
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert evidence_purge_unattached(older_than=timedelta(hours=24)) == 1
    assert set(EvidenceFile.objects.values_list("original_name", flat=True)) == {"b.png", "c.pdf"}
    assert not evidence_path(old_loose).exists()
    assert evidence_path(old_kept).exists() and evidence_path(new_loose).exists()
