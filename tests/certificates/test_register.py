import hashlib
import json

import pytest
from django.db import transaction

from certificates import merkle
from certificates.log import inclusion_proof, root_at
from certificates.models import Certificate, LogNode, TreeHead
from certificates.services import RegistrationRefused
from tests.certificates.conftest import register
from tests.certificates.samples import edits, encode, picture, png, text

pytestmark = pytest.mark.django_db


def test_it_registers_an_image_and_logs_its_entry(world):
    data = png(1)
    cert = register(world, data)
    assert cert.leaf_index == 0
    entry = json.loads(cert.entry)
    assert entry["work_sha256"] == hashlib.sha256(data).hexdigest()
    assert entry["owner"] == "Acme" and entry["v"] == 1 and entry["perceptual_hash"].startswith("phash:")
    assert entry["registered_at"].endswith("Z")
    head = TreeHead.objects.get()
    assert head.tree_size == 1 and bytes(head.root_hash) == merkle.leaf_hash(cert.entry.encode())


def test_each_registration_is_a_new_leaf_with_a_receipt(world):
    certs = [register(world, png(i), title=f"Work {i}") for i in range(5)]
    assert [c.leaf_index for c in certs] == [0, 1, 2, 3, 4]
    assert TreeHead.objects.count() == 5
    root = root_at(5)
    for c in certs:
        proof = inclusion_proof(leaf_index=c.leaf_index, size=5)
        assert merkle.verify_inclusion(leaf_index=c.leaf_index, tree_size=5, leaf=merkle.leaf_hash(c.entry.encode()),
                                       proof=proof, root=root)


def test_it_refuses_the_same_bytes_naming_the_certificate(world):
    first = register(world, png(1))
    with pytest.raises(RegistrationRefused) as exc:
        register(world, png(1), brand=world.brand_b, by=world.bob)
    assert exc.value.code == "duplicate" and exc.value.match.certificate == first
    assert first.public_id in exc.value.message and "Acme" not in exc.value.message
    assert Certificate.objects.count() == 1 and TreeHead.objects.count() == 1


def test_an_owner_cannot_register_its_own_work_twice(world):
    register(world, png(1))
    with pytest.raises(RegistrationRefused) as exc:
        register(world, png(1), by=world.agent)
    assert "your brand already registered it" in exc.value.message


@pytest.mark.parametrize("edit", ["resized_50", "jpeg_q40", "cropped_3pct", "brighter_10pct"])
def test_it_refuses_a_near_copy(world, edit):
    first = register(world, png(7))
    copy = edits(picture(7))[edit]
    with pytest.raises(RegistrationRefused) as exc:
        register(world, encode(copy.convert("RGB"), "JPEG", quality=85), brand=world.brand_b, by=world.bob)
    assert exc.value.code == "near_duplicate" and exc.value.match.certificate == first
    assert Certificate.objects.count() == 1


def test_different_pictures_are_not_near_copies(world):
    for seed in range(12):
        register(world, png(seed), title=f"Work {seed}")
    assert Certificate.objects.count() == 12


def test_it_registers_text_and_refuses_a_reformatted_copy(world):
    body = text(3)
    cert = register(world, body.encode(), work_type="text", name="poem.txt", title="A poem")
    assert cert.text_sha256
    reformatted = "\n\n".join(body.upper().split(". "))
    with pytest.raises(RegistrationRefused) as exc:
        register(world, reformatted.encode(), brand=world.brand_b, by=world.bob, work_type="text", name="x.txt")
    assert exc.value.match.certificate == cert


def test_it_refuses_a_lightly_edited_text_as_a_near_copy(world):
    words = text(4, 400).split()
    cert = register(world, " ".join(words).encode(), work_type="text", name="a.txt")
    words[100] = "zebra"
    with pytest.raises(RegistrationRefused) as exc:
        register(world, " ".join(words).encode(), brand=world.brand_b, by=world.bob, work_type="text", name="b.txt")
    assert exc.value.code == "near_duplicate" and exc.value.match.certificate == cert


def test_a_failed_registration_leaves_no_file_and_no_node(world, settings):
    register(world, png(1))
    files = list((settings.MEDIA_ROOT / "certificates").iterdir())
    with pytest.raises(RegistrationRefused):
        register(world, png(1))
    assert list((settings.MEDIA_ROOT / "certificates").iterdir()) == files
    assert LogNode.objects.count() == 1


def test_the_log_lock_needs_a_transaction(world):
    from certificates.log import log_lock

    with transaction.atomic():
        assert log_lock().tree_size == 0


def test_a_pdf_is_fingerprinted_by_its_text_so_the_same_text_as_txt_is_a_duplicate(world):
    from tests.certificates.samples import pdf_with_text

    body = text(8, 120)
    cert = register(world, pdf_with_text(body), work_type="text", name="essay.pdf", title="An essay")
    assert cert.content_type == "application/pdf" and cert.text_sha256
    with pytest.raises(RegistrationRefused) as exc:
        register(world, body.encode(), brand=world.brand_b, by=world.bob, work_type="text", name="essay.txt")
    assert exc.value.match.certificate == cert


def test_a_damaged_pdf_is_refused_with_the_reason(world):
    with pytest.raises(RegistrationRefused, match="PDF"):
        register(world, b"%PDF-1.4\nnot really a pdf\n%%EOF\n", work_type="text", name="x.pdf")
