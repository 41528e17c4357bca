#!/usr/bin/env python3
"""Treaty KB benchmark: `make bench` (full) and `make bench-smoke` (seconds, for CI).

On one machine, in one run:
1. installs wrk (Debian) and Redis when missing (as root), starts a throw-away PostgreSQL
   cluster (scripts/pg-cluster) and a throw-away Redis;
2. builds two databases: the real data set ("real") and the real data plus a synthetic data set
   of whole-collection scale ("whole": generate_synthetic_data --allow-mixed);
3. for each, serves the app under gunicorn with production settings (TREATYKB_ENV=production,
   plain HTTP on loopback) and bench.settings (an X-Query-Count header and /bench/floor/);
4. counts the database queries of every endpoint (X-Query-Count), checks the conditional API
   request (304 on If-None-Match), then drives load with wrk at each concurrency level;
5. on the whole-collection server, runs the soak: a mix of pages and API calls at high
   concurrency, sampling every gunicorn worker's resident memory (/proc/<pid>/status);
6. prints a markdown table (throughput as a ratio to the floor, cost at whole-collection scale
   as a ratio to the cost with the real data, queries, latency, errors) and writes it, with the
   machine and the commit, to bench/results/.

How to read the table: bench/README.md. Only the standard library is used here; the app runs
from the project's virtualenv.
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import cold  # noqa: E402  (the cold phase; standard library only)

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"

FLOOR = ("floor", "Floor: constant response, same middleware", "/bench/floor/")
ENDPOINTS = [
    ("home", "Home", "/"),
    ("treaty", "Treaty page (UNTOC, with participation and map)", "/treaties/untoc/"),
    ("article", "Article page (Palermo art. 6)", "/treaties/palermo-protocol/articles/6/"),
    ("participant", "Participant profile (Algeria, with statements)", "/countries/DZ/"),
    ("participants", "Participants list (first page)", "/countries/"),
    ("matrix", "Matrix", "/matrix/"),
    ("search", "Search page", "/search/?q=protection+of+victims"),
    (
        "api-ratifications",
        "API ratifications, filtered",
        "/api/v1/ratifications/?treaty=untoc&status=party&region=Europe",
    ),
    ("api-search", "API provision search", "/api/v1/provisions/?q=protection+of+victims"),
    ("csv", "CSV export (UNTOC participants)", "/treaties/untoc/participants.csv"),
]
CONDITIONAL = (
    "api-304",
    "API ratifications, repeated with If-None-Match (304)",
    next(path for key, _, path in ENDPOINTS if key == "api-ratifications"),
)
# The treaty page replayed as a browser asks for it (Accept-Encoding: gzip): the kept page's
# gzipped body is sent as it was kept (common/compression.py), not compressed again each time.
GZIPPED = ("treaty-gzip", "Treaty page, to a client that accepts gzip", "/treaties/untoc/")
SOAK_PATHS = [path for _, _, path in ENDPOINTS] + [
    "/treaties/palermo-protocol/",
    "/countries/DE/",
    "/api/v1/treaties/",
    "/api/v1/participants/?region=Africa",
    "/search/?q=extradition",
]

# Targets (bench/README.md); never loosened silently.
# Each endpoint's replay (a cached page, a kept API response, a 304) at least 0.6 of the floor's
# throughput (real data); it was 0.25 (a factor of 4) before every response was kept whole.
FLOOR_FACTOR = 1 / 0.6
SCALE_FACTOR = 2.0  # cost at whole-collection scale at most twice the cost with the real data
HEADLINE_CONCURRENCY = 8
SOAK_RSS_GROWTH = 0.10  # worker memory may not grow by more than 10% after warm-up


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command, env=None, capture=False, check=True):
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(command)}\n{detail}")
    return result


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- Tools --------------------------------------------------------------------------------------


def ensure_debian_package(command, package):
    if shutil.which(command):
        return True
    if os.geteuid() != 0:
        log(f"{command} is missing and this is not root: apt-get install {package}")
        return False
    log(f"installing {package} from Debian's packages")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", package], env=env, **quiet).returncode:
        subprocess.run(["apt-get", "update", "-q"], env=env, **quiet)
        subprocess.run(["apt-get", "install", "-y", "-q", package], env=env, **quiet)
    return bool(shutil.which(command))


# -- Services -----------------------------------------------------------------------------------


class Postgres:
    def __init__(self, port, directory):
        self.env = {**os.environ, "PGPORT": str(port), "PGCLUSTER_DIR": str(directory)}

    def database(self, name):
        env = {**self.env, "PGDATABASE_NAME": name}
        return run(["scripts/pg-cluster", "start"], env=env, capture=True).stdout.strip()

    def version(self, url):
        code = (
            "from django.db import connection; print(connection.cursor().connection.server_version)"
        )
        out = manage(["shell", "-v", "0", "-c", code], url, capture=True).stdout.strip()
        try:
            number = int(out)
            return f"{number // 10000}.{number % 10000}"
        except ValueError:
            return out

    def stop(self):
        run(["scripts/pg-cluster", "stop"], env=self.env, check=False)


class Redis:
    def __init__(self):
        self.process = None
        self.port = None

    def start(self):
        if not ensure_debian_package("redis-server", "redis-server"):
            return None
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                "4",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return f"redis://127.0.0.1:{self.port}"
            except OSError:
                time.sleep(0.1)
        return None

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


def app_env(database_url, cache_url=None):
    env = {
        **os.environ,
        "TREATYKB_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # The anonymous API throttle would answer 429 within a second of load: the benchmark
        # measures the app, so it is off here (API_ANON_RATE="").
        "API_ANON_RATE": "",
        # Production recycles each worker after about 1,000 requests (gunicorn.conf.py), which
        # bounds any growth; here it would hide growth from the soak (a recycled worker starts
        # afresh) and its restarts would land in whichever endpoint is being measured.
        "GUNICORN_MAX_REQUESTS": "0",
        "LOG_LEVEL": "WARNING",
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


def manage(arguments, database_url, capture=False, env=None):
    environment = env or {**os.environ, "DATABASE_URL": database_url}
    # The bench app (generate_synthetic_data) and its instrumentation: bench/settings.py.
    environment.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    return run([str(PYTHON), "manage.py", *arguments], env=environment, capture=capture)


def app_cache_backend(env):
    """The cache the app really uses under these settings (CACHE_URL needs settings that read
    it)."""
    code = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'].rsplit('.', 1)[-1], c.get('LOCATION', ''))"
    )
    out = manage(["shell", "-v", "0", "-c", code], env["DATABASE_URL"], capture=True, env=env)
    return out.stdout.strip()


def synthetic_count(database_url):
    code = "from bench.synthetic import synthetic_treaties; print(synthetic_treaties().count())"
    out = manage(["shell", "-v", "0", "-c", code], database_url, capture=True).stdout
    return int(out.strip() or 0)


def prepare_database(url, synthetic_scale=None, reuse=False):
    manage(["migrate", "--noinput", "-v0"], url)
    manage(["load_treaty_data"], url, capture=True)
    if synthetic_scale:
        from_scale = {"small": 12, "medium": 60, "whole": 600}[synthetic_scale]
        if reuse and synthetic_count(url) == from_scale:
            log(f"reusing the synthetic data set ({from_scale} treaties)")
            return
        log(f"generating the synthetic data set ({synthetic_scale} scale)")
        started = time.monotonic()
        out = manage(
            [
                "generate_synthetic_data",
                "--scale",
                synthetic_scale,
                "--allow-mixed",
                "--replace",
            ],
            url,
            capture=True,
        ).stdout
        log(f"generated in {time.monotonic() - started:.0f} s: " + "; ".join(out.splitlines()[:-1]))


class Server:
    """gunicorn with production settings on a free port."""

    def __init__(self, env, workers=None):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="treatykb-bench-gunicorn-", suffix=".log")
        command = [str(VENV_BIN / "gunicorn")]
        if (ROOT / "gunicorn.conf.py").exists():
            command += ["-c", str(ROOT / "gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        if workers:
            command += ["--workers", str(workers)]
        elif not (ROOT / "gunicorn.conf.py").exists():
            command += ["--workers", str(2 * (os.cpu_count() or 1))]
        command.append("treatykb.wsgi:application")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.output()}")
            try:
                if fetch(self.base + FLOOR[2])[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise SystemExit(f"gunicorn did not answer within 60 s:\n{self.output()}")
        time.sleep(1)  # let every worker finish booting
        self.worker_count = len(self.workers()) or 1

    def output(self):
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def workers(self):
        """The worker processes' ids (children of the gunicorn master)."""
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if not self.log.closed:
            self.log.close()


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# -- Measuring -----------------------------------------------------------------------------------


