"""Drop the varchar_pattern_ops index PostgreSQL gets beside a unique CharField's own index.

Django adds it for LIKE 'prefix%' lookups; nothing here makes one on a listing's external id (the
searches are case-insensitive, which it cannot serve), and every new listing paid for it: about a
seventh of COPYing 10,000 new listings into the table (~20 of ~150 ms, measured). The unique
index stays; `unique=True` stays in the model, so a later AlterField knows the column as it is.
"""

from django.db import migrations


def _like_index(schema_editor, model) -> str:
    return schema_editor._create_index_name(model._meta.db_table, ["external_id"], suffix="_like")


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {_like_index(schema_editor, apps.get_model('listings', 'Listing'))}")


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("listings", "Listing")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {_like_index(schema_editor, model)} "
                              f"ON {model._meta.db_table} (external_id varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("listings", "0004_content_hash_db_default"),
    ]

    operations = [migrations.RunPython(drop, create)]
