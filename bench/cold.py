"""The benchmark's cold phase: every distinct address of a crawl, requested once.

The replay phase (``bench/run.py``) asks each endpoint for one address again and again, so after
the first request it measures a cached replay. Real traffic is mostly the other kind: a crawler
or a researcher walking every article and profile, every ``as_of`` date, every search, and after
any edit every page is cold again (the data version changes). This phase empties the servers'
caches, then requests every address of a crawl exactly once, on the real data and on the whole
collection back to back (the same address, alternating which goes first), with a request to the
constant-response floor after each pair, and reports per page kind p50 / p95 / max latency,
bytes, queries and the cost at whole-collection scale.

The addresses come from the real-data database itself (``crawl_plan``): every article of the
core instruments, every participant's profile, each core treaty and the matrix and pillar pages
at a spread of ``as_of`` dates, a fixed list of 60 searches (the search page and the API), and
the API's ratification lists by participant and by date. The same list is requested on both
scales, so a ratio compares one address with itself.

Only the standard library is used here.
"""

import json
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

# Targets (bench/README.md): uncached, at whole-collection scale.
P95_TARGET_MS = 50.0
P95_TARGET_MS_BY_KIND = {"treaty": 100.0}
COST_TARGET = 1.5  # cost whole ÷ real for the same address, per page kind

# Dates at which the treaty, matrix and pillar pages are asked for ("" is today).
AS_OF_DATES = [
    "",
    "2001-01-01",
    "2003-09-29",
    "2005-06-30",
    "2008-01-01",
    "2010-01-01",
    "2012-12-31",
    "2015-11-21",
    "2018-01-15",
    "2020-06-30",
    "2023-02-20",
]
MATRIX_AS_OF_DATES = ["", "2004-01-01", "2010-01-01", "2016-01-01", "2022-01-01"]
PILLAR_AS_OF_DATES = ["", "2005-01-01", "2015-01-01"]
# The API's ratification lists by consent date: a window a year wide, every year.
API_DATE_YEARS = range(2000, 2025)

# A fixed list of 60 searches: words, phrases, stems, spellings, rare and common terms, and
# some that match nothing.
SEARCHES = [
    "protection of victims",
    "extradition",
    "mutual legal assistance",
    "forced labour",
    "forced labor",
    "non-punishment",
    "organ removal",
    "organ",
    "T visa",
    "border measures",
    "travel documents",
    "repatriation",
    "compensation",
    "confiscation",
    "money laundering",
    "corruption",
    "jurisdiction",
    "definition of trafficking",
    "consent of a victim",
    "children",
    "child",
    "women and children",
    "exploitation of the prostitution of others",
    "sexual exploitation",
    "servitude",
    "slavery",
    "debt bondage",
    "recovery and reflection period",
    "residence permit",
    "identification of victims",
    "assistance to victims",
    "witness protection",
    "data protection",
    "training",
    "prevention",
    "cooperation",
    "international cooperation",
    "law enforcement",
    "information exchange",
    "criminal liability of legal persons",
    "aggravating circumstances",
    "previous convictions",
    "statute of limitations",
    "organised criminal group",
    "organized criminal group",
    "serious crime",
    "transnational",
    "smuggling",
    "carrier sanctions",
    "security and control of documents",
    "legitimacy and validity of documents",
    "settlement of disputes",
    "reservations",
    "denunciation",
    "entry into force",
    "amendment",
    "depositary",
    "GRETA",
    "ASEAN",
    "zebra quantum",
]


def fetch(url, headers=None, timeout=60):
    """(status, headers, body, milliseconds) of one request."""
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            status, response_headers = response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body = error.read()
        status, response_headers = error.code, dict(error.headers)
    return status, response_headers, body, (time.perf_counter() - started) * 1000


# -- The crawl -------------------------------------------------------------------------------------

# Run by ``manage.py shell`` on the real-data database: the addresses of the crawl, as JSON.
PLAN_CODE = """
import json
from catalogue.loader import TREATY_SLUGS
from provisions.models import Pillar, Provision
from treaties.models import Participant, Ratification
core = list(TREATY_SLUGS)
provisions = Provision.objects.filter(treaty__slug__in=core).select_related("treaty")
codes = sorted(
    Participant.objects.filter(ratifications__treaty__slug__in=core)
    .values_list("code", flat=True).distinct()
)
profiles = [p.get_absolute_url() for p in Participant.objects.filter(code__in=codes)]
print(json.dumps({
    "treaties": core,
    "articles": [p.get_absolute_url() for p in provisions],
    "profiles": sorted(profiles),
    "codes": codes,
    "pillars": [p.get_absolute_url() for p in Pillar.objects.all()],
}))
"""


