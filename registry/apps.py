from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_accept_invitations, dispatch_uid="registry.accept_invitations")


def _accept_invitations(sender, request, user, **kwargs) -> None:
    """Pending brand invitations for this email become memberships at login (there is no sign-up page)."""
    from .services import brand_invitations_accept_for

    brand_invitations_accept_for(user=user)
