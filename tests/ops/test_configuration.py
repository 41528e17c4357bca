"""Operations settings come from the environment (README, "Configuration"): the database's
replica and timeouts, the shared cache, key rotation, and production's static files and
health-check exemption. Each case starts a fresh Python with the environment given."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "TREATYKB_ENV": "production",
    "SECRET_KEY": "p" * 60,
    "ALLOWED_HOSTS": "treatykb.example.org",
}
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'DATABASES': s.DATABASES, 'CACHES': s.CACHES, 'STORAGES': s.STORAGES,"
    "'SECRET_KEY_FALLBACKS': s.SECRET_KEY_FALLBACKS, 'DATABASE_ROUTERS': s.DATABASE_ROUTERS,"
    "'SECURE_REDIRECT_EXEMPT': getattr(s, 'SECURE_REDIRECT_EXEMPT', [])}, default=str))"
)
OWN_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "DATABASE_CONNECT_TIMEOUT",
    "DATABASE_STATEMENT_TIMEOUT",
    "CACHE_URL",
    "SECRET_KEY_FALLBACKS",
    "TREATYKB_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
)


def run_settings(**environment):
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(environment, DJANGO_SETTINGS_MODULE="treatykb.settings")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def settings_with(**environment):
    result = run_settings(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_nothing_set_gives_one_local_database_and_a_per_process_cache():
    config = settings_with()
    assert list(config["DATABASES"]) == ["default"]
    assert config["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert config["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert config["SECRET_KEY_FALLBACKS"] == []
    assert config["DATABASE_ROUTERS"] == ["treatykb.routers.PrimaryReplicaRouter"]


def test_postgresql_gets_a_connect_timeout_and_an_optional_statement_timeout():
    url = "postgres://treatykb:secret@db.internal:5432/treatykb"
    default = settings_with(DATABASE_URL=url)["DATABASES"]["default"]
    assert default["OPTIONS"] == {"connect_timeout": 5, "options": "-c random_page_cost=1.1"}
    assert default["CONN_HEALTH_CHECKS"] is True

    config = settings_with(
        DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="3", DATABASE_STATEMENT_TIMEOUT="15000"
    )
    assert config["DATABASES"]["default"]["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c random_page_cost=1.1 -c statement_timeout=15000",
    }


def test_a_replica_url_adds_the_replica_alias_with_the_same_timeouts():
    config = settings_with(
        DATABASE_URL="postgres://treatykb:secret@primary.internal:5432/treatykb",
        DATABASE_REPLICA_URL="postgres://reader:secret@replica.internal:5432/treatykb",
        DATABASE_STATEMENT_TIMEOUT="15000",
    )
    replica = config["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal"
    assert replica["USER"] == "reader"
    assert replica["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c random_page_cost=1.1 -c statement_timeout=15000",
    }
    assert config["DATABASES"]["default"]["HOST"] == "primary.internal"


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/1", "rediss://cache.internal:6380/0"])
def test_a_redis_cache_url_shares_the_cache_through_redis(url):
    cache = settings_with(CACHE_URL=url)["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == url
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("CACHE_URL", "memcached://cache:11211", "CACHE_URL must start with redis://"),
        ("DATABASE_CONNECT_TIMEOUT", "five", "DATABASE_CONNECT_TIMEOUT must be a whole number"),
        ("DATABASE_STATEMENT_TIMEOUT", "1s", "DATABASE_STATEMENT_TIMEOUT must be a whole number"),
    ],
)
def test_a_wrong_value_stops_the_start_with_a_clear_message(variable, value, message):
    result = run_settings(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_previous_secret_keys_are_accepted_during_a_rotation():
    config = settings_with(**PRODUCTION, SECRET_KEY_FALLBACKS=f"{'a' * 50},{'b' * 50}")
    assert config["SECRET_KEY_FALLBACKS"] == ["a" * 50, "b" * 50]


def test_production_serves_hashed_compressed_static_files_and_lets_probes_use_http():
    config = settings_with(**PRODUCTION)
    assert config["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert config["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]
