"""Treaty KB settings: one file, driven by the environment.

Development (the default) needs no environment at all: SQLite in the project folder, DEBUG on,
a throw-away secret. ``TREATYKB_ENV=production`` turns DEBUG off and refuses to start without a
real ``SECRET_KEY`` and ``ALLOWED_HOSTS``. See README.md, "Configuration".
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


ENVIRONMENT = os.environ.get("TREATYKB_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("TREATYKB_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEV_SECRET_KEY = "django-insecure-treatykb-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
# Previous keys, still accepted for signatures (sessions, password reset links) while they
# expire after a rotation: docs/deploy.md, "Rotating secrets".
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY: a random string of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names).")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "csp",
    "axes",
    "common",
    "apikeys",
    "treaties",
    "provisions",
    "catalogue",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, static files included (CONTENT_SECURITY_POLICY).
    "treatykb.content_policy.SitePolicyMiddleware",  # django-csp, its policy built once
    # WhiteNoise, with a year's immutable caching of hashed static files (treatykb/static.py).
    "treatykb.static.StaticFilesMiddleware",
    # gzip for public answers, never for the admin or signed-in users (common/compression.py).
    "common.compression.CompressionMiddleware",
    # A 503 page (or JSON) when the database is down or too slow (treatykb/availability.py).
    "treatykb.availability.DatabaseUnavailableMiddleware",
    # Reads from the replica, except for writing and signed-in requests (treatykb/routers.py).
    "treatykb.routers.PrimaryReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Every error under /api/ as an RFC 9457 problem document (common/api/problems.py).
    "common.api.problems.ProblemMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The API's quotas: per API key, or per address; RateLimit headers (apikeys/middleware.py).
    "apikeys.middleware.QuotaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change (the editors' history; see common/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Answers a locked-out login attempt with the lockout page (last, as django-axes requires).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "treatykb.urls"
WSGI_APPLICATION = "treatykb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases -----------------------------------------------------------------------------------
# DATABASE_URL is the primary; DATABASE_REPLICA_URL, when set, a read replica that anonymous
# reads go to (treatykb/routers.py; docs/deploy.md, "Read replica"). On PostgreSQL a connection
# attempt gives up after DATABASE_CONNECT_TIMEOUT seconds and, when DATABASE_STATEMENT_TIMEOUT
# is set (milliseconds), a query after that long: the request then gets a 503
# (treatykb/availability.py) instead of holding a worker.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 0)


# The whole data set fits in memory (or on SSD): reading a page out of order costs little more
# than in order. With PostgreSQL's default (4, for spinning disks) the planner answers a search
# for a common word by reading every article's search vector rather than through the GIN index
# (0.3 s instead of 30 ms at the UN Treaty Collection's scale; bench/README.md).
DATABASE_PLANNER_FLAGS = "-c random_page_cost=1.1"


def database_config(url):
    """A DATABASES entry for ``url`` with the connection lifetime, health checks and, on
    PostgreSQL, the connect and statement timeouts and the planner's cost of random reads."""
    config = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        flags = [DATABASE_PLANNER_FLAGS]
        if DATABASE_STATEMENT_TIMEOUT:
            flags.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}")
        options["options"] = " ".join([options.get("options", ""), *flags]).strip()
    return config


DATABASES = {
    "default": database_config(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    DATABASES["replica"] = database_config(os.environ["DATABASE_REPLICA_URL"].strip())
# For this many seconds after any change to the data every read goes to the primary, so that
# nothing is cached from a replica that has not caught up (treatykb/routers.py). Set it above
# the replica's usual lag.
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 10)
DATABASE_ROUTERS = ["treatykb.routers.PrimaryReplicaRouter"]

# --- Cache ----------------------------------------------------------------------------------------
# Per-process memory by default. CACHE_URL (redis://host:6379/0, rediss://..., or
# unix:///run/redis/redis.sock?db=0) makes it a Redis shared by every worker and server, as
# production needs: the data version that keeps cached pages current (treaties/caching.py) and
# the API's throttle counters must be the same everywhere. If Redis is unreachable the site keeps
# working without a cache (errors are logged, each attempt gives up after a second).
REDIS_SCHEMES = ("redis", "rediss", "unix")


def cache_config(url):
    """The CACHES entry for ``url`` (empty or ``locmem://``: this process's memory)."""
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if not url or scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with redis://, rediss:// or unix:// (or be empty for a "
            f"per-process cache), not {scheme or url!r}."
        )
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "treatykb",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }


CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "").strip())}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Logging in (the admin; the browsable API uses the same session) -------------------------
# The admin lives at ADMIN_URL ("admin/" unless set): a less guessable path keeps the login page
# out of the way of bots, and it is the only place a password is typed.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip().strip("/") + "/"
if not re.fullmatch(r"[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*/", ADMIN_URL) or ADMIN_URL.startswith(
    "api/"
):
    raise ImproperlyConfigured(
        "ADMIN_URL must be a path such as 'admin/' or 'editing-a8f3/' (letters, digits, - _ . ~),"
        " not the site root and not under api/."
    )

