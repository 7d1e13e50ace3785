from django.urls import path

from .api import ListingBulkIngestApi, ListingUpsertApi, SellerAccountApi

app_name = "listings_api"
urlpatterns = [
    path("listings/", ListingUpsertApi.as_view(), name="listing_upsert"),
    path("listings/bulk/", ListingBulkIngestApi.as_view(), name="listing_bulk"),
    path("sellers/<str:external_id>/accounts/", SellerAccountApi.as_view(), name="seller_account"),
]
