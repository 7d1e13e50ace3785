import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from certificates.logkey import _key_for, public_key_raw, raw_private
from tests.certificates.conftest import TEST_KEY


@pytest.fixture(autouse=True)
def _fresh():
    _key_for.cache_clear()
    yield
    _key_for.cache_clear()


def test_the_key_comes_from_the_environment(settings):
    assert public_key_raw() == TEST_KEY.public_key().public_bytes_raw()


def test_embedded_with_no_key_one_is_generated_once_and_kept(settings, tmp_path):
    settings.CERTIFICATES_LOG_KEY, settings.CERTIFICATES_EMBEDDED_KEY = "", True
    settings.CERTIFICATES_LOG_KEY_FILE = tmp_path / "var" / "log_key"
    first = public_key_raw()
    assert (settings.CERTIFICATES_LOG_KEY_FILE.stat().st_mode & 0o777) == 0o600
    _key_for.cache_clear()
    assert public_key_raw() == first


def test_with_a_database_server_the_key_must_be_set(settings):
    settings.CERTIFICATES_LOG_KEY, settings.CERTIFICATES_EMBEDDED_KEY = "", False
    with pytest.raises(ImproperlyConfigured, match="Set CERTIFICATES_LOG_KEY"):
        public_key_raw()


def test_a_malformed_key_is_named(settings):
    settings.CERTIFICATES_LOG_KEY = base64.b64encode(raw_private(TEST_KEY)[:31]).decode()
    with pytest.raises(ImproperlyConfigured, match="32-byte Ed25519"):
        public_key_raw()


def test_start_up_warns_when_no_process_could_sign(settings):
    from certificates.apps import log_key_check

    assert log_key_check(None) == []
    settings.CERTIFICATES_LOG_KEY, settings.CERTIFICATES_EMBEDDED_KEY = "", False
    assert [w.id for w in log_key_check(None)] == ["certificates.W001"]
