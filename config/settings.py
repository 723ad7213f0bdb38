"""Casebridge settings, read from the environment (12-factor).

With nothing set, the app runs on SQLite and a filesystem Celery transport under ``var/``,
with a secret key and signing key generated there, so that a new user can try it at once.
"""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.local_secrets import read_or_create
from config.scopes import SCOPES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CASEBRIDGE_VAR_DIR", default=str(BASE_DIR / "var")))
# Local state (keys, the SQLite file, the task queue, the demo password) is the owner's alone.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
VAR_DIR.chmod(0o700)
os.umask(0o077)
for _path in VAR_DIR.iterdir():
    if _path.is_file() and _path.stat().st_mode & 0o077:
        _path.chmod(0o600)  # left readable by an older version

env = environ.Env()

TESTING = "pytest" in sys.modules
if TESTING:
    # The test suite turns debug on for itself (and for the worker processes it starts, which
    # inherit the environment); a bare start of the app does not.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("CASEBRIDGE_MFA_REQUIRED", "off")
DEBUG = env.bool("DJANGO_DEBUG", default=False)

if env.str("DJANGO_SECRET_KEY", default=""):
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
elif DEBUG:
    SECRET_KEY = read_or_create(VAR_DIR / "secret_key")
else:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (a production start refuses "
        "to run with a generated key)."
    )

# Keys fingerprints of technology indicators and pseudonyms of shared persons; changing it
# breaks cross-organization matching, so production sets it explicitly.
if env.str("CASEBRIDGE_SIGNING_KEY", default=""):
    CASEBRIDGE_SIGNING_KEY = env.str("CASEBRIDGE_SIGNING_KEY")
elif DEBUG:
    CASEBRIDGE_SIGNING_KEY = read_or_create(VAR_DIR / "signing_key")
