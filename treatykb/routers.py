"""Reads from a PostgreSQL read replica, writes to the primary.

With ``DATABASE_REPLICA_URL`` set, settings declare a second database alias, ``replica``, and
:class:`PrimaryReplicaRouter` sends reads there, except where a read must see the latest
writes (docs/deploy.md, "Read replica"):

* inside a transaction on the primary (every write in Treaty KB runs in one: the admin's change
  form, services, imports, API writes), so a write and the reads around it see the same rows;
* for the whole of a request that writes (any method but GET, HEAD, OPTIONS) or that comes from
  a signed-in editor or an API client with a token (a session cookie or an Authorization
  header), so that the page an editor sees after saving (the admin's redirect) is never behind
  the save;
* for the models of sign-in and sessions (auth, sessions, tokens, the admin log and axes'
  lockouts), which must never lag behind a login;
* for every request in the ``DATABASE_REPLICA_MAX_LAG`` seconds (10 by default) after any
  change to the data, as the shared data version tells (treaties/caching.py): what those
  requests render is cached for an hour and named by an ETag, so it must not come from a
  replica that has not caught up with the change.

Anonymous readers, who are nearly all the traffic, read from the replica. Without
``DATABASE_REPLICA_URL`` every read goes to ``default``. Writes and migrations always go to
``default``.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from common.caching import changed_within

REPLICA = "replica"
# Models that must never be read from a lagging copy: sign-in, sessions and lockouts.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "authtoken", "admin", "axes"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_primary_pins = contextvars.ContextVar("treatykb_primary_pins", default=0)


@contextmanager
def reads_from_primary():
    """Within this block every read goes to the primary (nestable; thread- and async-safe)."""
    token = _primary_pins.set(_primary_pins.get() + 1)
    try:
        yield
    finally:
        _primary_pins.reset(token)


def replica_configured():
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not replica_configured()
            or _primary_pins.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def needs_primary(request):
    return (
        request.method not in SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or changed_within(settings.DATABASE_REPLICA_MAX_LAG)
    )


class PrimaryReadsMiddleware:
    """Pins the reads of writing and signed-in requests to the primary (see the module's
    docstring). Decides from the method, the session cookie and the Authorization header
    alone, and the data version's age (one cache read), so it costs no query and does not touch
    the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if replica_configured() and needs_primary(request):
            with reads_from_primary():
                return self.get_response(request)
        return self.get_response(request)
