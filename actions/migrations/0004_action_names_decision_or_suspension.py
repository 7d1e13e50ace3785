"""After the history named each suspension action's suspension (0003): every action names what it
enforces, a decision on a case or a suspension."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0003_restrictions_from_history"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="enforcementaction",
            name="action_has_decision_or_job",
        ),
        migrations.AddConstraint(
            model_name="enforcementaction",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("case__isnull", False), ("decision__isnull", False)),
                                   models.Q(("bulk_job__isnull", False), ("suspension__isnull", False)),
                                   _connector="OR"),
                name="action_has_decision_or_suspension"),
        ),
    ]
