from django.urls import path

from .api import ListingBulkIngestApi, ListingUpsertApi

app_name = "listings_api"
urlpatterns = [
    path("listings/", ListingUpsertApi.as_view(), name="listing_upsert"),
    path("listings/bulk/", ListingBulkIngestApi.as_view(), name="listing_bulk"),
]
