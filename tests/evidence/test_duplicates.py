"""The same file picked twice is attached once (by SHA-256), in one batch or across tries."""

import pytest

from evidence.models import EvidenceFile
from evidence.services import evidence_accept

from ..factories import UserFactory
from .samples import PDF, image, upload


@pytest.mark.django_db
def test_the_same_file_twice_in_one_batch_is_stored_once():
    user = UserFactory()
    png = image("PNG")
    result = evidence_accept(uploaded_by=user, uploads=[upload("a.png", png), upload("copy-of-a.png", png),
                                                        upload("b.pdf", PDF, "application/pdf")])
    assert [f.original_name for f in result.stored] == ["a.png", "b.pdf"]
    assert result.duplicates == ["“copy-of-a.png” is the same file as one already attached; it is attached once."]
    assert result.refusals == [] and EvidenceFile.objects.count() == 2


@pytest.mark.django_db
def test_a_file_already_attached_is_not_attached_again():
    user = UserFactory()
    first = evidence_accept(uploaded_by=user, uploads=[upload("a.pdf", PDF, "application/pdf")]).stored
    again = evidence_accept(uploaded_by=user, uploads=[upload("renamed.pdf", PDF, "application/pdf")],
                            attached=first)
    assert again.stored == [] and len(again.duplicates) == 1
    assert EvidenceFile.objects.count() == 1
