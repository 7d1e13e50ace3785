import base64
import io

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.logkey import raw_private

TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture(autouse=True)
def _log_key(settings):
    settings.CERTIFICATES_LOG_KEY = base64.b64encode(raw_private(TEST_KEY)).decode()
    return TEST_KEY


def upload(data: bytes, name: str = "work.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def register(world, data: bytes, *, brand=None, by=None, title="Sunset over the harbour", work_type="image",
             name="work.png"):
    from certificates.services import certificate_register

    return certificate_register(brand=brand or world.brand_a, by=by or world.alice, upload=upload(data, name),
                                title=title, work_type=work_type, author="Alice Example")


def as_file(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f
