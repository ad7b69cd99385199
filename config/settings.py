"""Lindungi settings: one module, every deployment-specific value read from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(str(BASE_DIR / ".env"))

VAR_DIR = (BASE_DIR / env_str("LINDUNGI_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key" if DEBUG else None)
# Django's own deploy check asks for 50 characters of which at least 5 differ (issue 12.6).
MINIMUM_SECRET_KEY_LENGTH = 50
if not DEBUG and (
    SECRET_KEY.startswith(("insecure", "change-me", "django-insecure"))
    or len(SECRET_KEY) < MINIMUM_SECRET_KEY_LENGTH
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be a real secret of at least {MINIMUM_SECRET_KEY_LENGTH} characters "
        "when DEBUG is false, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
# The key of the audit trail's hash chain and checkpoints: kept outside the database (issue
# 12.7), from AUDIT_CHAIN_KEY or the file AUDIT_CHAIN_KEY_FILE names. Changing it makes every
# earlier row fail verification, so it is set once per installation and kept with the backups.
_audit_key_file = env_str("AUDIT_CHAIN_KEY_FILE", "-")
AUDIT_CHAIN_KEY = (
    Path(_audit_key_file).read_text(encoding="utf-8").strip()
    if _audit_key_file != "-"
    else env_str("AUDIT_CHAIN_KEY", "insecure-development-audit-key" if DEBUG else None)
)
MINIMUM_AUDIT_KEY_LENGTH = 32
if not DEBUG and (
    AUDIT_CHAIN_KEY.startswith(("insecure", "change-me"))
    or len(AUDIT_CHAIN_KEY) < MINIMUM_AUDIT_KEY_LENGTH
):
    raise ImproperlyConfigured(
        f"AUDIT_CHAIN_KEY must be a random secret of at least {MINIMUM_AUDIT_KEY_LENGTH} "
        "characters when DEBUG is false (or name a file holding it in AUDIT_CHAIN_KEY_FILE)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is lindungi.jobs' resilient one.
    "lindungi.jobs",
    "django_tasks_db",
    "axes",
    "lindungi.core",
    "lindungi.regions",
    "lindungi.accounts",
    "lindungi.audit",
    "lindungi.web",
    "lindungi.registry",
    "lindungi.programs",
    "lindungi.enrollment",
    "lindungi.contributions",
    "lindungi.cycle",
    "lindungi.benefits",
    "lindungi.awards",
    "lindungi.reports",
    "lindungi.api",
    "lindungi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindungi.web.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lindungi.accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lindungi.audit.middleware.AuditContextMiddleware",
    "lindungi.web.middleware.FriendlyErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login (page or API) into a 429.
    "axes.middleware.AxesMiddleware",
]
# Django's debug pages for errors instead of Lindungi's own (see FriendlyErrorPagesMiddleware).
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
FRIENDLY_SERVER_ERROR_PAGE = True

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindungi.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lindungi.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except Exception as error:  # dj-database-url raises several types; all mean a bad URL
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r} is not a valid URL: {error}"
    ) from None
if _database["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while a background job writes; IMMEDIATE avoids lock upgrades failing.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON;"
        ),
    }
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Session settings for the bulk work this application does (a million-row import, a
    # selection run, a month of billing): temporary staging tables stay in memory instead of
    # PostgreSQL's 8 MB default, and sorts, hashes and index builds stop spilling to disk.
    # They are upper limits per connection, taken only when a statement needs them.
    _database.setdefault("OPTIONS", {})["options"] = env_str(
        "DATABASE_SESSION_OPTIONS",
        "-c temp_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB",
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}

# --- Background jobs ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 first (argon2-cffi): new and re-saved passwords use it; older hashes still verify
# and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes throttles logins (pages and API basic auth alike): after AXES_FAILURE_LIMIT
# failures an account is locked wherever the attempts come from, and an address is locked
# whichever accounts it tries, for LOGIN_LOCKOUT_MINUTES. A successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Sessions end after SESSION_IDLE_MINUTES without a request (accounts.middleware renews an
# active one at most once a minute) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# --- Transport security: secure by default whenever DEBUG is false (issue 12.6) -------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", not DEBUG)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Every page script and stylesheet is a file of ours (lindungi/web/assets): no inline script,
# no CDN. Styles allow inline attributes for the SVG bars and Leaflet's positioned tiles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lindungi" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")  # WITA, the time zone of NTT
USE_I18N = True
USE_TZ = True

# --- Static files (front-end packages are bundled by `make assets`, never from a CDN) --------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "lindungi" / "web" / "assets" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lindungi.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lindungi.api.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "lindungi.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["lindungi.api.authentication.ClientRateThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lindungi API",
    "DESCRIPTION": "Registry, targeting, enrollment and contributions for pekerja rentan coverage.",
    "VERSION": "0.1.0",
    # Choice sets that share a field name (status, source, kind) get their own names.
    "ENUM_NAME_OVERRIDES": {
        "BatchStatusEnum": "lindungi.enrollment.choices.BatchStatus",
        "ClaimStatusEnum": "lindungi.benefits.choices.ClaimStatus",
        "UploadStatusEnum": [("queued", "queued"), ("duplicate", "duplicate")],
        "ClaimSourceEnum": "lindungi.benefits.choices.ClaimSource",
        "PaymentSourceEnum": "lindungi.contributions.choices.PaymentSource",
        "ExitKindEnum": [("exits", "exits"), ("deaths", "deaths")],
        "ClaimKindEnum": "lindungi.benefits.choices.ClaimKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lindungi.api.schema.add_error_responses",
    ],
}

# --- Lindungi -------------------------------------------------------------------------------
# Signed checkpoints of the audit chain's head are appended here and logged, once a day by the
# worker (WORKER_DAILY_DUTIES) and whenever `lindungi audit_checkpoint` runs; `lindungi
# verify_audit` compares the chain with them. Keep the
# file where the database's administrators cannot rewrite it (another host, a log collector).
AUDIT_CHECKPOINT_FILE = Path(
    env_str("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit" / "checkpoints.jsonl"))
)
# Duties `lindungi db_worker` enqueues once a day by itself (lindungi/jobs/periodic.py).
WORKER_DAILY_DUTIES = ["audit_checkpoint"]
# The region this installation serves: residents outside it are rejected on import.
LINDUNGI_SERVED_REGION = env_str("LINDUNGI_SERVED_REGION", "53")
LINDUNGI_DEMO_PASSWORD = env_str("LINDUNGI_DEMO_PASSWORD", "lindungi-demo-2025")
# The letterhead and signatory of invoices, credit notes and cover letters.
LINDUNGI_LETTERHEAD_NAME = env_str(
    "LINDUNGI_LETTERHEAD_NAME", "PEMERINTAH PROVINSI NUSA TENGGARA TIMUR"
)
LINDUNGI_LETTERHEAD_ADDRESS = env_str(
    "LINDUNGI_LETTERHEAD_ADDRESS", "Dinas Tenaga Kerja dan Transmigrasi · Kupang"
)
LINDUNGI_LETTERHEAD_LOGO = env_str("LINDUNGI_LETTERHEAD_LOGO", "")
LINDUNGI_LETTERHEAD_PLACE = env_str("LINDUNGI_LETTERHEAD_PLACE", "Kupang")
LINDUNGI_SIGNATORY_NAME = env_str("LINDUNGI_SIGNATORY_NAME", "(nama pejabat)")
LINDUNGI_SIGNATORY_TITLE = env_str("LINDUNGI_SIGNATORY_TITLE", "Kepala Dinas")
LINDUNGI_SIGNATORY_NIP = env_str("LINDUNGI_SIGNATORY_NIP", "")
# Who the public page sends questions to (one line each; the office runs the programme and
# BPJS Ketenagakerjaan answers about benefits at its contact centre 175).
LINDUNGI_PUBLIC_CONTACT = env_list(
    "LINDUNGI_PUBLIC_CONTACT",
    [
        "Dinas Tenaga Kerja dan Transmigrasi Provinsi Nusa Tenggara Timur",
        "BPJS Ketenagakerjaan: layanan masyarakat 175",
    ],
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
# Paritrana Award evidence (PDF, PNG, JPEG): the largest file a participant may upload.
LINDUNGI_AWARD_EVIDENCE_MAX_BYTES = env_int("LINDUNGI_AWARD_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
# Maker-checker (issue 19, point 3): a bank payment above this many rupiah waits for a second
# person with the right before it counts; unset (the default), no payment waits.
LINDUNGI_PAYMENT_APPROVAL_ABOVE = env_int("LINDUNGI_PAYMENT_APPROVAL_ABOVE", 0) or None
