"""Costly aggregates (the home page's counts, the matrix, the world map) cached under a data
version, so that an editor's change shows at once.

The data version is a token kept in the cache. Every save, delete and many-to-many change of a
content model (every model of an app that calls ``connect_signals()`` from its ``ready()``: the
``treaties`` and ``provisions`` apps, and their link tables)
replaces it, at once and again when the transaction commits (so that no request can cache what
it read before the commit under the new token). Cached aggregates are keyed by the version and
today's date (statuses are derived as at today), so a change never needs to find and delete
them: they are simply no longer asked for, and expire.

Writes that bypass signals (``bulk_create``, ``QuerySet.update``, raw SQL) must call
``bump_data_version()`` themselves, as ``generate_synthetic_data`` does.

Across processes (gunicorn workers) the token must live in a shared cache: set ``CACHE_URL``
(Redis) in production. With the per-process default cache a change is seen at once by the
process that made it and, in others, within ``AGGREGATE_TIMEOUT`` at most; with a shared cache
entries live ``SHARED_TIMEOUT``.
"""

import datetime
import functools
import hashlib
import math
import time
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from simple_history.models import HistoricalChanges

from common import compression

VERSION_KEY = "treatykb:data-version"
AGGREGATE_TIMEOUT = 300
# With a shared cache no process can hold an entry past an edit (the version is the same
# everywhere), so entries live longer: rebuilding the treaty page takes a second.
SHARED_TIMEOUT = 3600
# The apps whose models are the published content (``connect_signals`` adds each one).
CONTENT_APPS = []


def now():
    return time.time()


def new_version():
    """A fresh token: random, then the moment it was made (seconds since the epoch, rounded
    up, so that it is never earlier than the change that made it)."""
    return f"{uuid.uuid4().hex[:16]}-{math.ceil(now())}"


def data_version():
    """The current data version token (created on first use)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = new_version()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def version_time(version):
    """When ``version`` was made: no earlier than the last change to the data (every change
    makes a new version, again when it commits), later if the cache lost the version and made
    a new one. None for a token without a time."""
    _, _, seconds = version.rpartition("-")
    try:
        return datetime.datetime.fromtimestamp(int(seconds), tz=datetime.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def bump_data_version():
    """Mark every cached aggregate as out of date."""
    cache.set(VERSION_KEY, new_version(), timeout=None)


def version_is_shared():
    """Whether every process sees the same data version: true with a cache server (Redis,
    memcached, a database or file cache), false with the per-process default (``LocMemCache``)
    or no cache. ``TREATYKB_SHARED_CACHE`` (True or False) overrides the guess. Only a shared
    version can stand for the data in an HTTP validator (``common.api.conditional``)."""
    explicit = getattr(settings, "TREATYKB_SHARED_CACHE", None)
    if explicit is not None:
        return bool(explicit)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("locmem.LocMemCache", "dummy.DummyCache"))


@functools.cache
def release():
    """A token of the code being served: a hash of the project's Python sources and templates
    (and the static files' manifest, when collected). Cached entries and API ETags carry it, so
    after an upgrade no server replays what the previous release rendered (other markup, other
    hashed static files, another JSON shape), even while servers are upgraded one by one."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    # The project's own apps and packages (everything under BASE_DIR that is installed).
    folders = sorted(
        {Path(config.path) for config in apps.get_app_configs()}
        | {root / "common", root / "treatykb", root / "templates"}
    )
    folders = [folder for folder in folders if folder.parent == root]
    manifest = Path(settings.STATIC_ROOT or root / "staticfiles") / "staticfiles.json"
    files = sorted(
        path
        for folder in folders
        for pattern in ("**/*.py", "**/*.html", "**/*.txt", "**/*.xml")
        for path in folder.glob(pattern)
    )
    for path in [*files, manifest]:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def aggregate_key(name, *parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return (
        f"treatykb:{name}:{release()}:{data_version()}:{timezone.localdate().isoformat()}:{digest}"
    )


def entry_timeout():
    """How long a cached aggregate or page lives: ``SHARED_TIMEOUT`` with a shared cache, else
    ``AGGREGATE_TIMEOUT`` (how late another process may see an edit)."""
    return SHARED_TIMEOUT if version_is_shared() else AGGREGATE_TIMEOUT


def changed_within(seconds):
    """Whether the data changed less than ``seconds`` ago, as far as the shared data version
    tells (False without a shared cache: a per-process version does not know). With a read
    replica, reads go to the primary for that long after every edit (treatykb/routers.py), so
    nothing is cached, or given an ETag, from a replica that has not caught up."""
    if not version_is_shared():
        return False
    made = version_time(data_version())
    return made is None or (now() - made.timestamp()) < seconds


def cached_aggregate(name, build, *parts, timeout=None):
    """``build()``'s result, cached under ``name`` and ``parts`` for the current data version
    and today's date. ``build`` must return something picklable (plain data or model rows
    without lazy querysets)."""
    key = aggregate_key(name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout or entry_timeout())
    return value


def content_changed(sender, **kwargs):
    bump_data_version()
    transaction.on_commit(bump_data_version, using=kwargs.get("using"))


def m2m_content_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed(sender, **kwargs)


def content_models():
    """Every model of the content apps, with the link tables of their many-to-many fields."""
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges):  # the change history is not content
                continue
            yield model
            for field in model._meta.local_many_to_many:
                yield field.remote_field.through


def connect_signals(app_config):
    """Called from a content app's ``ready()``: every model of the app bumps the data version
    when it changes, and is part of the API's data fingerprint."""
    if app_config.label not in CONTENT_APPS:
        CONTENT_APPS.append(app_config.label)
    for model in app_config.get_models():
        uid = f"treatykb-data-version-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                m2m_content_changed,
                sender=through,
                dispatch_uid=f"{uid}-{field.name}-m2m",
            )


