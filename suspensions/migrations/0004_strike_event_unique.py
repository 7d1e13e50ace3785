"""A strike's decisions are its links now (0003 moved them): its own decision column goes, and one
strike per seller and event is a constraint."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('suspensions', '0003_strikes_grouped_by_event'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='strike',
            name='decision',
        ),
        migrations.AddConstraint(
            model_name='strike',
            constraint=models.UniqueConstraint(fields=('seller', 'event_key'), name='one_strike_per_seller_event'),
        ),
    ]
