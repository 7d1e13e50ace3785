from django.apps import AppConfig
from django.core import checks


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Copyright certificates"

    def ready(self):
        checks.register(log_key_check)


def log_key_check(app_configs, **kwargs):
    """Say so at start-up, not at the first registration, when no process could sign a tree head."""
    from django.conf import settings

    if settings.CERTIFICATES_LOG_KEY or settings.CERTIFICATES_EMBEDDED_KEY:
        return []
    return [checks.Warning("CERTIFICATES_LOG_KEY is not set: registering a work will fail.",
                           hint="manage.py log_keygen prints a key; see docs/certificates.md.",
                           id="certificates.W001")]