def crawl_plan(plan, limit=None):
    """[(kind, address)] from the real data's plan (``PLAN_CODE``); ``limit`` keeps the first few
    of each kind (the smoke run)."""
    quote = urllib.parse.quote_plus
    kinds = {
        "article": list(plan["articles"]),
        "profile": list(plan["profiles"]),
        "treaty": [
            f"/treaties/{slug}/" + (f"?as_of={day}" if day else "")
            for day in AS_OF_DATES
            for slug in plan["treaties"]
        ],
        "matrix": ["/matrix/" + (f"?as_of={day}" if day else "") for day in MATRIX_AS_OF_DATES],
        "pillar": [
            path + (f"?as_of={day}" if day else "")
            for day in PILLAR_AS_OF_DATES
            for path in plan["pillars"]
        ],
        "search": [f"/search/?q={quote(words)}" for words in SEARCHES],
        "api-search": [f"/api/v1/provisions/?q={quote(words)}" for words in SEARCHES],
        "api-by-participant": [
            f"/api/v1/ratifications/?participant={code}" for code in plan["codes"]
        ],
        "api-by-date": [
            f"/api/v1/ratifications/?consented_after={year}-01-01&consented_before={year}-12-31"
            for year in API_DATE_YEARS
        ],
    }
    urls = []
    for kind, paths in kinds.items():
        urls += [(kind, path) for path in (paths[:limit] if limit else paths)]
    return urls


def warm_up_paths(urls):
    """The first address of each kind (the caches are emptied after the warm-up, so the crawl
    still finds nothing cached)."""
    first = {}
    for kind, path in urls:
        first.setdefault(kind, path)
    return list(first.values())


KIND_LABELS = {
    "article": "Article page (every article of the core instruments)",
    "profile": "Participant profile (every participant)",
    "treaty": "Treaty page (each core treaty, 11 `as_of` dates)",
    "matrix": "Matrix (5 `as_of` dates)",
    "pillar": "Pillar page (3 `as_of` dates)",
    "search": "Search page (60 searches)",
    "api-search": "API provision search (60 searches)",
    "api-by-participant": "API ratifications by participant",
    "api-by-date": "API ratifications by consent year",
}


def run_crawl(servers, urls, floor_path, log):
    """Request every address once on each server (``servers``: {"real": base, "whole": base}),
    the same address back to back, alternating which scale goes first, then the floor once."""
    samples = {label: [] for label in servers}
    floor = []
    failures = []
    labels = list(servers)
    started = time.monotonic()
    for index, (kind, path) in enumerate(urls):
        order = labels if index % 2 == 0 else labels[::-1]
        for label in order:
            status, headers, body, ms = fetch(servers[label] + path)
            if status != 200:
                failures.append((label, kind, path, status))
            samples[label].append(
                {
                    "kind": kind,
                    "path": path,
                    "status": status,
                    "ms": ms,
                    "bytes": len(body),
                    "queries": int(headers.get("X-Query-Count", -1)),
                    "cache": headers.get("X-Cache", ""),
                }
            )
        floor.append(fetch(servers[labels[0]] + floor_path)[3])
        if index and index % 200 == 0:
            log(f"[cold] {index} of {len(urls)} addresses, {time.monotonic() - started:.0f} s")
    return {"samples": samples, "floor": floor, "failures": failures}


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(crawl):
    """Per page kind and scale: count, p50, p95, max ms, median and max bytes, max queries, and
    the cost whole ÷ real (total time for the same addresses)."""
    summary = {"floor": _stats([ms for ms in crawl["floor"]]), "kinds": {}}
    kinds = list(dict.fromkeys(sample["kind"] for sample in crawl["samples"]["real"]))
    for kind in kinds:
        entry = {}
        for label, samples in crawl["samples"].items():
            rows = [s for s in samples if s["kind"] == kind]
            entry[label] = {
                **_stats([s["ms"] for s in rows]),
                "bytes_p50": statistics.median(s["bytes"] for s in rows),
                "bytes_max": max(s["bytes"] for s in rows),
                "queries_max": max(s["queries"] for s in rows),
                "slowest": max(rows, key=lambda s: s["ms"])["path"],
            }
        real_total = sum(s["ms"] for s in crawl["samples"]["real"] if s["kind"] == kind)
        whole_total = sum(s["ms"] for s in crawl["samples"]["whole"] if s["kind"] == kind)
        entry["cost"] = whole_total / real_total if real_total else None
        summary["kinds"][kind] = entry
    return summary


