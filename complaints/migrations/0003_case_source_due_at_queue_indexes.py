from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def backfill_due_at(apps, schema_editor):
    """Existing cases get the SLA of their lane counted from when they were opened."""
    Case = apps.get_model("complaints", "Case")
    for priority, hours in settings.REVIEW_SLA_HOURS.items():
        Case.objects.filter(priority=priority, due_at__isnull=True).update(
            due_at=models.F("created_at") + timedelta(hours=hours))
    Case.objects.filter(due_at__isnull=True).update(due_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0002_reportdraft_reportevidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="source",
            field=models.CharField(choices=[("report", "Report"), ("automatic", "Automatic detection"),
                                            ("trusted_flagger", "Trusted flagger")],
                                   default="report", max_length=16),
        ),
        migrations.AlterField(
            model_name="case",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Trusted / good faith"), (1, "Verified right"), (2, "Other")], default=2),
        ),
        migrations.AddField(
            model_name="case",
            name="due_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(backfill_due_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="due_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(model_name="case", name="case_queue_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "priority", "due_at", "id"], name="case_queue_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "created_at", "id"], name="case_state_age_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "due_at", "id"], name="case_state_due_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["right", "state", "priority", "due_at"], name="case_right_queue_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "source", "priority", "due_at"], name="case_source_queue_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["state", "claim_expires_at"], name="case_claim_expiry_idx"),
        ),
    ]
