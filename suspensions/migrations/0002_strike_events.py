"""Strikes per decision event (issue 13, point 6): a strike gets its event key and the decisions it
covers (StrikeDecision); its own decision column becomes optional until 0003 has moved it into a
link, and 0004 drops it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0013_info_answer_evidence'),
        ('suspensions', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='strike',
            name='decision',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                       related_name='strike', to='complaints.decision'),
        ),
        migrations.AddField(
            model_name='strike',
            name='event_key',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name='StrikeDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('added_at', models.DateTimeField()),
                ('reversed_at', models.DateTimeField(blank=True, null=True)),
                ('reversed_reason', models.CharField(blank=True, max_length=200)),
                ('decision', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT,
                                                  related_name='strike_link', to='complaints.decision')),
                ('strike', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links',
                                             to='suspensions.strike')),
            ],
            options={
                'ordering': ['strike_id', 'decision_id'],
            },
        ),
        migrations.AddField(
            model_name='strike',
            name='decisions',
            field=models.ManyToManyField(related_name='strikes', through='suspensions.StrikeDecision',
                                         to='complaints.decision'),
        ),
    ]