else:
    raise ImproperlyConfigured("CASEBRIDGE_SIGNING_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

CASEBRIDGE_PHONE_REGION = env.str("CASEBRIDGE_PHONE_REGION", default="US")
# Only when a trusted reverse proxy sets X-Forwarded-For may the audit trail believe it.
CASEBRIDGE_TRUSTED_PROXY_COUNT = env.int("CASEBRIDGE_TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    # Before auditlog: its management commands (auditlogflush) are overridden by ours.
    "audit",
    "auditlog",
    "csp",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "accounts",
    "casework",
    "sharing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api.middleware.ApiBodySizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.mfa.MfaEnforcementMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

# ``manage.py bench`` only: counts queries per response and lets it measure a read without its
# access entry (config/bench/middleware.py). Off unless the bench starts the server.
CASEBRIDGE_BENCH = env.bool("CASEBRIDGE_BENCH", default=False)
if CASEBRIDGE_BENCH:
    MIDDLEWARE.insert(0, "config.bench.middleware.BenchMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casebridge.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting on a lock beats failing: the web process and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A file, not memory, so that the tests' real Celery worker process sees the test database.
    # Named per process so that two test runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a request reuses its worker's connection instead of opening one (a new
# PostgreSQL connection costs more than most of our queries); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CASEBRIDGE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT for these short OLTP queries: PostgreSQL decides on JIT from the planner's cost, and
    # compiling a count it misestimates costs more than running it (README, "Performance").
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options"), "-c jit=off"])
    )
    # Prepared statements, which Django turns off for the sake of connection poolers. Only the audit
    # trail's two statements use them (``audit.chain._audit_cursor``): Django's own cursors bind on
    # the client and never prepare. Off (``CASEBRIDGE_DB_PREPARED_STATEMENTS=0``) behind a pooler in
    # transaction mode that cannot keep them (PgBouncer before 1.21).
    if env.bool("CASEBRIDGE_DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: counts failures and refuses a locked-out account or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout (django-axes): failed sign-ins counted per account and, separately, per address.
AXES_FAILURE_LIMIT = env.int("CASEBRIDGE_LOCKOUT_FAILURES", default=10)
AXES_COOLOFF_TIME = env.float("CASEBRIDGE_LOCKOUT_COOLOFF_HOURS", default=1.0)  # hours; 0 = until unlocked
if not AXES_COOLOFF_TIME:
    AXES_COOLOFF_TIME = None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "accounts.lockout.resolve_username"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Second factor (django-otp, django-otp-webauthn): all | privileged | optional | off.
CASEBRIDGE_MFA_REQUIRED = env.str("CASEBRIDGE_MFA_REQUIRED", default="all")
if CASEBRIDGE_MFA_REQUIRED not in ("all", "privileged", "optional", "off"):
    raise ImproperlyConfigured("CASEBRIDGE_MFA_REQUIRED must be all, privileged, optional or off.")
OTP_TOTP_ISSUER = "Casebridge"
OTP_WEBAUTHN_RP_NAME = "Casebridge"
CASEBRIDGE_WEBAUTHN_RP_ID = env.str("CASEBRIDGE_WEBAUTHN_RP_ID", default="")
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.mfa.rp_id"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "CASEBRIDGE_WEBAUTHN_ORIGINS",
    default=["http://localhost:8000"]
    if DEBUG
    else [f"https://{h}" for h in ALLOWED_HOSTS if "*" not in h] or ["https://localhost"],
)
# A passkey is a second factor here, never a way around the password and its lockout.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Guardian's anonymous user would be one more account that owns nothing; cases are never public.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en"
# The browser's Accept-Language picks one of these; a user's choice (the language form posting to
# Django's set_language view) is kept in the language cookie and wins over the browser.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Content-Security-Policy (django-csp 4): our own origin only, no inline script or style anywhere
# (templates keep scripts and styles in static/). htmx is vendored; its inline indicator style is
# switched off by the htmx-config meta tag in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
    # The API's Swagger UI page (drf-spectacular) starts itself with an inline script.
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs/"],
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS: on by default whenever debug is off. Behind a TLS-terminating proxy that sets
# X-Forwarded-Proto, CASEBRIDGE_TRUSTED_PROXY_COUNT > 0 makes Django believe it.
SECURE_SSL_REDIRECT = env.bool("CASEBRIDGE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("CASEBRIDGE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("CASEBRIDGE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("CASEBRIDGE_HSTS_PRELOAD", default=True)
if CASEBRIDGE_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sessions: an idle timeout and an absolute lifetime (accounts.middleware.SessionTimeoutMiddleware).
CASEBRIDGE_SESSION_IDLE_SECONDS = env.int("CASEBRIDGE_SESSION_IDLE_SECONDS", default=30 * 60)
CASEBRIDGE_SESSION_MAX_SECONDS = env.int("CASEBRIDGE_SESSION_MAX_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = CASEBRIDGE_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Audit: identity and contact values are hidden completely, not half-masked (auditlog's default).
AUDITLOG_MASK_CALLABLE = "audit.masking.mask_entirely"
AUDITLOG_INCLUDE_ALL_MODELS = False
# The correlation id of every entry is generated per request or task (audit.context), never read
# from a client header.
AUDITLOG_CID_GETTER = "audit.context.current_cid"
# Retention: `manage.py audit_retention` removes entries older than this (Ny, Nd, Nh).
CASEBRIDGE_AUDIT_RETENTION = env.str("CASEBRIDGE_AUDIT_RETENTION", default="7y")
# The test framework (and only it, unless the operator says so) may flush the audit tables.
CASEBRIDGE_AUDIT_ALLOW_FLUSH = env.bool("CASEBRIDGE_AUDIT_ALLOW_FLUSH", default=TESTING)
# Unusual-access flags (audit.flags), computed by beat.
CASEBRIDGE_FLAG_BURST_CASES = env.int("CASEBRIDGE_FLAG_BURST_CASES", default=20)
CASEBRIDGE_FLAG_BURST_MINUTES = env.int("CASEBRIDGE_FLAG_BURST_MINUTES", default=10)
CASEBRIDGE_FLAG_DENIALS = env.int("CASEBRIDGE_FLAG_DENIALS", default=3)
CASEBRIDGE_FLAG_LOOKBACK_HOURS = env.int("CASEBRIDGE_FLAG_LOOKBACK_HOURS", default=48)

# Celery. With no broker configured, a filesystem transport under var/ lets a real worker
# process run beside the web process with no extra service.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery's Django fix-up closes every database connection before and after each task unless this
# is set: each task then paid a new connection (and the audit statements' preparation), whatever
# CONN_MAX_AGE said. Set beyond reach, the fix-up never closes them; config/celery.py recycles them
# by CONN_MAX_AGE and health around each task instead, as Django does around each request.
CELERY_DB_REUSE_MAX = sys.maxsize
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Sharing: webhook deliveries to partner systems.
CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE = env.bool("CASEBRIDGE_WEBHOOK_ALLOW_PRIVATE", default=False)
CASEBRIDGE_WEBHOOK_TIMEOUT = env.float("CASEBRIDGE_WEBHOOK_TIMEOUT", default=10.0)
# Seconds between attempts, in the spirit of the Standard Webhooks schedule; its length is the
# number of retries before a delivery is marked failed.
CASEBRIDGE_RETRY_SCHEDULE = env.list(
    "CASEBRIDGE_RETRY_SCHEDULE",
    cast=int,
    default=[5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
)
# How long a claimed delivery may run before the re-drive assumes its worker died.
CASEBRIDGE_DELIVERY_LEASE_SECONDS = env.int("CASEBRIDGE_DELIVERY_LEASE_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "redrive-deliveries": {"task": "sharing.tasks.redrive_deliveries", "schedule": 10.0},
    "expire-shares": {"task": "sharing.tasks.expire_shares", "schedule": 300.0},
    "consent-renewal-tasks": {"task": "casework.tasks.create_consent_renewal_tasks", "schedule": 3600.0},
    "audit-checkpoint": {"task": "audit.tasks.write_checkpoints", "schedule": 86400.0},
    "audit-flags": {"task": "audit.tasks.compute_flags", "schedule": 900.0},
}

# REST API (SPEC, REST API).
CASEBRIDGE_API_MAX_BODY_BYTES = env.int("CASEBRIDGE_API_MAX_BODY_BYTES", default=1_048_576)
CASEBRIDGE_API_MAX_JSON_DEPTH = env.int("CASEBRIDGE_API_MAX_JSON_DEPTH", default=64)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.ClientCredentialsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "config.api.permissions.HasScope",
    ],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["config.api.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.CasebridgeAutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env.str("CASEBRIDGE_API_RATE", default="600/minute")},
    "UNAUTHENTICATED_USER": None,
}
OAUTH2_PROVIDER = {
    "SCOPES": SCOPES,
    "DEFAULT_SCOPES": [],
    "OAUTH2_VALIDATOR_CLASS": "accounts.oauth.ClientScopedValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "PKCE_REQUIRED": True,
    # RFC 9700: tokens only in the Authorization header, stored as SHA-256 checksums (the
    # plaintext column stays empty), no implicit or password grant, https redirects only.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
CASEBRIDGE_TOKEN_RATE_PER_CLIENT = env.str("CASEBRIDGE_TOKEN_RATE_PER_CLIENT", default="30/minute")
CASEBRIDGE_TOKEN_RATE_PER_ADDRESS = env.str("CASEBRIDGE_TOKEN_RATE_PER_ADDRESS", default="120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Casebridge partner API",
    "DESCRIPTION": "Cases, redacted shares and the inbox for partner agencies' systems. "
    "Errors are application/problem+json (RFC 9457). A field a request may not set is refused (400), "
    "not ignored. Lists are paginated (`page`, `page_size` up to 200). Rates are limited per API client "
    "(429 with `Retry-After`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: schemas are JSON Schema 2020-12, so the exchange payload's published schema is embedded as is.
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sharing.api.schema.add_shared_case_components",
    ],
}
# Rate-limit budgets live here: set CACHE_URL (e.g. redis://…) when several web processes run.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# django-oauth-toolkit's swappable models, named so that migrations can refer to them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