# -- Whole responses of aggregate pages ----------------------------------------------------------

CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# Larger responses are served but not kept: a cache bounded by its number of entries (the
# per-process one) or shared by everything (Redis's memory cap) must not fill with a few huge
# bodies (an API page of 1,000 rows). The largest page, a treaty's, is about 370 KiB.
MAX_CACHED_BYTES = 512 * 1024


def may_keep_responses(request):
    """Whether whole responses to ``request`` may be kept and replayed: anonymous reads only,
    unless ``TREATYKB_PAGE_CACHE`` is False."""
    return (
        getattr(settings, "TREATYKB_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
    )


def rebuilt_response(stored, key):
    """The response kept under ``key`` as ``stored`` (``keep_response``), with its gzipped body
    (``precompressed``, for ``common.compression``) when it was kept; when it was not (the client
    that filled the entry did not accept gzip), the first one compressed for a client is kept
    beside it (``keep_precompressed``)."""
    version, headers, content, gzipped = stored
    response = HttpResponse(content)
    for header, value in headers.items():
        response[header] = value
    response.precompressed = gzipped
    if gzipped is None:
        response.keep_precompressed = functools.partial(
            _keep_gzipped, key, (version, headers, content)
        )
    return response


def _keep_gzipped(key, entry, gzipped):
    cache.set(key, (*entry, gzipped), entry_timeout())


def keep_response(key, response, version, headers=CACHED_HEADERS, compress=False):
    """Keep a rendered, successful ``response`` (its body and ``headers``) under ``key``, tagged
    with the data version it was built from (``versioned_entry``), unless it is over
    ``MAX_CACHED_BYTES``. With ``compress`` (the request accepts gzip), its gzipped body too,
    made once here and handed to ``common.compression`` for this response and every replay:
    a cached page is not compressed again for each visitor."""
    if response.status_code != 200 or response.streaming:
        return
    if len(response.content) > MAX_CACHED_BYTES:
        return
    kept = {h: response[h] for h in headers if h in response}
    gzipped = compression.precompress(response) if compress else None
    cache.set(key, (version, kept, response.content, gzipped), entry_timeout())


def page_key(name, address):
    """Where a page's response is kept: the release, today's date and the full address, not the
    data version (the entry carries the version it was built from: ``versioned_entry``)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    return f"treatykb:page:{name}:{release()}:{timezone.localdate().isoformat()}:{digest}"


def versioned_entry(key):
    """(current data version, the entry kept under ``key`` if it was built from that version,
    else None), in one round trip to the cache: a cached page costs one request to Redis, not
    one for the version and another for the page. An entry built from an older version is
    ignored and, once the page is built again, replaced (stale pages do not pile up)."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or data_version()
    stored = found.get(key)
    if stored is None or stored[0] != version:
        return version, None
    return version, stored


def cache_page_by_data_version(name):
    """Cache a page's successful anonymous GET responses under the data version, today's date, and
    the full address (scheme and host, which canonical links name; path and query string). Editors
    (any authenticated user) always get a fresh page. The middleware still runs on every response
    (security headers, CSP), so only the view's own work is saved. Used for every public page that
    reads the data: the pages whose addresses are bounded by it (home, treaties, a treaty and its
    CSV, an article, a participant, the matrix, pillars, the data page) and the search and filtered
    lists, whose addresses are not: a search or a filter asked again (a shared link, a dashboard,
    the next visitor) costs nothing until the data changes, and the cache's own bound (Redis's
    ``maxmemory`` with LRU eviction, ``docs/deploy.md``; the per-process cache's ``MAX_ENTRIES``)
    keeps the rest from piling up. ``TREATYKB_PAGE_CACHE = False`` turns it off (nothing does by
    default: the test suite runs with it on, as production does)."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if not may_keep_responses(request):
                return view(request, *args, **kwargs)
            key = page_key(name, request.build_absolute_uri())
            version, stored = versioned_entry(key)
            if stored is not None:
                return rebuilt_response(stored, key)
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
            keep_response(key, response, version, compress=compression.accepts_gzip(request))
            return response

        wrapped.__name__ = getattr(view, "__name__", "cached_view")
        wrapped.__doc__ = view.__doc__
        wrapped.view_class = getattr(view, "view_class", None)
        return wrapped

    return decorator