def _stats(values):
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else 0.0,
    }


def misses(summary, database):
    """[(kind, what was missed)] against the targets."""
    missed = []
    for kind, entry in summary["kinds"].items():
        target = P95_TARGET_MS_BY_KIND.get(kind, P95_TARGET_MS)
        whole = entry["whole"]
        if whole["p95"] > target:
            missed.append(
                (
                    kind,
                    f"{database}: p95 {whole['p95']:.0f} ms at whole scale (target ≤ {target:.0f});"
                    f" slowest {whole['slowest']} ({whole['max']:.0f} ms,"
                    f" {whole['queries_max']} queries at most, {whole['bytes_max'] / 1024:.0f} KiB"
                    " at most)",
                )
            )
        if entry["cost"] is not None and entry["cost"] > COST_TARGET:
            missed.append(
                (
                    kind,
                    f"{database}: cost whole ÷ real {entry['cost']:.2f} (target ≤ {COST_TARGET});"
                    f" queries real {entry['real']['queries_max']} / whole"
                    f" {whole['queries_max']} at most, bytes real"
                    f" {entry['real']['bytes_max'] / 1024:.0f} / whole"
                    f" {whole['bytes_max'] / 1024:.0f} KiB at most",
                )
            )
    return missed


def report(results):
    """Markdown: one table per database, then the missed targets. ``results``: {database:
    {"summary": ..., "failures": [...], "addresses": n, "seconds": s}}."""
    lines = [
        "## Cold phase: every address of a crawl, once, nothing cached",
        "",
        "Each address requested once on the real data and once on the whole collection, back to"
        " back; the floor (constant response, same middleware) after each pair. Latency in ms"
        " (p50 / p95 / max), size in KiB (median, largest), queries (largest), cost = total time"
        " whole ÷ real for the same addresses. Targets: p95 ≤ 50 ms at whole scale (treaty page"
        f" ≤ 100 ms), cost ≤ {COST_TARGET}.",
        "",
    ]
    all_missed = []
    for database, result in results.items():
        summary = result["summary"]
        floor = summary["floor"]
        lines += [
            f"### {database}: {result['addresses']} addresses × 2 scales in"
            f" {result['seconds']:.0f} s; floor p50 {floor['p50']:.1f} ms,"
            f" p95 {floor['p95']:.1f} ms",
            "",
            "| page kind | n | ms real | ms whole | KiB real | KiB whole | queries | cost |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, entry in summary["kinds"].items():
            real, whole = entry["real"], entry["whole"]
            lines.append(
                f"| {KIND_LABELS.get(kind, kind)} | {real['n']}"
                f" | {real['p50']:.0f} / {real['p95']:.0f} / {real['max']:.0f}"
                f" | {whole['p50']:.0f} / {whole['p95']:.0f} / {whole['max']:.0f}"
                f" | {real['bytes_p50'] / 1024:.0f}, {real['bytes_max'] / 1024:.0f}"
                f" | {whole['bytes_p50'] / 1024:.0f}, {whole['bytes_max'] / 1024:.0f}"
                f" | {real['queries_max']} / {whole['queries_max']}"
                f" | {entry['cost']:.2f} |"
            )
        if result["failures"]:
            lines += ["", f"Answers other than 200 ({len(result['failures'])}):", ""]
            lines += [
                f"- [{label}] {kind} `{path}`: {status}"
                for label, kind, path, status in result["failures"][:20]
            ]
        lines.append("")
        all_missed += [(kind, text) for kind, text in misses(summary, database)]
        all_missed += [
            (kind, f"{database}: [{label}] `{path}` answered {status}")
            for label, kind, path, status in result["failures"]
        ]
    lines += ["### Cold phase: targets missed", ""]
    lines += [f"- {kind}: {text}" for kind, text in all_missed] or ["None."]
    lines.append("")
    return "\n".join(lines), all_missed


def parse_plan(output):
    """The plan's JSON from ``manage.py shell`` output (the last line that parses)."""
    for line in reversed(output.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    raise SystemExit(f"no crawl plan in:\n{output[-2000:]}")
