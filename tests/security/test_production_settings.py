"""Production mode (TREATYKB_ENV=production): safe or it does not start.

Each test starts a fresh ``manage.py`` with only the given environment, as a deployment would:
settings are read once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3y-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789!@#$%^&*()_+" * 2
PRODUCTION = {"TREATYKB_ENV": "production", "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "kb.example.org"}
# Variables of the calling environment that would change what is checked.
SCRUB = (
    "DEBUG",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "ADMIN_URL",
    "DJANGO_SETTINGS_MODULE",
)


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in SCRUB}
    environment = {**base, "DJANGO_SETTINGS_MODULE": "treatykb.settings", **env}
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_is_clean_behind_a_tls_terminating_proxy():
    # The proxy redirects to HTTPS itself and says which requests came in over HTTPS.
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="1",
        **PRODUCTION,
    )
    # Django flags SECURE_SSL_REDIRECT off (W008) even when a proxy redirects: that one warning
    # and nothing else.
    assert "security.W008" in result.stdout + result.stderr
    assert result.stderr.count("?: (") == 1, result.stderr


def test_the_development_defaults_are_what_check_deploy_complains_about():
    # The check has teeth: the same command without production mode fails.
    result = manage("check", "--deploy", "--fail-level", "WARNING", TREATYKB_ENV="development")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def production_settings(**env):
    """The effective production settings, as ``name=value`` lines."""
    code = (
        "from django.conf import settings as s; "
        "print('DEBUG', s.DEBUG); print('HSTS', s.SECURE_HSTS_SECONDS); "
        "print('SESSION_SECURE', s.SESSION_COOKIE_SECURE); "
        "print('SESSION_HTTPONLY', s.SESSION_COOKIE_HTTPONLY); "
        "print('CSRF_SECURE', s.CSRF_COOKIE_SECURE); print('SSL', s.SECURE_SSL_REDIRECT); "
        "print('PROXY', getattr(s, 'SECURE_PROXY_SSL_HEADER', None)); "
        "print('VALIDATORS', len(s.AUTH_PASSWORD_VALIDATORS))"
    )
    result = manage("shell", "--no-imports", "-c", code, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())


def test_production_is_https_only_with_secure_cookies_and_password_rules():
    values = production_settings()
    assert values == {
        "DEBUG": "False",
        "HSTS": "31536000",
        "SESSION_SECURE": "True",
        "SESSION_HTTPONLY": "True",
        "CSRF_SECURE": "True",
        "SSL": "True",
        "PROXY": "None",
        "VALIDATORS": "4",
    }


def test_the_proxy_header_is_trusted_only_when_asked():
    values = production_settings(SECURE_PROXY_SSL_HEADER="1", SECURE_SSL_REDIRECT="0")
    assert values["PROXY"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert values["SSL"] == "False"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": None}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": ""}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "Production needs SECRET_KEY"),
        (
            {"SECRET_KEY": "django-insecure-treatykb-local-development-only"},
            "Production needs SECRET_KEY",
        ),
        ({"ALLOWED_HOSTS": None}, "Production needs ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " , "}, "Production needs ALLOWED_HOSTS"),
        ({"DEBUG": "1"}, "DEBUG must be off in production"),
        ({"ADMIN_URL": "/"}, "ADMIN_URL must be a path"),
        ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT must be a whole number"),
        ({"AXES_COOLOFF_MINUTES": "0"}, "AXES_COOLOFF_MINUTES must be at least 1"),
    ],
)
def test_production_refuses_to_start_when_misconfigured(env, message):
    result = manage("check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
