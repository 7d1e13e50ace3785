from django.urls import path

from . import views

app_name = "imagery"
urlpatterns = [
    path("registry/rights/<int:pk>/references/", views.references, name="references"),
    path("registry/references/<int:pk>/remove/", views.reference_delete, name="reference_delete"),
    path("images/references/<int:pk>.jpg", views.reference_thumbnail, name="reference_thumbnail"),
    path("images/listings/<int:pk>.jpg", views.listing_image_thumbnail, name="listing_image_thumbnail"),
    path("review/sellers/<int:pk>/linked/", views.seller_linked, name="seller_linked"),
    path("reports/listings/photo-search/", views.photo_search, name="photo_search"),
]
