"""The admin login: locked after repeated failures (django-axes), at a configurable address."""

import datetime
import importlib

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from tests.admin.conftest import PASSWORD

WRONG = "not-the-password"


def log_in(client, password, username="editor", address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_the_failure_limit_and_cool_off_default_to_five_and_fifteen_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AUTHENTICATION_BACKENDS[-1] == "django.contrib.auth.backends.ModelBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert "axes" in settings.INSTALLED_APPS


def test_a_failed_login_shows_the_form_again(client, editor):
    response = log_in(client, WRONG)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_the_fifth_failure_locks_the_user_name_out_even_with_the_right_password(client, editor):
    for _ in range(4):
        assert log_in(client, WRONG).status_code == 200
    locked = log_in(client, WRONG)
    page = locked.content.decode()
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Too many failed logins" in page
    assert "after 5 failed attempts" in page
    assert "Try again in 15 minutes" in page
    assert "Content-Security-Policy" in locked

    right = log_in(client, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still to the login page


def test_the_lockout_escapes_the_user_name(client, db):
    name = '"><img src=x onerror=alert(1)>'
    for _ in range(5):
        response = log_in(client, WRONG, username=name)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_lock_is_per_user_name_and_address_and_lifts_after_the_cool_off(client, editor):
    log_in(client, WRONG)
    assert log_in(client, WRONG).status_code == 429
    # The same person from another address, and another account from this one, can log in.
    assert log_in(client, PASSWORD, address="198.51.100.1").status_code == 302
    client.logout()
    # After the cool-off, the right password works again.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_login_resets_the_count(client, editor):
    log_in(client, WRONG)
    log_in(client, WRONG)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    log_in(client, WRONG)
    assert log_in(client, WRONG).status_code == 200  # 2 failures since the reset: not locked


@override_settings(AXES_FAILURE_LIMIT=2, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_address_counts_not_the_proxys(client, editor):
    def via_proxy(password, client_address, forged=""):
        forwarded = f"{forged}, {client_address}" if forged else client_address
        return client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    via_proxy(WRONG, "203.0.113.7")
    # A forged X-Forwarded-For entry does not get the attacker a fresh address.
    assert via_proxy(WRONG, "203.0.113.7", forged="192.0.2.99").status_code == 429
    # Someone else behind the same proxy is not locked out.
    assert via_proxy(PASSWORD, "198.51.100.1").status_code == 302


def test_api_token_and_session_logins_are_unaffected_by_a_lockout(client, editor):
    from rest_framework.authtoken.models import Token

    for _ in range(5):
        log_in(client, WRONG)
    token = Token.objects.create(user=editor)
    response = client.get(
        "/api/v1/treaties/", HTTP_AUTHORIZATION=f"Token {token.key}", REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 200


@pytest.fixture
def admin_at_custom_path(settings):
    import treatykb.urls

    original = settings.ADMIN_URL
    settings.ADMIN_URL = "editing-desk/"
    importlib.reload(treatykb.urls)
    clear_url_caches()
    yield
    settings.ADMIN_URL = original
    importlib.reload(treatykb.urls)
    clear_url_caches()


def test_the_admin_lives_at_admin_url(client, editor, admin_at_custom_path):
    assert reverse("admin:index") == "/editing-desk/"
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    login = client.get("/editing-desk/login/")
    assert login.status_code == 200
    assert 'action="/editing-desk/login/"' in login.content.decode()
    assert log_in(client, PASSWORD).status_code == 302
    assert client.get("/editing-desk/").status_code == 200


def test_the_form_warns_when_one_attempt_is_left(client, editor):
    for _ in range(3):
        assert "One attempt left" not in log_in(client, WRONG).content.decode()
    fourth = log_in(client, WRONG)
    assert fourth.status_code == 200
    assert "One attempt left: one more failure locks this user name out" in (
        fourth.content.decode()
    )
    assert log_in(client, WRONG).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=2)
def test_attempts_during_a_lockout_do_not_extend_it(client, editor):
    log_in(client, WRONG)
    assert log_in(client, WRONG).status_code == 429
    locked_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=14)
    AccessAttempt.objects.update(attempt_time=locked_at)
    for _ in range(3):  # refused, and the cool-off still runs from the locking failure
        assert log_in(client, PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at  # not moved on
    # Two minutes later the fifteen minutes from the locking failure are over.
    AccessAttempt.objects.update(attempt_time=locked_at - datetime.timedelta(minutes=2))
    assert log_in(client, PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_new_password_set_by_an_administrator_lifts_the_lockout(client, admin_client, editor):
    log_in(client, WRONG)
    assert log_in(client, WRONG).status_code == 429
    url = reverse("admin:auth_user_password_change", args=[editor.pk])
    new = "a-brand-new-editorial-password-7"
    response = admin_client.post(
        url, {"password1": new, "password2": new, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content
    assert not AccessAttempt.objects.filter(username="editor").exists()
    assert log_in(client, new).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_superusers_see_the_current_lockouts_and_lift_them(client, admin_client, editor):
    log_in(client, WRONG)
    log_in(client, WRONG)
    log_in(client, WRONG, username="someone-else")  # one failure: not locked out
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    shown = [attempt.username for attempt in changelist.context["cl"].result_list]
    assert shown == ["editor"]
    attempt = AccessAttempt.objects.get(username="editor")
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift_lockouts", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="editor").exists()
    assert log_in(client, PASSWORD).status_code == 302


def test_cleaning_up_expired_attempts_works(client, admin_client, editor):
    log_in(client, WRONG)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    )
    log_in(client, WRONG, username="recent")
    every = AccessAttempt.objects.values_list("pk", flat=True)
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist") + "?now=all",
        {"action": "cleanup_expired_attempts", "_selected_action": list(every)},
        follow=True,
    )
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent"]


def test_editors_do_not_see_the_lockouts(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
