"""ETag and Last-Modified for every read, computed cheaply from the data.

With a shared cache (``CACHE_URL``: every process sees the same data version, see
``common.caching.version_is_shared``) the validators come from the data version itself: any
save, delete or link change, and any bulk write (which calls ``bump_data_version``), makes a new
version, and the version carries the moment it was made. A repeated request whose
``If-None-Match`` (or ``If-Modified-Since``) still matches is then answered
``304 Not Modified`` without a single database query, and a full response costs no query for
its validators either.

With a per-process cache the version cannot stand for the data (another process may have
changed it), so one query reads, for every table the API serves, the row count, the highest
primary key and the latest ``modified_at`` (where the table has one). Any insert raises the
highest key, any delete lowers the count, any saved change moves ``modified_at``: the
fingerprint changes with the data, across processes. A matching request is answered 304 after
that one query, without the list query.

Either way the ETag hashes the release (``caching.release()``), the fingerprint, today's date
(statuses are derived as at today), the request's address (scheme, host, path and query: links
in the body name the host), the chosen representation and the user.

The ETag also names the response: an anonymous JSON or CSV response is kept in the cache under
it (``TREATYKB_PAGE_CACHE``, on unless turned off), so the same request asked again (a
dashboard, a script run twice, the next client) is answered from the cache, after the
throttle, until the data changes and with it the fingerprint. Bodies over
``caching.MAX_CACHED_BYTES`` (a page of a thousand rows) are served but not kept. The
browsable HTML view and signed-in users' responses are never kept.
"""

import datetime
import hashlib

from django.db import connection
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags, quote_etag

from common import caching, compression


def served_models():
    """The tables the API serves: every content model and link table (``caching``)."""
    return list(caching.content_models())


def _as_datetime(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def data_fingerprint():
    """(fingerprint string, latest modification or None), in one query."""
    quote = connection.ops.quote_name
    columns, timestamps = [], []
    for model in served_models():
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        columns += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({pk}) FROM {table})"]
        if any(f.name == "modified_at" for f in model._meta.concrete_fields):
            timestamps.append(len(columns))
            columns.append(f"(SELECT MAX({quote('modified_at')}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        row = cursor.fetchone()
    latest = [d for d in (_as_datetime(row[i]) for i in timestamps) if d is not None]
    return "|".join(str(v) for v in row), max(latest, default=None)


def validators():
    """(fingerprint string, latest modification or None): from the shared data version without
    a query when there is one, else from ``data_fingerprint()``."""
    if caching.version_is_shared():
        version = caching.data_version()
        # A token without its time (made by an older release) dates from now, never earlier.
        return f"version:{version}", caching.version_time(version) or timezone.now()
    return data_fingerprint()


def validators_and_entry(key=None):
    """``validators()`` and the response kept under ``key`` (or None), in one round trip to a
    shared cache: a replayed response costs one request to Redis, not two."""
    if not caching.version_is_shared():
        fingerprint, latest = data_fingerprint()
        return fingerprint, latest, caching.cache.get(key) if key else None
    found = caching.cache.get_many([caching.VERSION_KEY, *([key] if key else [])])
    version = found.get(caching.VERSION_KEY) or caching.data_version()
    latest = caching.version_time(version) or timezone.now()
    return f"version:{version}", latest, found.get(key) if key else None


def representation_digest(request, fingerprint, today):
    """A digest of what a read's response depends on: the release, the data, the day, the
    address, the representation and the user. What comes from the request is gathered once per
    request (a read digests it twice: its cache key, its ETag)."""
    media_type = getattr(request, "accepted_media_type", "")
    parts = getattr(request, "_treatykb_representation", None)
    if parts is None or parts[:2] != (today, media_type):
        user = request.user.pk if request.user.is_authenticated else ""
        parts = (today, media_type, request.build_absolute_uri(), str(user))
        request._treatykb_representation = parts
    _today, _media_type, address, user = parts
    key = [caching.release(), fingerprint, today.isoformat(), address, media_type, user]
    return hashlib.sha256("\n".join(key).encode()).hexdigest()[:32]


def record_version(obj):
    """A token of one record's version: its model, key and last change (``modified_at``, which
    every save and every change to its links moves). The first part of the ETag of a writable
    record's detail response, before the dot."""
    return version_token(type(obj), obj.pk, obj.modified_at)


def version_token(model, pk, modified_at):
    stamp = modified_at.isoformat() if modified_at else ""
    key = f"{model._meta.label_lower}:{pk}:{stamp}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def etag_versions(header):
    """The record versions named by the entity tags of an ``If-Match`` header (weak tags never
    match, RFC 9110); ``["*"]`` for any."""
    if header.strip() == "*":
        return ["*"]
    return [
        tag.strip('"').split(".", 1)[0]
        for tag in parse_etags(header)
        if tag != "*" and not tag.startswith("W/")
    ]


# Representations kept whole in the cache.
CACHED_MEDIA_TYPES = ("application/json", "text/csv")
# Headers set by the view, the pagination or the renderer that a replay must carry again.
REPLAYED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Link",
    "X-Total-Count",
)


