"""gunicorn.conf.py: production serving settings from the environment, and it really serves."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
OWN = (
    "GUNICORN_BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "FORWARDED_ALLOW_IPS",
    "LOG_LEVEL",
    "GUNICORN_CONTROL_SOCKET",
)


def environment(**env):
    return {**{k: v for k, v in os.environ.items() if k not in OWN}, **env}


def resolved(**env):
    """gunicorn's fully resolved settings under ``env``, as {name: text}."""
    result = subprocess.run(
        [str(GUNICORN), "--print-config"],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    settings = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def test_defaults():
    settings = resolved()
    assert settings["wsgi_app"] == "treatykb.wsgi:application"
    assert settings["bind"] == "['127.0.0.1:8000']"
    assert settings["workers"] == str(2 * os.cpu_count() + 1)
    assert settings["timeout"] == "30"
    assert settings["max_requests"] == "1000"
    assert settings["max_requests_jitter"] == "100"
    assert settings["accesslog"] == "-"
    assert settings["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    assert settings["control_socket_disable"] == "True"


def test_everything_comes_from_the_environment():
    settings = resolved(
        GUNICORN_BIND="0.0.0.0:9000,unix:/tmp/treatykb.sock",
        WEB_CONCURRENCY="3",
        GUNICORN_TIMEOUT="60",
        GUNICORN_MAX_REQUESTS="500",
        FORWARDED_ALLOW_IPS="10.0.0.5",
        LOG_LEVEL="WARNING",
    )
    assert settings["bind"] == "['0.0.0.0:9000', 'unix:/tmp/treatykb.sock']"
    assert settings["workers"] == "3"
    assert settings["timeout"] == "60"
    assert settings["max_requests"] == "500"
    assert settings["max_requests_jitter"] == "50"
    assert settings["forwarded_allow_ips"] == "['10.0.0.5']"
    assert settings["loglevel"] == "warning"
    assert resolved(PORT="5000")["bind"] == "['0.0.0.0:5000']"
    control = resolved(GUNICORN_CONTROL_SOCKET="/run/treatykb/gunicorn.ctl")
    assert control["control_socket_disable"] == "False"
    assert control["control_socket"] == "/run/treatykb/gunicorn.ctl"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_it_serves_production_with_an_access_log_line_per_request(tmp_path):
    port = free_port()
    env = environment(
        TREATYKB_ENV="production",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        DJANGO_SETTINGS_MODULE="treatykb.settings",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(GUNICORN)], cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # As the TLS-terminating proxy on this host passes a request on.
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/",
                    headers={"X-Forwarded-Proto": "https", "Accept": "application/json"},
                )
                response = urllib.request.urlopen(request, timeout=5)
                break
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert response.status == 200
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        # Seen as HTTPS (SECURE_PROXY_SSL_HEADER), so HSTS is sent.
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text().splitlines()
    assert not any("Control socket" in line for line in lines)
    assert any('"GET /api/v1/ HTTP/1.1" 200' in line and "ms " in line for line in lines), lines
