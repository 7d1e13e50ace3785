from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    # Under /registry/brands/ with the brand's other pages; served by monitoring, which may read
    # cases (the registry may not).
    path("brands/<int:pk>/impact/", views.brand_impact, name="brand_impact"),
    path("brands/<int:pk>/recheck/", views.recheck_progress, name="recheck_progress"),
]
