"""django-axes for the test suite."""

from axes.backends import AxesStandaloneBackend


class AxesBackendForTestClient(AxesStandaloneBackend):
    """django-axes's backend, except that an authentication without a request passes through
    uncounted instead of raising: Django's test ``Client.login()`` authenticates without one.
    Every login with a request (the admin's login page, DRF) is checked and counted exactly as in
    production (tests/admin/test_login.py)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
