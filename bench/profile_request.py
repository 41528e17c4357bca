"""Where the time of one request goes: `make bench-profile` (or this script with a path).

Runs the WSGI application in this process, under the production settings the benchmark uses
(bench.settings, DEBUG off, the database and cache of the environment: DATABASE_URL, CACHE_URL),
sends the same request N times after a warm-up, and prints:

- the time per request of the floor (`/bench/floor/`: the whole middleware stack, a constant
  view) and of each address asked for, with their ratio (the benchmark's "÷ floor");
- what each middleware costs, by ablation: the same request through a handler built without
  that one middleware, the difference being its cost (rough for layers that change the answer:
  the compression layer does nothing here, no client asks for gzip);
- the functions with the most time of their own (cProfile), so that the largest costs can be
  named.

Usage:
    CACHE_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/profile_request.py \
        /api/v1/ratifications/?treaty=untoc --if-none-match -n 2000

``--if-none-match`` first fetches the address and then asks again with its ETag (the 304 path).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("TREATYKB_ENV", "production")
    os.environ.setdefault("SECRET_KEY", "profile-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    os.environ.setdefault("API_ANON_RATE", "")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def environ_for(path, headers):
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(application, path, headers=None):
    captured = {}

    def start_response(status, response_headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(response_headers)

    body = b"".join(application(environ_for(path, headers or {}), start_response))
    return captured["status"], captured["headers"], body


def measure(application, path, headers, count):
    started = time.perf_counter()
    for _ in range(count):
        status, _, _ = call(application, path, headers)
    return (time.perf_counter() - started) / count * 1000, status


def ablation(path, headers, count, full_ms, full_status):
    """[(middleware, ms saved without it)], largest first; None when the request cannot be
    answered the same way without it (another layer needs it)."""
    import logging

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    everything = list(settings.MIDDLEWARE)
    saved = []
    logging.disable(logging.CRITICAL)
    try:
        for name in everything:
            settings.MIDDLEWARE = [other for other in everything if other != name]
            handler = WSGIHandler()
            _, status = measure(handler, path, headers, 50)
            if status != full_status:
                saved.append((name, None))
                continue
            ms, _ = measure(handler, path, headers, count)
            saved.append((name, full_ms - ms))
    finally:
        settings.MIDDLEWARE = everything
        logging.disable(logging.NOTSET)
    return sorted(saved, key=lambda item: -(item[1] if item[1] is not None else -1e9))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("-n", type=int, default=1000, help="Requests per address.")
    parser.add_argument("--if-none-match", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    configure()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    floor_ms, _ = measure(application, "/bench/floor/", {}, args.n)
    print(f"floor: {floor_ms:.3f} ms a request")
    for path in args.paths:
        headers = {}
        status, response_headers, _ = call(application, path)
        if args.if_none_match:
            headers["If-None-Match"] = response_headers.get("ETag", "")
        measure(application, path, headers, 50)  # warm-up
        ms, status = measure(application, path, headers, args.n)
        print(f"{path} ({status}): {ms:.3f} ms a request; ÷ floor {floor_ms / ms:.2f}")
        print("  each middleware's cost (the request without it, ms saved):")
        for name, saved in ablation(path, headers, args.n, ms, status):
            if saved is None:
                print(f"    {'—':>7}     {'':>5}    {name} (another layer needs it)")
            else:
                print(f"    {saved:7.3f} ms  {100 * saved / ms:5.1f} %  {name}")
        profile = cProfile.Profile()
        profile.enable()
        measure(application, path, headers, args.n)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
