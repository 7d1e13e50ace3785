from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("legal/packages/", views.package_list, name="package_list"),
    path("legal/packages/new/", views.package_new, name="package_new"),
    path("legal/packages/<int:pk>/", views.package_detail, name="package_detail"),
    path("legal/packages/<int:pk>/download/", views.package_download, name="package_download"),
    path("legal/test-buys/new/", views.test_buy_new, name="test_buy_new"),
    path("legal/test-buys/<int:pk>/", views.test_buy_detail, name="test_buy_detail"),
    path("legal/test-buys/<int:pk>/photos/<int:file_pk>/", views.test_buy_photo, name="test_buy_photo"),
    path("legal/referrals/", views.referral_list, name="referral_list"),
    path("legal/referrals/new/", views.referral_new, name="referral_new"),
    path("legal/referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("legal/referrals/<int:pk>/move/", views.referral_move_view, name="referral_move"),
    path("legal/referrals/<int:pk>/package/", views.referral_package, name="referral_package"),
    path("legal/referrals/<int:pk>/share/", views.referral_share, name="referral_share"),
    path("legal/share/<str:token>/", views.share, name="share"),
    path("legal/sellers/<int:pk>/", views.seller_dossier_view, name="seller_dossier"),
    path("legal/offences/", views.offence_list, name="offence_list"),
    path("legal/offences/flag/", views.offence_flag_view, name="offence_flag"),
    path("legal/offences/<int:pk>/", views.offence_detail, name="offence_detail"),
    path("legal/offences/<int:pk>/decide/", views.offence_decide, name="offence_decide"),
]
