"""Copy each case's brand and IP type from its right (the queue filters on them with an ordered
index scan); internal notes; questions to the reporter. The backfill is one UPDATE ... FROM, the
constraint and the indexes come after it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _analyze_cases(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE complaints_case")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0005_report_kinds_links_withdrawal'),
        ('listings', '0001_initial'),
        ('registry', '0002_rights_by_kind_codes_invitations_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='InfoRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('question', models.TextField()),
                ('deadline', models.DateTimeField()),
                ('asked_at', models.DateTimeField(auto_now_add=True)),
                ('answer', models.TextField(blank=True)),
                ('answered_at', models.DateTimeField(blank=True, null=True)),
                ('expired_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='case',
            name='brand',
            field=models.ForeignKey(null=True, db_index=False, db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='registry.brand'),
        ),
        migrations.AddField(
            model_name='case',
            name='kind',
            field=models.CharField(choices=[('trademark', 'Trademark'), ('patent', 'Patent'), ('design', 'Design'), ('copyright', 'Copyright')], default='', max_length=16),
        ),
        migrations.RunSQL(
            "UPDATE complaints_case SET brand_id = r.brand_id, kind = r.kind FROM registry_ipright r "
            "WHERE r.id = complaints_case.right_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        # The planner needs the new columns' statistics at once, not when autovacuum gets to them:
        # without them a brand-filtered queue page took a second at a million cases.
        migrations.RunPython(_analyze_cases, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='case',
            name='brand',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='registry.brand'),
        ),
        migrations.AlterField(
            model_name='case',
            name='kind',
            field=models.CharField(choices=[('trademark', 'Trademark'), ('patent', 'Patent'), ('design', 'Design'), ('copyright', 'Copyright')], max_length=16),
        ),
        migrations.AlterField(
            model_name='decision',
            name='outcome',
            field=models.CharField(choices=[('remove', 'Remove listing'), ('suppress', 'Suppress listing'), ('reject', 'Reject report'), ('reinstate', 'Grant appeal: reinstate'), ('uphold', 'Deny appeal: uphold')], max_length=16),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['brand', 'state', 'priority', 'due_at', 'id'], name='case_brand_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['kind', 'state', 'priority', 'due_at', 'id'], name='case_kind_queue_idx'),
        ),
        migrations.AddField(
            model_name='casenote',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='casenote',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='notes', to='complaints.case'),
        ),
        migrations.AddField(
            model_name='inforequest',
            name='answered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='inforequest',
            name='asked_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='inforequest',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='info_requests', to='complaints.case'),
        ),
        migrations.AddIndex(
            model_name='inforequest',
            index=models.Index(condition=models.Q(('answered_at__isnull', True), ('expired_at__isnull', True)), fields=['deadline'], name='info_request_open_deadline_idx'),
        ),
        migrations.AddConstraint(
            model_name='inforequest',
            constraint=models.UniqueConstraint(condition=models.Q(('answered_at__isnull', True), ('expired_at__isnull', True)), fields=('case',), name='one_open_info_request_per_case'),
        ),
    ]
