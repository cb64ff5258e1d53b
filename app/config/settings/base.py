"""Settings shared by every environment. Everything comes from the environment (12-factor).

With no variable set, μblog runs on embedded services: SQLite, a local-memory cache, eager
Celery and console email. `.env.example` documents every variable read here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

APP_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = APP_DIR.parent

env = environ.Env()
# A .env file is read only where the developer opts in, as in cookiecutter-django: the sessions
# that run the app for a developer (nox -s dev/worker/beat/manage, the compose dev stack) set
# DJANGO_READ_DOT_ENV_FILE=true; the test settings turn it off whatever the shell says.
READ_DOT_ENV_FILE = env.bool("DJANGO_READ_DOT_ENV_FILE", default=False)
ENV_FILE = env.str("ENV_FILE", default=str(REPO_DIR / ".env"))
if READ_DOT_ENV_FILE and ENV_FILE and Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)

# --- Core -------------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base of links in emails (the activation link); the request is not at hand in a task.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "graphene_django",
    "axes",
    "csp",
    # The domain: every rule lives here.
    "domain.accounts",
    "domain.posts",
    "domain.outbox",
    # The five interfaces over it.
    "interfaces.web",
    "interfaces.rest",
    "interfaces.graphql",
]

MIDDLEWARE = [
    # First: /healthz answers for any Host (checks come by IP address) and without HTTPS.
    "config.middleware.healthz",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database (https://docs.djangoproject.com/en/5.2/ref/settings/#databases) ------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{REPO_DIR / 'db.sqlite3'}"),
}
# Persistent connections: reconnecting per request costs more than most μblog queries.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Off by default: on, every request that reuses a connection first sends a `SELECT 1`. Off, a
# connection the server dropped (a restart, a failover) fails the one request that finds it
# broken, and Django discards it after that request. docs/performance.md has the trade-off.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, retrying new connections while PostgreSQL restarts (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    DATABASES["default"]["CONNECT_RETRY_SECONDS"] = env.float(
        "DATABASE_CONNECT_RETRY_SECONDS", default=5
    )
# Orchestrators inject the password on its own from their secret store (infra/): it completes a
# DATABASE_URL that carries none, so no secret sits in plain configuration.
if env.str("DATABASE_PASSWORD", default=""):
    DATABASES["default"]["PASSWORD"] = env.str("DATABASE_PASSWORD")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery broker: Redis when REDIS_URL is set, embedded otherwise ------------------


def redis_cache(url: str) -> dict[str, Any]:
    """The one cache layer (throttle counters, sessions): Redis that fails open. A Redis error is
    logged (logger ``django_redis.cache``) and taken as a miss, so an outage makes throttles
    let requests through and cached sessions fall back to the database, never a 500."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            # A dead or unreachable Redis costs a request at most this long per cache call.
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
    # Sessions read from the cache, written through to the database: a signed-in request costs
    # no session query, and a cache outage or flush logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Per process: without Redis, each gunicorn worker counts its own throttle budget.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # No broker means no worker: run tasks in-process so signup still sends its email.
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# A task is acknowledged after it ran, not when a worker took it, and a worker process killed
# mid-task (OOM killer, SIGKILL) puts it back in the queue: at least once, so tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Beat's record of when each task last ran: outside the source tree (it is state, not code).
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default="") or str(
    Path(tempfile.gettempdir()) / "ublog-celerybeat-schedule"
)
CELERY_BEAT_SCHEDULE = {
    "purge-unactivated-accounts": {
        "task": "domain.accounts.tasks.purge_unactivated_accounts",
        "schedule": timedelta(hours=1),
    },
    # Queues the tasks that could not be queued when they were recorded (domain/outbox).
    "drain-outbox": {
        "task": "domain.outbox.tasks.drain_outbox",
        "schedule": timedelta(seconds=env.int("OUTBOX_DRAIN_SECONDS", default=60)),
    },
}

# --- Email (https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url) --
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="μblog <noreply@ublog.localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
# The page an activation email links to (the web's; djoser calls its setting the same). The
# domain writes it into the email and knows no interface's URLs; the login link in its other
# email comes from LOGIN_URL. app/tests/domain/test_accounts.py holds both to the URLconf.
ACTIVATION_URL = "/accounts/activate/{uidb64}/{token}/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Activation links are Django password-reset style tokens; this is their lifetime in seconds.
PASSWORD_RESET_TIMEOUT = env.int("ACTIVATION_TIMEOUT", default=3 * 24 * 3600)
ACCOUNT_PURGE_AFTER_DAYS = env.int("ACCOUNT_PURGE_AFTER_DAYS", default=7)
# django-axes first: it refuses a locked-out client before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Posts and uploads -----------------------------------------------------------------------
POST_IMAGE_MAX_BYTES = env.int("POST_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
POST_IMAGE_MAX_PIXELS = env.int("POST_IMAGE_MAX_PIXELS", default=20_000_000)
POST_THUMBNAIL_SIZE = (320, 320)
# Bodies beyond this are refused before parsing (a post is 280 characters plus a 5 MB image).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=6 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files (whitenoise serves static; media from MEDIA_ROOT) -----------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(REPO_DIR / "staticfiles"))
STATICFILES_DIRS = [APP_DIR / "static"]
# Files browsers and crawlers ask for at the site root (favicon.ico, robots.txt), by whitenoise.
WHITENOISE_ROOT = APP_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(REPO_DIR / "media"))
# Django serves uploads itself only where nothing else does (local runs; S3 in production).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Abuse resistance (docs/security.md) --------------------------------------------------------
# How many trusted proxies append to X-Forwarded-For in front of μblog (0: clients connect
# directly and REMOTE_ADDR is the client). Throttles and the login lockout key on the address
# this yields (interfaces.throttling.client_ip); what a client writes in the header never counts.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# Login lockout (django-axes): every failed password check (web login, /admin/login/, the token
# endpoints, GraphQL's tokenAuth) counts per client address; AXES_FAILURE_LIMIT failures in a
# row lock that address out for AXES_COOLOFF_MINUTES. A success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "interfaces.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "interfaces.throttling.lockout_response"
AXES_VERBOSE = False

