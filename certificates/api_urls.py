from django.urls import path

from . import api

urlpatterns = [
    path("works/", api.WorkRegisterApi.as_view(), name="api_work_register"),
    path("certificates/<str:public_id>/", api.CertificateApi.as_view(), name="api_certificate"),
    path("log/key/", api.LogKeyApi.as_view(), name="api_log_key"),
    path("log/sth/", api.LogSthApi.as_view(), name="api_log_sth"),
    path("log/proof/", api.LogProofApi.as_view(), name="api_log_proof"),
    path("log/consistency/", api.LogConsistencyApi.as_view(), name="api_log_consistency"),
]
