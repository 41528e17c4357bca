"""gunicorn settings for Treaty KB in production, all from the environment (README,
"Configuration"). gunicorn reads this file when started from the repository root:

    TREATYKB_ENV=production SECRET_KEY=... ALLOWED_HOSTS=... .venv/bin/gunicorn

`bench/run.py` (make bench) serves the app with it too.
"""

import multiprocessing
import os


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "treatykb.wsgi:application"

# Where to listen: GUNICORN_BIND (comma-separated: "0.0.0.0:8000", "unix:/run/treatykb.sock"),
# else all interfaces on PORT when a platform sets it, else 127.0.0.1:8000 (a proxy on this host).
if os.environ.get("GUNICORN_BIND", "").strip():
    bind = [part.strip() for part in os.environ["GUNICORN_BIND"].split(",") if part.strip()]
elif os.environ.get("PORT", "").strip():
    bind = [f"0.0.0.0:{env_int('PORT', 8000)}"]
else:
    bind = ["127.0.0.1:8000"]

# Worker processes: WEB_CONCURRENCY, else 2 × cores + 1 (the pages are database-bound, so a
# worker waiting on PostgreSQL leaves the core to another). Each worker is one sync process.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
threads = env_int("GUNICORN_THREADS", 1)

# A request taking longer than GUNICORN_TIMEOUT seconds gets its worker killed and restarted
# (the proxy answers 502); workers get GUNICORN_GRACEFUL_TIMEOUT seconds to finish on a restart.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to keep an idle connection from the proxy open (longer than 0 only behind a proxy).
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Each worker is replaced after about GUNICORN_MAX_REQUESTS requests (a cap on slow memory
# growth); the jitter spreads the restarts so that the workers do not all restart at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", max(1, max_requests // 10))

# Logs to stdout/stderr for the process manager (systemd, docker) to collect: one access line
# per request with the client as the proxy reports it (X-Forwarded-For) and the time taken.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s %({x-forwarded-for}i)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# The addresses of the proxies whose X-Forwarded-Proto / X-Forwarded-For headers gunicorn trusts
# (FORWARDED_ALLOW_IPS, comma-separated; "*" only when nothing but the proxy can reach gunicorn).
# Django itself trusts X-Forwarded-Proto only with SECURE_PROXY_SSL_HEADER=1, and the login
# lockout reads X-Forwarded-For only with TRUSTED_PROXY_COUNT set (README, "Configuration").
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The workers' heartbeat files in memory, not on a possibly slow or read-only disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (`gunicornc`) only where asked for, at GUNICORN_CONTROL_SOCKET: its
# default path is shared by every gunicorn of the user (two servers at once, as in `make bench`,
# would take it from each other) and needs a writable home directory.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"].strip()
