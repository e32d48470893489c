"""Settings for the back office. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.forms
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A development checkout keeps DEBUG and its own key in a git-ignored .env that `make run` writes
# once, so manage.py works beside it; production has no .env. Variables already set always win.
load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for widgets of the admin's and others' that include them
    "anymail",
    "csp",
    "django_countries",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oms.core",
    "oms.webhooks",
    "customers",
    "catalog",
    "orders",
    "oms.accounts",
    "auditlog",
    "oms.audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our static files (no CDN: the CSP allows none)
    "oms.api",
]
# Tooling (scale seeding, the benchmark, demo data, the migration linter) for development, tests and `make bench`;
# never in production. On with DEBUG unless OMS_TOOLING says otherwise; OMS_TOOLING=0 leaves it out even then.
if env_bool("OMS_TOOLING", default=DEBUG):
    INSTALLED_APPS += ["oms.bench", "django_migration_linter"]

MIDDLEWARE = [
    "oms.core.requestid.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oms.core.middleware.QueryNulMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the device is read on each request
    "oms.audit.middleware.AuditMiddleware",
    "oms.core.middleware.StaffRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "oms.core.middleware.AdminSearchCapMiddleware",
    "oms.accounts.middleware.SessionLimitsMiddleware",
    "oms.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: it turns a lockout into the lockout page
]

ROOT_URLCONF = "oms.urls"
WSGI_APPLICATION = "oms.wsgi.application"

# Pages are Django templates. Forms are drawn by Django's form renderer in Jinja2: a field by the project's one
# field template (jinja2/forms/field.html, Bootstrap 5's markup), its <input> or <select> inside by Django's own
# Jinja2 copy of the widget's template. Both are found first; the admin's and other apps' widget templates are
# Django templates, found next.
FORM_RENDERER = "oms.core.renderers.FormRenderer"
TEMPLATES = [
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2", Path(django.forms.__file__).parent / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "oms.core.jinja2.environment"},
    },
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

# Database: PostgreSQL in production and CI; an embedded SQLite file when DATABASE_URL is unset.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while an order is being written; IMMEDIATE takes the write
        # lock at BEGIN so two checkouts queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Optional REDIS_URL (redis://host:6379/0): Django's Redis cache backs the cache, sessions read through it
# (cached_db: written to the database too, read from Redis), and login throttling counts there. Unset, the
# cache is per process, sessions and lockouts live in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "oms"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login however
# busy (oms.accounts.middleware). Changing a password ends the user's other sessions (Django's session hash).
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600)  # one working day
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "orders:list"
LOGOUT_REDIRECT_URL = "login"

# The audit trail (django-auditlog, oms/audit): no correlation id taken from a request header, which any
# client could set (a forged one, or one longer than its column, which PostgreSQL refuses with a 500).
AUDITLOG_CID_HEADER = None

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username, or from one
# address, that username or address is locked for LOGIN_LOCKOUT_MINUTES (each further try restarts the
# wait). Administrators unlock in the admin (Access attempts) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",  # permissions read once a request (its per-user cache)
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "oms.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "oms.accounts.proxy.client_ip"
AXES_USERNAME_CALLABLE = "oms.accounts.proxy.attempt_username"  # cut to the length axes stores
AXES_VERBOSE = False
if REDIS_URL:
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"  # unlock with axes_reset_username / axes_reset_ip

# Two-factor login (django-otp): required for Managers, Administrators and superusers, optional for
# others, or required for everyone with OTP_REQUIRED_FOR_ALL.
OTP_REQUIRED_FOR_ALL = env_bool("OTP_REQUIRED_FOR_ALL")
OTP_TOTP_ISSUER = "Order management"

PASSWORD_HASHERS = [
    "oms.accounts.hashers.Argon2Hasher",  # Argon2id at OWASP's 7 MiB setting (see the module)
    # older hashes still verify, and are upgraded to Argon2 at the next login
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# The back office is in English only: without the translation machinery (Django's advice when nothing is translated)
# every date, number and message skips looking up the active language, about 2 ms of a 50-line page.
USE_I18N = False
USE_TZ = True
# Numbers on the pages are mostly ids, order numbers and quantities: shown without grouping. Money is grouped by
# the |money filter whatever this says.
USE_THOUSAND_SEPARATOR = False
CURRENCY = os.environ.get("CURRENCY", "USD")

# Static files: our own in static/, Bootstrap, its icons and htmx from node_modules (npm ci).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# Deployments run collectstatic and serve hashed, compressed files; development and tests
# serve straight from the folders above.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Email: Django's mail API; any anymail ESP by name (ANYMAIL_ESP=mailgun, postmark, ...).
# Every other ANYMAIL_* variable becomes an anymail setting: ANYMAIL_MAILGUN_API_KEY -> MAILGUN_API_KEY.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "orders@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# How often one order's confirmation may be resent in an hour (each resend is on its timeline).
RESEND_LIMIT_PER_HOUR = int(os.environ.get("RESEND_LIMIT_PER_HOUR", "3"))
ANYMAIL_ESP = os.environ.get("ANYMAIL_ESP", "")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_") and key != "ANYMAIL_ESP"
}
ANYMAIL.setdefault("REQUESTS_TIMEOUT", EMAIL_TIMEOUT)
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.filebased.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))

# Background work (Django's Tasks API through the django-tasks backport): tasks are rows in our own database
# (django-tasks-db), written in the transaction that needs them; `manage.py worker` runs them, on any number of
# machines (PostgreSQL hands each task to one worker with FOR UPDATE SKIP LOCKED). TASKS_BACKEND=immediate runs
# each task in the process at commit instead (the tests that are about something else use it).
TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend",
                 "immediate": "django_tasks.backends.immediate.ImmediateBackend"}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# A task still running after TASK_STUCK_SECONDS is taken as lost with its worker (killed, machine gone): workers
# put it back in the queue, and /healthz reports a queue whose oldest due task has waited that long.
TASK_STUCK_SECONDS = float(os.environ.get("TASK_STUCK_SECONDS", "300"))
# An email that fails for a temporary reason (connection refused, timeout, a 4xx SMTP reply, a provider's 429
# or 5xx) is tried again after EMAIL_RETRY_SECONDS, then twice that, and so on, EMAIL_TRIES times in all.
EMAIL_TRIES = int(os.environ.get("EMAIL_TRIES", "5"))
# A new quote's `Valid until`: this many days from today (staff may change it).
QUOTE_VALID_DAYS = int(os.environ.get("QUOTE_VALID_DAYS", "30"))
EMAIL_RETRY_SECONDS = float(os.environ.get("EMAIL_RETRY_SECONDS", "30"))

# Webhooks (oms.webhooks): connecting and each read wait at most WEBHOOK_TIMEOUT_SECONDS; a failed delivery is
# tried again after WEBHOOK_RETRY_SECONDS, then twice that and so on (with jitter) for a day; at most
# WEBHOOK_CONCURRENCY deliveries to one endpoint are in flight at once. Endpoints that resolve to private, loopback
# or link-local addresses are refused unless WEBHOOKS_ALLOW_PRIVATE (a receiver on the same network; the tests).
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_RETRY_SECONDS = float(os.environ.get("WEBHOOK_RETRY_SECONDS", "30"))
WEBHOOK_CONCURRENCY = int(os.environ.get("WEBHOOK_CONCURRENCY", "4"))
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE")

# The REST API (oms.api, under /api/v1/): personal tokens only (no session, so no CSRF), JSON in and out, errors as
# RFC 9457 problem details; API_RATE requests per token (the cache: Redis with REDIS_URL).
API_RATE = os.environ.get("API_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oms.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],  # each view names its own
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "oms.api.problems.problem_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Order management API",
    "DESCRIPTION": "Customers, products and orders of the back office, with a personal token from the API tokens "
                   "page (Authorization: Bearer <token>). Errors are RFC 9457 problem details.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"OrderStatusEnum": "orders.lifecycle.Status",
                            "ReturnStatusEnum": "orders.lifecycle.ReturnStatus"},
    # <id:...> in our URLs (oms.core.converters): a key, 0 to 2^63-1
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "oms.api.schema.problem_responses"],
}

# Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security for deployment (manage.py check --deploy reports nothing with DEBUG off).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
# Only behind a proxy that sets X-Forwarded-Proto (and appends the client's address to X-Forwarded-For,
# which login throttling then reads): anywhere else a client could claim HTTPS, or another address.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER") else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logs go to stderr: one JSON object a line in production (LOG_FORMAT=json, the default without DEBUG), with
# the request id of the web request (or of the request that queued the task) on every line; text with DEBUG.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "oms.core.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
