"""django-axes' lockout in front of the password check (settings.AUTHENTICATION_BACKENDS)."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes needs the request to know the address; an authenticate() without one (a management
    command, the test client's login()) is not a login over HTTP and is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
