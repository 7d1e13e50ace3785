import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from certificates.logkey import raw_private, raw_public


class Command(BaseCommand):
    help = "Print a new Ed25519 key for the certificate log: CERTIFICATES_LOG_KEY and its public key."

    def handle(self, *args, **options):
        key = Ed25519PrivateKey.generate()
        self.stdout.write(f"CERTIFICATES_LOG_KEY={base64.b64encode(raw_private(key)).decode()}")
        self.stdout.write(f"# public key: {base64.b64encode(raw_public(key.public_key())).decode()}")
