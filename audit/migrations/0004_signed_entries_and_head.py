"""Entries carry a mac and a hash version; the head is signed (audit.signing).

Entries already linked keep their hashes and are verified the old way (hash_version 1: the
actor and the place were not hashed). Entries still waiting to be linked were written by the
portal before macs existed: they get theirs now, so the linker links them (version 2). The head
is signed as it stands."""

from django.db import migrations, models


def sign_existing(apps, schema_editor):
    from audit import signing

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditChainHead")
    Entry.objects.filter(seq__isnull=False).update(hash_version=1)
    for e in Entry.objects.filter(seq__isnull=True).iterator(chunk_size=2000):
        e.mac = signing.entry_mac(created_at=e.created_at, actor_id=e.actor_id, actor_repr=e.actor_repr,
                                  action=e.action, target_type=e.target_type, target_id=e.target_id,
                                  target_repr=e.target_repr, data=e.data)
        e.save(update_fields=["mac"])
    head = Head.objects.filter(id=1).first()
    if head is not None:
        head.signature = signing.head_signature(count=head.count, last_hash=head.last_hash)
        head.save(update_fields=["signature"])


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hash_not_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='signature',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='hash_version',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, db_default='', default='', max_length=64),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