# django-axes: after AXES_FAILURE_LIMIT failed logins for one user name from one address, that
# user name is locked out from that address for AXES_COOLOFF_MINUTES (the right password too);
# a successful login resets the count. `manage.py axes_reset` lifts every lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME < timedelta(minutes=1):
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A lockout lasts AXES_COOLOFF_MINUTES from the failure that locked the user name; attempts
# during it are refused and do not extend it (common/lockouts.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "treatykb.security.lockout_response"  # a page saying for how long, 429
# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost
# one saw, from X-Forwarded-For (so that locking one client out does not lock out everyone behind
# the proxy). See treatykb/security.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "treatykb.security.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Where the data set that `manage.py load_treaty_data` reads lives (a copy of shared/data,
# refreshed with `make data-refresh`, plus the project's own editorial curation).
TREATYKB_FIXTURES_DIR = BASE_DIR / "fixtures"
# The site's public address, named in the attribution line of every download and release
# (catalogue/exports.py), which is built without a request (by `make_release` too). By default
# the first of ALLOWED_HOSTS over HTTPS in production, the development server's otherwise.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if PRODUCTION else "http://127.0.0.1:8000"
)

# --- REST API (/api/v1/; see docs/api.md) -------------------------------------------------------
# Reads are public; writes need a Django model permission (token or session). Anonymous clients are
# throttled (API_ANON_RATE, e.g. "120/minute"; "" turns throttling off).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute").strip() or None
# The rate a new API key is issued with (each key has its own, apikeys.ApiKey.rate).
API_KEY_RATE = os.environ.get("API_KEY_RATE", "5000/hour").strip() or "5000/hour"
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 1000
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write is answered 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "common.api.permissions.ReadOrModelPermissions",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "common.api.renderers.BrowsableAPIRenderer",
        "common.api.renderers.CSVRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "common.api.backends.StrictDjangoFilterBackend",
        "common.api.backends.StrictOrderingFilter",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "common.api.backends.StrictContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    # Quotas are counted by apikeys.middleware.QuotaMiddleware (304s free), not by DRF.
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "common.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "common.api.exceptions.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Treaty KB API",
    "DESCRIPTION": (
        "Read-only public access (and permissioned writes) to the treaties against human "
        "trafficking: their articles, pillars and concordance, and every participant's "
        "signature, consent, entry into force, withdrawal and statements. Every list is "
        "paginated, filterable, orderable and available as CSV. Guide with examples: docs/api.md. "
        "The data is published under CC BY 4.0 (credit it as: Treaty KB, <the site's address>, "
        "data as at <date>, CC BY 4.0); the software under the MIT licence."
    ),
    "VERSION": "1.0.0",
    # The licence of what the API serves: the data (LICENSE-DATA). The code is MIT (LICENSE).
    "LICENSE": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from the public validator service: the docs page loads nothing from elsewhere.
    # No deep links: Swagger UI puts each one, a small link, inside its operation's button (a link
    # nested in a button, and a target under 24 px: WCAG 2.2 AA, tests/browser/test_judges.py).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema lists the values that name data (treaties, participants, pillars) as they are
    # in the database, so it cannot be generated before the migrations (`check --deploy` runs
    # first on a new server); its validity is tested by tests/api/test_schema.py and
    # Schemathesis (tests/api/test_schemathesis.py) instead of by the system check.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # fields= and omit= choose an object's properties: none of them is required in an answer.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.fields_are_optional",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RatificationStatusEnum": "treaties.status.CHOICES",
        "ParticipantKindEnum": "treaties.models.ParticipantKind",
        "StatementKindEnum": "treaties.models.StatementKind",
        "TreatyKindEnum": "treaties.models.TreatyKind",
    },
}
# Cross-origin use from browsers: read-only, API only, no credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Conditional requests from a dashboard, and the API key (apikeys/middleware.py).
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since", "x-api-key"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Link",
    "X-Total-Count",
    "Retry-After",
    "Content-Disposition",
    "Repr-Digest",
    "RateLimit",
    "RateLimit-Policy",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
        # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): everything from this site only; no inline script or style
# anywhere (scripts are files in static/js, data for them is JSON in <script type=
# "application/json">). The one relaxation: the browsable API's HTML (DRF's own templates) uses
# style attributes, so its responses allow inline style *attributes* (style-src-attr; see
# treaties/api/renderers.py). CSP_REPORT_URI, if set, receives the browsers' violation reports.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Swagger UI draws its icons as data: SVG images
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if os.environ.get("CSP_REPORT_URI", "").strip():
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"].strip()]