# --- Content-Security-Policy (django-csp; docs/security.md) -------------------------------------
# Every page loads only what μblog serves itself, so the policy can be strict: no inline script
# and no eval anywhere (the like button renders with Vue's runtime-only build, GraphiQL and
# Swagger UI start from static files). Extend it here, in one place: content_security_policy()
# is also what production.py calls to add the S3 media host. A view that needs more gets it
# with django-csp's @csp_update, scoped to that view.


def content_security_policy(*, media_origins: Sequence[str] = ()) -> dict[str, Any]:
    """The policy of every response; ``media_origins`` are the hosts uploads are shown from
    when they are not served by μblog (production.py: the S3 bucket)."""
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            # Styles are files too, never style="" or <style> (ublog.css). The vendored apps
            # set styles through the DOM (CSSOM), which a policy does not restrict.
            "style-src": ["'self'"],
            # data: for the SVG icons the CSS of Bootstrap, Swagger UI and GraphiQL embeds.
            "img-src": ["'self'", "data:", *media_origins],
            # (GraphiQL's page adds data: fonts, for that page only: interfaces/graphql/views.py.)
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            # Nothing frames μblog (as X_FRAME_OPTIONS = "DENY" says to older browsers).
            "frame-ancestors": ["'none'"],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy()

# --- Django REST framework, JWT and the OpenAPI schema ------------------------------------------
REST_FRAMEWORK = {
    # JWT first: DRF answers "not signed in" with the first class's WWW-Authenticate (a 401);
    # with session first it would be a 403 without one.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Domain errors (ValidationError, Post.DoesNotExist...) become 400/401/403/404 here.
    "EXCEPTION_HANDLER": "interfaces.rest.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's JSON parser answers a too deeply nested body with a 500; this one with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "interfaces.rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "interfaces.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # No DEFAULT_PAGINATION_CLASS or PAGE_SIZE: the post lists name PostPagination, whose page
    # size is the domain's (selectors.page_size_clean), the one every interface uses.
    # One policy for every interface (web, REST, GraphQL): interfaces/throttling.py. Counters
    # are in the default cache: per process without REDIS_URL (N workers, N times the budget).
    "DEFAULT_THROTTLE_RATES": {
        "anon_post_create": env.str("THROTTLE_ANON_POST_CREATE", default="30/hour"),
        "signup": env.str("THROTTLE_SIGNUP", default="10/hour"),
        "resend_activation": env.str("THROTTLE_RESEND_ACTIVATION", default="5/hour"),
        "token": env.str("THROTTLE_TOKEN", default="30/min"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The browsable API in μblog's look (navbar, Bootstrap 5), not DRF's stock page.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "interfaces.rest.renderers.UblogBrowsableAPIRenderer",
    ],
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "μblog API",
    "DESCRIPTION": "The μblog REST API, in two flavours of DRF views over one domain layer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- GraphQL ---------------------------------------------------------------------------------
GRAPHENE = {"SCHEMA": "interfaces.graphql.schema.schema"}
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=8)
# Public on purpose, each can be switched off (docs/security.md): GraphiQL at /graphql/ for a
# browser, schema introspection (__schema, __type), and the OpenAPI schema with Swagger UI.
GRAPHIQL_ENABLED = env.bool("GRAPHIQL_ENABLED", default=True)
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=True)
API_DOCS_ENABLED = env.bool("API_DOCS_ENABLED", default=True)
# What one operation may cost: 1 per field, times the page size of each list it is inside
# (interfaces/graphql/limits.py). A full page of posts with every field costs about 1,500.
GRAPHQL_MAX_COST = env.int("GRAPHQL_MAX_COST", default=5000)
# Largest GraphQL request body (a multipart request's 'operations' part), in bytes.
GRAPHQL_MAX_BODY_BYTES = env.int("GRAPHQL_MAX_BODY_BYTES", default=64 * 1024)

# --- Logging: everything to stderr, where containers and process managers expect it ----------
# Django's own default config gives the "django" logger a console handler of its own (active
# when DEBUG is on) and lets records propagate to the root too: each line would print twice.
# Here the root handler alone prints; "django.server" (runserver's request lines) keeps Django's
# handler and does not propagate, so it prints once as well.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}
