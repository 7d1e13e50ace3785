from django.core.management.base import BaseCommand, CommandError

from legal.checker import package_verify
from legal.signing import public_key_b64


class Command(BaseCommand):
    help = ("Check an evidence package ZIP offline: the manifest's Ed25519 signature (with this portal's key "
            "unless --public-key is given), every file's SHA-256, and the audit entries' hashes and links. "
            "Names each file that changed; exits non-zero if any.")

    def add_arguments(self, parser):
        parser.add_argument("zip")
        parser.add_argument("--public-key", help="Ed25519 public key, base64 (default: this portal's)")

    def handle(self, *args, zip: str, public_key: str | None = None, **options):
        problems, counts = package_verify(zip, public_key or public_key_b64())
        for problem in problems:
            self.stdout.write(f"FAIL {problem}")
        if problems:
            raise CommandError(f"Package NOT as issued: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS(
            f"Package {counts['package']} as issued: signature valid, {counts['files']} files match their SHA-256, "
            f"{counts['audit_entries']} audit entries match their hashes and links."))
