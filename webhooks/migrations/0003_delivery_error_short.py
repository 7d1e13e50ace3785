"""The delivery log keeps a short, sanitized error: the bodies earlier attempts kept (the first
500 bytes of a non-2xx answer, after "HTTP <code> <reason>: ") are dropped, then the column is
bounded."""

import re

from django.db import migrations, models

_BODY = re.compile(r"(HTTP \d{3}[^:\n]*):.*", re.S)


def scrub(text: str) -> str:
    text = _BODY.sub(r"\1", text or "")
    text = re.sub(r"\s+", " ", re.sub(r"[^\x20-\x7e]+", " ", text)).strip()
    return text[:300]


def drop_bodies(apps, schema_editor):
    Delivery = apps.get_model("webhooks", "WebhookDelivery")
    batch = []
    for pk, error in Delivery.objects.exclude(last_error="").values_list("pk", "last_error").iterator(chunk_size=2000):
        clean = scrub(error)
        if clean != error:
            batch.append(Delivery(pk=pk, last_error=clean))
        if len(batch) >= 1000:
            Delivery.objects.bulk_update(batch, ["last_error"])
            batch = []
    if batch:
        Delivery.objects.bulk_update(batch, ["last_error"])


class Migration(migrations.Migration):

    dependencies = [
        ("webhooks", "0002_seller_events"),
    ]

    operations = [
        migrations.RunPython(drop_bodies, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="last_error",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
