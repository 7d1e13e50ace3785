"""Existing DRF tokens become hashed ApiTokens (the same keys keep working until they expire, 90
days from this migration), and their clear-text rows are deleted."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def hash_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + timedelta(days=90)
    ApiToken.objects.bulk_create([
        ApiToken(user_id=t.user_id, prefix=t.key[:6], key_hash=hashlib.sha256(t.key.encode()).hexdigest(),
                 expires_at=expires)
        for t in Token.objects.all()
    ])
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens_hashed"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_tokens, migrations.RunPython.noop)]
