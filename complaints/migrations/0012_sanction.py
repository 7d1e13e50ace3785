"""NotifierSanction is now Sanction. The table keeps its name (set first, so the rename moves no
table); RenameModel at the top level also renames the content type, so admin history and
permissions follow."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_drop_right_queue_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelTable(name="notifiersanction", table="complaints_notifiersanction"),
        migrations.RenameModel(old_name="NotifierSanction", new_name="Sanction"),
        migrations.AlterField(
            model_name="sanction",
            name="reporter",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.PROTECT,
                                    related_name="reporter_sanctions", to=settings.AUTH_USER_MODEL),
        ),
    ]
