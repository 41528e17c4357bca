"""Login lockouts (django-axes) that editors can live with.

- The login form warns when one attempt is left before the user name is locked out
  (``LoginForm``).
- The rule: after ``AXES_FAILURE_LIMIT`` failures for one user name from one address, that user
  name is locked out from that address for ``AXES_COOLOFF_MINUTES`` counted from the failure
  that locked it; attempts during the lockout are refused and do not extend it
  (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``).
- An administrator who sets a new password for a user lifts that user's lockouts
  (``lift_on_new_password``), and superusers see the current lockouts in the admin, with a
  "Lift" action (``LockoutAdmin`` in common/admin.py).
"""

from axes.models import AccessAttempt
from axes.utils import reset
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Max
from django.utils import timezone


def client_address(request):
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def failures(username, address):
    found = AccessAttempt.objects.filter(username=username, ip_address=address)
    return found.aggregate(most=Max("failures_since_start"))["most"] or 0


def locked_out():
    """The attempts that lock a user name out now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )


def lift(attempts):
    """Lift the lockouts of these attempts (their user names from their addresses)."""
    lifted = 0
    for username, address in set(attempts.values_list("username", "ip_address")):
        lifted += reset(ip=address, username=username) if address else reset(username=username)
    return lifted


class LoginForm(AdminAuthenticationForm):
    """The admin's login form, saying so when the next failure locks the user name out."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            username = self.cleaned_data.get("username") or self.data.get("username", "")
            left = settings.AXES_FAILURE_LIMIT - failures(username, client_address(self.request))
            if username and left == 1:
                minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
                raise forms.ValidationError(
                    [
                        *error.error_list,
                        forms.ValidationError(
                            "One attempt left: one more failure locks this user name out from "
                            f"this address for {minutes} minutes.",
                            code="last_attempt",
                        ),
                    ]
                ) from None
            raise


def lift_on_new_password(sender, instance, raw=False, **kwargs):
    """``pre_save`` of the user model: a new password (set by an administrator, or by the user)
    lifts the user's lockouts."""
    if raw or not instance.pk:
        return
    before = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    if before.first() not in (None, instance.password):
        reset(username=instance.get_username())
