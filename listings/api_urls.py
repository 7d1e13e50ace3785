from django.urls import path

from .api import ListingUpsertApi

app_name = "listings_api"
urlpatterns = [
    path("listings/", ListingUpsertApi.as_view(), name="listing_upsert"),
]
