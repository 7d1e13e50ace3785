"""Drop the foreign key's own index on a listing image's listing: img_listing_current (listing,
current) begins with the same column and serves every lookup by listing (and the cascade from a
listing), and each of an ingest batch's tens of thousands of new image rows paid for both."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imagery', '0002_band_indexes_cover_the_id'),
        ('listings', '0005_drop_external_id_like_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='listingimage',
            name='listing',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='images', to='listings.listing'),
        ),
    ]