def query_counts(server, endpoints, repeats=4):
    """Per endpoint: status, body size, queries on the first request and in steady state."""
    counts = {}
    for key, _, path in endpoints:
        seen, status, size, timings = [], None, 0, []
        for _ in range(repeats):
            started = time.monotonic()
            status, headers, body = fetch(server.base + path)
            timings.append((time.monotonic() - started) * 1000)
            seen.append(int(headers.get("X-Query-Count", -1)))
            size = len(body)
        counts[key] = {
            "status": status,
            "bytes": size,
            "cold": seen[0],
            "warm": min(seen),
            "cold_ms": timings[0],
        }
    return counts


def conditional_check(server, path):
    status, headers, _ = fetch(server.base + path)
    etag = headers.get("ETag")
    result = {"etag": etag, "first": status}
    if not etag:
        result.update(status=None, queries=None, full_queries=int(headers.get("X-Query-Count", -1)))
        return result
    status, headers, body = fetch(server.base + path, {"If-None-Match": etag})
    result.update(
        status=status, queries=int(headers.get("X-Query-Count", -1)), body_bytes=len(body)
    )
    _, full_headers, _ = fetch(server.base + path)
    result["full_queries"] = int(full_headers.get("X-Query-Count", -1))
    return result


def wrk(url, connections, duration, paths_file=None, etag=None, timeout=10, gzip=False):
    env = dict(os.environ)
    if gzip:
        env["BENCH_ACCEPT_ENCODING"] = "gzip"
    if paths_file:
        env["BENCH_PATHS"] = str(paths_file)
    if etag:
        env["BENCH_IF_NONE_MATCH"] = etag
    threads = 1 if connections < 4 else 2
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "-s",
        str(BENCH / "report.lua"),
        url,
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False).stdout
    match = re.search(r"^BENCH_JSON (.*)$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no report for {url}:\n{out}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": data["requests"] / seconds if seconds else 0.0,
        "requests": data["requests"],
        "p50": data["p50"] / 1000,
        "p95": data["p95"] / 1000,
        "p99": data["p99"] / 1000,
        "errors": errors,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "detail": {k: data[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def drain(server, quiet_ms=30, timeout=120):
    """Wait until the server is idle: requests that wrk left queued when it stopped are
    still being served, and would slow the next measurement down."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            fetch(server.base + FLOOR[2])
        except OSError:
            pass
        quick = quick + 1 if (time.monotonic() - started) * 1000 < quiet_ms else 0
        time.sleep(0.05)


def check_counts(label, counts):
    for key, info in counts.items():
        if info["status"] != 200:
            raise SystemExit(f"[{label}] {key} answered {info['status']}: the benchmark needs 200")


def measure(servers, levels, duration, warmup=True):
    """Both servers run at once; for every endpoint and level the floor (real data), the
    endpoint on the real data and on the whole collection are measured back to back, so that
    other load on the machine weighs on all three alike."""
    results = {}
    for label, server in servers.items():
        log(f"[{label}] counting queries")
        counts = query_counts(server, [FLOOR, *ENDPOINTS], repeats=3 * server.worker_count)
        check_counts(label, counts)
        conditional = conditional_check(server, CONDITIONAL[2])
        if conditional.get("etag"):
            counts[CONDITIONAL[0]] = {
                "status": conditional["status"],
                "cold": conditional["queries"],
                "warm": conditional["queries"],
                "bytes": conditional.get("body_bytes", 0),
            }
        counts[GZIPPED[0]] = counts["treaty"]
        results[label] = {"counts": counts, "load": {}, "conditional": conditional, "floor": {}}
    real = servers["real"]
    runs = [(key, path, None) for key, _, path in [FLOOR, *ENDPOINTS]]
    etag = results["real"]["conditional"].get("etag")
    if etag:
        runs.append((CONDITIONAL[0], CONDITIONAL[2], "conditional"))
    runs.append((GZIPPED[0], GZIPPED[2], "gzip"))
    for key, path, kind in runs:
        for label, server in servers.items():
            results[label]["load"][key] = {}
            if warmup:  # every worker serves the page once before it is timed
                wrk(server.base + path, server.worker_count, 1, gzip=kind == "gzip")
                drain(server)
        for level in levels:
            if key != FLOOR[0]:
                log(f"floor at concurrency {level}")
                results["real"]["floor"].setdefault(key, {})[level] = wrk(
                    real.base + FLOOR[2], level, duration
                )
                drain(real)
            for label, server in servers.items():
                log(f"[{label}] {key} at concurrency {level}")
                tag = results[label]["conditional"].get("etag") if kind == "conditional" else None
                results[label]["load"][key][level] = wrk(
                    server.base + path, level, duration, etag=tag, gzip=kind == "gzip"
                )
                drain(server)
    return results


def soak(server, connections, duration, interval):
    paths_file = Path(tempfile.mkstemp(prefix="treatykb-bench-paths-")[1])
    paths_file.write_text("\n".join(SOAK_PATHS) + "\n")
    warmup = max(2, min(10, duration // 6))
    log(f"[soak] warm-up, {warmup} s at concurrency {connections}")
    warm = wrk(server.base, connections, warmup, paths_file=paths_file)
    samples = []

    def sample(second):
        workers = server.workers()
        samples.append(
            {"t": second, "pids": workers, "rss": {pid: rss_kib(pid) for pid in workers}}
        )

    log(f"[soak] {duration} s at concurrency {connections}")
    sample(0)
    process = subprocess.Popen(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout=10s",
            "-s",
            str(BENCH / "report.lua"),
            server.base,
        ],
        env={**os.environ, "BENCH_PATHS": str(paths_file)},
        stdout=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    while process.poll() is None:
        time.sleep(interval)
        if process.poll() is None:
            sample(round(time.monotonic() - started))
    out = process.stdout.read()
    sample(round(time.monotonic() - started))
    paths_file.unlink()
    match = re.search(r"^BENCH_JSON (.*)$", out, re.MULTILINE)
    data = json.loads(match.group(1)) if match else {}
    errors = sum(data.get(k, 0) for k in ("connect", "read", "write", "status", "timeout"))
    first, last = samples[0], samples[-1]
    start_total = sum(v or 0 for v in first["rss"].values())
    end_total = sum(v or 0 for v in last["rss"].values())
    recycled = first["pids"] != last["pids"]
    per_worker = [
        (pid, first["rss"][pid], last["rss"].get(pid))
        for pid in first["pids"]
        if pid in last["rss"] and first["rss"][pid]
    ]
    # None when no worker lived through the run: growth was not measured, which is no pass.
    growth = max(((end - start) / start for _, start, end in per_worker if end), default=None)
    seconds = data.get("duration_us", 0) / 1e6
    return {
        "connections": connections,
        "duration": duration,
        "warmup_errors": warm["errors"],
        "requests": data.get("requests", 0),
        "rps": data.get("requests", 0) / seconds if seconds else 0,
        "p50": data.get("p50", 0) / 1000,
        "p99": data.get("p99", 0) / 1000,
        "errors": errors,
        "detail": {k: data.get(k) for k in ("connect", "read", "write", "status", "timeout")},
        "rss_start_kib": start_total,
        "rss_end_kib": end_total,
        "max_worker_growth": growth,
        "workers_recycled": recycled,
        "samples": [
            {"t": s["t"], "total_kib": sum(v or 0 for v in s["rss"].values())} for s in samples
        ],
    }


# -- Reporting -----------------------------------------------------------------------------------


def machine_info():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "host": platform.node(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
    }


def git_commit():
    try:
        commit = run(["git", "rev-parse", "--short=12", "HEAD"], capture=True).stdout.strip()
        dirty = run(["git", "status", "--porcelain", "--untracked-files=no"], capture=True).stdout
        return commit + ("-dirty" if dirty.strip() else "")
    except SystemExit:
        return "unknown"


def fmt_ratio(value):
    return "n/a" if value is None else f"{value:.2f}"


def first_request(real, whole):
    if "cold_ms" not in real:
        return "n/a"
    return (
        f"{real['cold_ms']:.0f} / {whole['cold_ms']:.0f} "
        f"({real['bytes'] / 1024:.0f} / {whole['bytes'] / 1024:.0f})"
    )


def headline(load, key, level):
    return (load.get(key) or {}).get(level)


def build_report(meta, results, soak_result, levels):
    real, whole = results["real"], results["whole"]
    level = HEADLINE_CONCURRENCY if HEADLINE_CONCURRENCY in levels else max(levels)
    floor_rps = headline(real["load"], "floor", level)["rps"]
    rows, misses = [], []
    keys = [(k, title) for k, title, _ in [FLOOR, *ENDPOINTS]]
    if CONDITIONAL[0] in real["load"]:
        keys.append((CONDITIONAL[0], CONDITIONAL[1]))
    if GZIPPED[0] in real["load"]:
        keys.append((GZIPPED[0], GZIPPED[1]))
    for key, title in keys:
        r, w = headline(real["load"], key, level), headline(whole["load"], key, level)
        # The floor measured right before this endpoint, at the same concurrency.
        adjacent = (real.get("floor", {}).get(key) or {}).get(level)
        floor_here = adjacent["rps"] if adjacent else floor_rps
        vs_floor = r["rps"] / floor_here if floor_here else None
        cost = r["rps"] / w["rps"] if w["rps"] else None
        errors = sum(
            real["load"][key][lv]["errors"] + whole["load"][key][lv]["errors"] for lv in levels
        )
        qr, qw = real["counts"][key], whole["counts"][key]
        queries = f"{qr['cold']} / {qw['cold']}"
        if (qr["warm"], qw["warm"]) != (qr["cold"], qw["cold"]):
            queries += f" (cached: {qr['warm']} / {qw['warm']})"
        notes = []
        if errors:
            notes.append("errors")
        stalled = [
            f"{label} c={lv}"
            for label, result in (("real", real), ("whole", whole))
            for lv in levels
            if result["load"][key][lv]["requests"] == 0
        ]
        if stalled:
            notes.append("no request completed within the run: " + ", ".join(stalled))
        if key != "floor":
            if -1 in (qr["cold"], qw["cold"]):
                notes.append("no query count (the request failed or timed out)")
            elif qr["cold"] != qw["cold"]:
                notes.append("queries differ")
            if vs_floor is not None and vs_floor < 1 / FLOOR_FACTOR:
                notes.append("floor")
            if cost is not None and cost > SCALE_FACTOR:
                notes.append("scale")
        if notes:
            misses.append((key, notes))
        rows.append(
            f"| {title} | {r['rps']:.0f} | {fmt_ratio(vs_floor)} | {w['rps']:.0f} | "
            f"{fmt_ratio(cost)} | {queries} | {r['p50']:.1f} / {r['p95']:.1f} / {r['p99']:.1f} | "
            f"{w['p50']:.1f} / {w['p95']:.1f} / {w['p99']:.1f} | {first_request(qr, qw)} | "
            f"{errors} | "
            f"{', '.join(notes) or 'met'} |"
        )
    lines = [
        f"# Treaty KB benchmark, {meta['date']}",
        "",
        f"- commit: `{meta['commit']}`",
        f"- machine: {meta['machine']['host']}; {meta['machine']['system']}; "
        f"{meta['machine']['cpu']}, {meta['machine']['cores']} cores; {meta['machine']['memory']}",
        f"- Python {meta['machine']['python']}, PostgreSQL {meta['postgres']}, gunicorn "
        f"{meta['workers']} workers ({meta['gunicorn_config']}), cache: {meta['cache']}; "
        f"wrk on the same machine",
        f"- data: real = the shipped data set ({meta['sizes']['real']}); whole = real + synthetic "
        f"`{meta['scale']}` scale ({meta['sizes']['whole']})",
        f"- load: wrk, {meta['duration']} s per endpoint and level, concurrency "
        f"{', '.join(map(str, levels))}; the table shows concurrency {level}",
        "",
        "| endpoint | req/s real | ÷ floor (≥ 0.6) | req/s whole | cost whole ÷ real (≤ 2) | "
        "queries real / whole (uncached) | ms p50/p95/p99 real | ms p50/p95/p99 whole | "
        "first request ms real / whole (KiB) | errors (all levels) | targets |",
        "|---|---:|---:|---:|---:|---|---|---|---|---:|---|",
        *rows,
        "",
        "Requests per second at every concurrency level (real → whole):",
        "",
        "| endpoint | " + " | ".join(f"c={lv}" for lv in levels) + " |",
        "|---|" + "---:|" * len(levels),
    ]
    for key, title in keys:
        cells = [
            f"{real['load'][key][lv]['rps']:.0f} → {whole['load'][key][lv]['rps']:.0f}"
            for lv in levels
        ]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    conditional = real["conditional"]
    lines += [
        "",
        "Conditional request (API ratifications, repeated with `If-None-Match`): "
        + (
            f"answered {conditional['status']} with {conditional['queries']} "
            f"quer{'y' if conditional['queries'] == 1 else 'ies'} "
            f"(the full response runs {conditional['full_queries']})."
            if conditional.get("etag")
            else "no ETag was sent: target missed."
        ),
    ]
    if not conditional.get("etag") or conditional.get("status") != 304:
        misses.append(("api-304", ["no 304"]))
    if soak_result:
        s = soak_result
        growth = s["max_worker_growth"]
        measured = growth is not None
        verdict = "met" if s["errors"] == 0 and measured and growth <= SOAK_RSS_GROWTH else "missed"
        if verdict == "missed":
            reasons = [f"{s['errors']} errors"] if s["errors"] else []
            if not measured:
                reasons.append("memory growth not measured")
            elif growth > SOAK_RSS_GROWTH:
                reasons.append(f"a worker grew {growth * 100:.1f}%")
            misses.append(("soak", reasons))
        trend = ", ".join(f"{x['t']}s {x['total_kib'] / 1024:.0f}" for x in s["samples"])
        lines += [
            "",
            f"Soak ({s['data']} data): concurrency {s['connections']} for {s['duration']} s "
            f"over a mix of {len(SOAK_PATHS)} pages and API calls: {s['requests']} requests, "
            f"{s['rps']:.0f} req/s, p50 {s['p50']:.0f} ms, p99 {s['p99']:.0f} ms, "
            f"{s['errors']} errors {s['detail']}; workers' RSS {s['rss_start_kib'] / 1024:.0f} MiB "
            f"→ {s['rss_end_kib'] / 1024:.0f} MiB, largest growth of one worker "
            + (
                f"{growth * 100:.1f}%"
                if measured
                else "not measured (no worker lived through the run)"
            )
            + f" (target ≤ {SOAK_RSS_GROWTH * 100:.0f}%)"
            f"{'; workers were recycled during the run' if s['workers_recycled'] else ''}: "
            f"**{verdict}**. Total RSS over time (MiB): {trend}.",
        ]
    lines += ["", "Targets missed: " + ("none." if not misses else "")]
    for key, notes in misses:
        lines.append(f"- {key}: {', '.join(notes)}")
    return "\n".join(lines) + "\n", misses


def sizes(database_url):
    code = (
        "from treaties.models import *; from provisions.models import Provision; "
        "print(f'{Treaty.objects.count()} treaties, {Provision.objects.count()} provisions, "
        "{Participant.objects.count()} participants, {Ratification.objects.count()} records, "
        "{Statement.objects.count()} statements')"
    )
    return manage(["shell", "-v", "0", "-c", code], database_url, capture=True).stdout.strip()


def rebuild(json_file):
    """Write the markdown report again from a run's .json (after a change to the report)."""
    data = json.loads(Path(json_file).read_text())

    def levels_as_ints(load):
        return {key: {int(lv): v for lv, v in by_level.items()} for key, by_level in load.items()}

    for result in data["results"].values():
        result["load"] = levels_as_ints(result["load"])
        result["floor"] = levels_as_ints(result.get("floor", {}))
    levels = sorted(next(iter(data["results"]["real"]["load"].values())))
    report, _ = build_report(data["meta"], data["results"], data["soak"], levels)
    Path(json_file).with_suffix(".md").write_text(report + data["meta"].get("footer", ""))
    print(report)


def clear_cache(env):
    """Empty the server's cache (every cached page, response, map and count): what the servers
    see after an edit."""
    code = "from django.core.cache import cache; cache.clear()"
    manage(["shell", "-v", "0", "-c", code], env["DATABASE_URL"], env=env)


def cold_phase(database, running, envs, limit=None):
    """Every address of the crawl once per scale, nothing cached (bench/cold.py)."""
    plan = cold.parse_plan(
        manage(
            ["shell", "-v", "0", "-c", cold.PLAN_CODE], envs["real"]["DATABASE_URL"], capture=True
        ).stdout
    )
    urls = cold.crawl_plan(plan, limit=limit)
    # Warm the processes, not the data: every worker serves one address of each kind (templates
    # compiled, connections open, code imported), then the caches are emptied.
    log(f"[cold, {database}] warming every worker")
    for label, server in running.items():
        for path in cold.warm_up_paths(urls):
            for _ in range(2 * server.worker_count):
                fetch(server.base + path)
        clear_cache(envs[label])
    log(f"[cold, {database}] {len(urls)} addresses on each scale")
    started = time.monotonic()
    crawl = cold.run_crawl(
        {label: server.base for label, server in running.items()}, urls, FLOOR[2], log
    )
    return {
        "summary": cold.summarise(crawl),
        "failures": crawl["failures"],
        "addresses": len(urls),
        "seconds": time.monotonic() - started,
    }


def prepare_sqlite(directory, scale, reuse):
    """The two SQLite databases (real data; real plus synthetic at ``scale``) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    urls = {}
    for label, synthetic in (("real", None), ("whole", scale)):
        path = directory / f"{label if label == 'real' else scale}.sqlite3"
        if not reuse and path.exists():
            path.unlink()
        urls[label] = f"sqlite:///{path}"
        log(f"[SQLite] preparing the {label} database ({path})")
        prepare_database(urls[label], synthetic_scale=synthetic, reuse=reuse)
    return urls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="A few seconds, small scale (CI).")
    parser.add_argument("--scale", default=None, choices=["small", "medium", "whole"])
    parser.add_argument("--duration", type=int, default=None, help="Seconds per wrk run.")
    parser.add_argument("--concurrency", default=None, help="Levels, e.g. 1,8,32.")
    parser.add_argument("--soak-seconds", type=int, default=None)
    parser.add_argument("--soak-concurrency", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers.")
    parser.add_argument(
        "--soak-data",
        choices=["real", "whole"],
        default="real",
        help="Which server the soak run loads (default: the real data, what production serves).",
    )
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("BENCH_PGPORT", 54390)))
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse the databases of a previous run."
    )
    parser.add_argument("--strict", action="store_true", help="Exit 1 when a target is missed.")
    parser.add_argument(
        "--no-cold", action="store_true", help="Skip the cold phase (every address once)."
    )
    parser.add_argument(
        "--no-sqlite", action="store_true", help="Run the cold phase on PostgreSQL only."
    )
    parser.add_argument("--output", type=Path, default=None, help="Where to write the report.")
    parser.add_argument("--rebuild", type=Path, help="Only rewrite the report from a .json.")
    args = parser.parse_args()
    if args.rebuild:
        return rebuild(args.rebuild)
    smoke = args.smoke
    scale = args.scale or ("small" if smoke else "whole")
    duration = args.duration or (1 if smoke else 5)
    levels = [int(x) for x in (args.concurrency or ("8" if smoke else "1,8,32")).split(",")]
    soak_seconds = args.soak_seconds if args.soak_seconds is not None else (4 if smoke else 60)
    soak_connections = args.soak_concurrency or (16 if smoke else 64)

    if not PYTHON.exists():
        raise SystemExit("No virtualenv: run `make setup` first.")
    if not ensure_debian_package("wrk", "wrk"):
        raise SystemExit("wrk is needed (apt-get install wrk).")

    pg_dir = Path(os.environ.get("BENCH_PGDIR", f"/tmp/treatykb-bench-pg-{args.pg_port}"))
    postgres = Postgres(args.pg_port, pg_dir)
    redis = Redis()
    started = time.monotonic()
    servers = []
    try:
        log(f"starting PostgreSQL on port {args.pg_port} ({pg_dir})")
        urls = {
            "real": postgres.database("treatykb_bench_real"),
            "whole": postgres.database(f"treatykb_bench_{scale}"),
        }
        log("preparing the real-data database")
        prepare_database(urls["real"])
        log(f"preparing the {scale}-scale database")
        prepare_database(urls["whole"], synthetic_scale=scale, reuse=args.reuse)
        cache_url = redis.start()
        log(f"cache: {cache_url or 'the default (per-process) cache'}")
        static_env = app_env(urls["real"], cache_url)
        manage(["collectstatic", "--noinput", "-v0"], urls["real"], env=static_env)
        running, envs = {}, {}
        for index, label in enumerate(["real", "whole"]):
            envs[label] = app_env(urls[label], f"{cache_url}/{index}" if cache_url else None)
            log(f"[{label}] starting gunicorn")
            running[label] = Server(envs[label], workers=args.workers)
            servers.append(running[label])
        workers = running["real"].worker_count
        cache_backend = app_cache_backend(app_env(urls["real"], cache_url))
        cold_limit = 3 if smoke else None
        cold_results = {}
        if not args.no_cold:
            cold_results["PostgreSQL"] = cold_phase("PostgreSQL", running, envs, cold_limit)
        results = measure(running, levels, duration, warmup=not smoke)
        soak_result = None
        if soak_seconds:
            running["real" if args.soak_data == "whole" else "whole"].stop()  # one at a time
            soak_server = running[args.soak_data]
            soak_result = soak(
                soak_server, soak_connections, soak_seconds, interval=1 if smoke else 5
            )
            soak_result["data"] = args.soak_data
        for server in running.values():
            server.stop()
        if not args.no_cold and not args.no_sqlite:
            sqlite_dir = Path(os.environ.get("BENCH_SQLITEDIR", "/tmp/treatykb-bench-sqlite"))
            sqlite_urls = prepare_sqlite(sqlite_dir, scale, args.reuse)
            lite, lite_envs = {}, {}
            for index, label in enumerate(["real", "whole"], start=2):
                lite_envs[label] = app_env(
                    sqlite_urls[label], f"{cache_url}/{index}" if cache_url else None
                )
                log(f"[SQLite {label}] starting gunicorn")
                lite[label] = Server(lite_envs[label], workers=args.workers)
                servers.append(lite[label])
            cold_results["SQLite"] = cold_phase("SQLite", lite, lite_envs, cold_limit)
            for server in lite.values():
                server.stop()
        meta = {
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": git_commit(),
            "machine": machine_info(),
            "postgres": postgres.version(urls["real"]),
            "workers": workers,
            "gunicorn_config": "gunicorn.conf.py"
            if (ROOT / "gunicorn.conf.py").exists()
            else "command-line defaults",
            "cache": cache_backend,
            "scale": scale,
            "duration": duration,
            "sizes": {label: sizes(url) for label, url in urls.items()},
        }
        report, misses = build_report(meta, results, soak_result, levels)
        if cold_results:
            cold_report, cold_misses = cold.report(cold_results)
            report += "\n" + cold_report
            misses = [*misses, *cold_misses]
        meta["footer"] = f"\nWhole run: {time.monotonic() - started:.0f} s.\n"
        report += meta["footer"]
        print(report)
        if args.output:
            output = args.output
        elif smoke:
            output = RESULTS / "smoke.md.tmp"
        else:
            stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H%M")
            output = RESULTS / f"{stamp}-{meta['commit']}.md"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report)
        output.with_suffix(".json").write_text(
            json.dumps(
                {"meta": meta, "results": results, "soak": soak_result, "cold": cold_results},
                indent=1,
            )
        ) if not smoke else None
        log(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
        hard_failures = [k for k, notes in misses if "errors" in notes or "no 304" in notes]
        if smoke and hard_failures:
            raise SystemExit(f"smoke run: errors on {', '.join(hard_failures)}")
        if args.strict and misses:
            raise SystemExit(1)
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
