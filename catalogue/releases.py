"""Citable releases: the download of every day on which the data changed, kept byte for byte.

A release is the data set as exported on its day (``catalogue.exports``), in every format, with
each file's SHA-256 and size, and the digest of the data it holds (``exports.data_digest``:
the same data exported on two days has the same digest). Once its day is over a release never
changes, so its dated address (``/data/download/treatykb-YYYY-MM-DD.json``) can be cited.

Today's release is made, or replaced when the data changed again today (so each day keeps its
last state), by ``make_release()``, which runs

- when the loader finishes a load (``manage.py load_treaty_data``);
- from ``manage.py make_release`` (hourly from cron: docs/deploy.md);
- when the current download or ``/data/`` is asked for (``ensure_current_release()``), at most
  once per data version and day: the data version (``common.caching``) and the code's release
  are compared with those the latest release was built from, and only when they differ is the
  data set built and its digest compared.

When the data equals the latest release's, nothing is made or rewritten, whatever that
release's day: a day on which the data did not change has no release of its own.
"""

import base64
import gzip

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from common import caching

from . import exports
from .models import Release, ReleaseFile

MADE, REPLACED, UNCHANGED = "made", "replaced", "unchanged"


def built_from():
    """What a release is built from besides the data: the code (another export format is
    another file) and the data version, as one token."""
    return f"{caching.release()}:{caching.data_version()}"


def latest(using=None):
    return Release.objects.db_manager(using).latest_first().first()


def make_release():
    """Today's release, made if the data differs from the latest release's (replacing today's
    if there is one). Returns (release, ``MADE``, ``REPLACED`` or ``UNCHANGED``)."""
    today = timezone.localdate()
    version = built_from()
    digest, files = exports.build(today)
    # In a transaction: the reads that decide go to the primary (treatykb/routers.py).
    with transaction.atomic():
        current = latest()
        if current is not None and current.digest == digest:
            if current.data_version != version:  # the next check need not build it again
                Release.objects.filter(pk=current.pk).update(data_version=version)
            return current, UNCHANGED
        replacing = current is not None and current.day == today
        release = current if replacing else Release(day=today)
        release.digest, release.data_version = digest, version
        try:
            # The same queries whether the release is made or replaced.
            with transaction.atomic():
                release.save()
                ReleaseFile.objects.filter(release=release).delete()
                ReleaseFile.objects.bulk_create(
                    ReleaseFile(
                        release=release,
                        format=fmt,
                        sha256=exports.sha256(body),
                        size=len(body),
                        content=gzip.compress(body, mtime=0),
                    )
                    for fmt, body in files.items()
                )
        except IntegrityError:  # another process made today's release at the same moment
            return Release.objects.get(day=today), UNCHANGED
    return release, REPLACED if replacing else MADE


def ensure_current_release():
    """Make today's release if the data changed since the latest one. Cheap when it did not:
    no query once per data version and day (a flag in the cache), one query otherwise.

    Returns the database alias the request should read releases from: the primary when a
    release was just written (a read replica may not have it yet), else None (the router's
    choice)."""
    key = caching.aggregate_key("release-checked")
    if cache.get(key):
        return None
    current = latest()
    written = None
    if current is None or current.data_version != built_from():
        _release, outcome = make_release()
        written = DEFAULT_DB_ALIAS if outcome != UNCHANGED else None
    cache.set(key, True, caching.entry_timeout())
    return written


def files(using=None):
    """Release files with their release, without their bytes (``file_response`` reads them
    when it sends them), from the database ``using`` (the router's choice by default)."""
    return ReleaseFile.objects.db_manager(using).select_related("release").defer("content")


def latest_file(fmt, using=None):
    """The latest release's file in ``fmt``, or None."""
    return files(using).filter(format=fmt).order_by("-release__day").first()


def file_of(day, fmt, using=None):
    """The file in ``fmt`` of the release of ``day``, or None."""
    return files(using).filter(release__day=day, format=fmt).first()


# A past day's release never changes; today's may still be replaced.
IMMUTABLE = "public, max-age=31536000, immutable"
TODAYS = "public, max-age=60"


def repr_digest(sha256):
    """The ``Repr-Digest`` field (RFC 9530) of a file with this hexadecimal SHA-256."""
    return f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode('ascii')}:"


def file_response(request, release_file, cache_control=None):
    """``release_file``'s exact bytes, named by its date, with its checksum: a strong ETag (the
    SHA-256) and ``Repr-Digest``. Sent uncompressed, so that the checksum names the bytes as
    sent. ``cache_control`` by default: immutable for a past day, short for today's."""
    if cache_control is None:
        past = release_file.release.day < timezone.localdate()
        cache_control = IMMUTABLE if past else TODAYS
    etag = quote_etag(release_file.sha256)
    stamp = int(release_file.release.updated_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = HttpResponse(
            release_file.data(), content_type=exports.FORMATS[release_file.format]
        )
        response["Content-Disposition"] = f'attachment; filename="{release_file.name}"'
        response["Repr-Digest"] = repr_digest(release_file.sha256)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = cache_control
    response.keep_strong_etag = True  # common/compression.py: never gzipped
    return response


def nearest(day):
    """The releases just before and just after ``day`` (either may be None)."""
    return Release.objects.nearest(day)