class ConditionalReadMixin:
    """``list`` and ``retrieve`` answer conditional requests before touching the rows, and
    replay a cached anonymous response when there is one."""

    def list(self, request, *args, **kwargs):
        return self._conditionally(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._conditionally(super().retrieve, request, *args, **kwargs)

    def _conditionally(self, handler, request, *args, **kwargs):
        key = self._replay_key(request)
        fingerprint, latest, stored = validators_and_entry(key)
        today = timezone.localdate()
        midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        last_modified = max(latest or midnight, midnight)
        digest = representation_digest(request, fingerprint, today)
        version = None
        # Details of records that can be written (``AtomicWritesMixin.versioned``) carry the
        # record's version in their ETag: ``If-Match`` on a write is checked against it.
        if getattr(self, "versioned", False) and self.action == "retrieve":
            version = self.current_version()  # one light query (404 if there is no record)
        etag = quote_etag(f"{version}.{digest}" if version else digest)
        stamp = int(last_modified.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=stamp)
        if response is None:
            response = self._replayed(request, key, stored, etag) or handler(
                request, *args, **kwargs
            )
        if version:  # If-Match needs the strong ETag: not compressed (common/compression.py)
            response.keep_strong_etag = True
        if response.status_code in (200, 304, 412):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(stamp)
            response["Cache-Control"] = "no-cache"
        return response

    def detail_etag(self, request, obj):
        """The ETag a detail response to ``request`` would carry now."""
        fingerprint, _latest = validators()
        digest = representation_digest(request, fingerprint, timezone.localdate())
        return quote_etag(f"{record_version(obj)}.{digest}")

    def _replay_key(self, request):
        """Where the anonymous response to ``request`` is kept, or None when it may not be kept
        (the browsable HTML view, with its forms and tokens; signed-in users). The key does not
        name the data: the entry carries the ETag it was served with (``_replayed``)."""
        media_type = getattr(request, "accepted_media_type", "").split(";")[0]
        if not caching.may_keep_responses(request) or media_type not in CACHED_MEDIA_TYPES:
            return None
        digest = representation_digest(request, "", timezone.localdate())
        return f"treatykb:api-response:{digest}"

    def _replayed(self, request, key, stored, etag):
        """The kept response if it was served with ``etag`` (the same data), else None (and the
        response to come is kept: ``finalize_response``)."""
        if key is None:
            return None
        if stored is not None and stored[0] == etag:
            return caching.rebuilt_response(stored, key)
        request._treatykb_response_key = key, etag
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        kept = getattr(request, "_treatykb_response_key", None)
        if kept is not None and hasattr(response, "render"):
            key, etag = kept
            caching.keep_response(
                key,
                response.render(),
                etag,
                headers=REPLAYED_HEADERS,
                compress=compression.accepts_gzip(request),
            )
        return response
