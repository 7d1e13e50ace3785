from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_note_second_factor, dispatch_uid="accounts.second_factor")


def _note_second_factor(sender, request, user, **kwargs):
    """Decide at login what the session owes (accounts.middleware.SecondFactorMiddleware)."""
    if request is None or not hasattr(request, "session"):
        return
    from .middleware import OTP_SESSION_KEY, second_factor_step, staff_session_touch
    from .permissions import is_staff_member

    request.session[OTP_SESSION_KEY] = second_factor_step(user)
    if is_staff_member(user):  # the idle limit from the first request on, saved with the login
        staff_session_touch(request.session, force=True)
