from django.apps import AppConfig


class RegistryConfig(AppConfig):
    # Brand invitations are accepted on their link's page only (consent): nothing joins a brand at login.
    name = "registry"
