import base64
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.logkey import raw_private, raw_public
from evidence.services import evidence_accept
from tests.conftest import claim_and_remove, file_report
from tests.evidence.samples import PDF, image, upload

TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
PUBLIC_KEY = base64.b64encode(raw_public(TEST_KEY.public_key())).decode()


@pytest.fixture(autouse=True)
def _package_key(settings):
    settings.CERTIFICATES_LOG_KEY = base64.b64encode(raw_private(TEST_KEY)).decode()
    return TEST_KEY


def photo(name="item.png"):
    """A small PNG, different for each name (the same bytes picked twice are attached once)."""
    return upload(name, image("PNG", size=(40 + sum(name.encode()) % 50, 30)))


def decided_case_with_evidence(world):
    """alice's report on seller A's first listing with a PDF and a photo, removed by rev1."""
    files = evidence_accept(uploaded_by=world.alice, uploads=[upload("invoice.pdf", PDF), photo("shot.png")]).stored
    report = file_report(reporter=world.alice, right=world.tm_a, listings=[world.listings_a[0]], evidence=files)
    case = report.cases.get()
    claim_and_remove(case=case, reviewer=world.rev1)
    case.refresh_from_db()
    return case


def member_spans(path) -> dict[str, tuple[int, int]]:
    """name -> (first, last) byte offsets of the member's stored data in the ZIP."""
    import struct

    spans = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            fh.seek(info.header_offset + 26)
            name_len, extra_len = struct.unpack("<2H", fh.read(4))
            start = info.header_offset + 30 + name_len + extra_len
            spans[info.filename] = (start, start + info.compress_size - 1)
    return spans


def flip(path, offset: int, out) -> None:
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0x01
    open(out, "wb").write(bytes(data))
