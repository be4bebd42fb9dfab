"""Wijktour settings. Every value that differs between machines comes from the environment.

The defaults are safe for a developer's laptop (SQLite, console mail, DEBUG on); production
sets DJANGO_ENV=production, which turns DEBUG off and refuses the default secret key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
DEBUG = env_bool("DEBUG", DJANGO_ENV != "production")

INSECURE_DEFAULT_KEY = "django-insecure-wijktour-development-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY", INSECURE_DEFAULT_KEY)
if not DEBUG and SECRET_KEY == INSECURE_DEFAULT_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the default key is only for DEBUG=true.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Links in mails, QR codes and feeds follow the port the server listens on unless SITE_URL says.
SITE_URL = (env("SITE_URL") or f"http://127.0.0.1:{env('PORT') or '8000'}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "core",
    "network",
    "activities",
    "tours",
    "sessions.apps.KnowledgeSessionsConfig",
    "ratings",
    "feeds",
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
ASGI_APPLICATION = "backend.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# SQLite is the embedded default. IMMEDIATE transactions take the write lock when a
# transaction starts, so two registrations never both read a free seat; the busy timeout
# makes a second writer wait instead of failing with "database is locked".
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", "") or None}
elif env_bool("DATABASE_POOL", False):
    DATABASES["default"]["OPTIONS"] = {"pool": True}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {
            # Redis down must not take pages down: core.cache answers as an empty cache and
            # logs a warning; /health/ still reports the error.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        if env("REDIS_URL")
        # A folder shared by every process on one machine (make demo/serve without Redis).
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR"),
        }
        if env("CACHE_DIR")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["core.auth.UsernameOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = env("LANGUAGE_CODE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = DJANGO_ENV != "production"
WHITENOISE_AUTOREFRESH = DJANGO_ENV != "production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if DJANGO_ENV == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Mail (Django 6.1 mailers). Console output in development unless EMAIL_HOST is set; production
# always uses SMTP (a local MTA on localhost:25 unless EMAIL_HOST says otherwise).
if env("EMAIL_HOST") or DJANGO_ENV == "production":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": int(env("EMAIL_PORT", "587" if env("EMAIL_HOST") else "25")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", bool(env("EMAIL_HOST"))),
                "timeout": 10,
            },
        }
    }
elif env("EMAIL_FILE_PATH"):
    # The demo's mail sink: every mail is a file in this folder (named in the start-up banner).
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env("EMAIL_FILE_PATH")},
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Wijktour <noreply@wijktour.localhost>")

# Background work goes through Django's tasks framework: immediate by default, the database
# backend of django-tasks-db (TASKS_BACKEND=django_tasks_db.DatabaseBackend) with a worker in
# production.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["core.api.ReadOnlyOrCoordinator"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijktour API",
    "DESCRIPTION": "Neighbourhood partner networks, wijktours and kenniscafés.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`: name each choice set instead of letting hashes decide.
    "ENUM_NAME_OVERRIDES": {
        "ActivityStatusEnum": "activities.models.Activity.Status",
        "RegistrationStatusEnum": "activities.models.Registration.Status",
        "RegistrationOutcomeEnum": [("confirmed", "confirmed"), ("waitlisted", "waitlisted")],
    },
}

# Content-Security-Policy: Django's built-in middleware. Maps are rendered with a nonce.
# Inline scripts (folium writes them) carry the per-request nonce; nothing else runs inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Maps. Tiles are the one external request a page makes; point this at your own tile server.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers',
)
# Coordinates must lie in the Netherlands unless this box (south,west,north,east) is widened.
GEO_BOUNDS = tuple(float(v) for v in env_list("GEO_BOUNDS", "50.7,3.2,53.7,7.3"))

# Routing (tours): auto (valhalla where tiles exist, else straight) | valhalla | straight | osrm
ROUTING_PROVIDER = env("ROUTING_PROVIDER", "auto")
ROUTING_DETOUR_FACTOR = float(env("ROUTING_DETOUR_FACTOR", "1.3"))
ROUTING_SPEED_KMH = float(env("ROUTING_SPEED_KMH", "15"))
ROUTING_LEG_BUFFER_MINUTES = int(env("ROUTING_LEG_BUFFER_MINUTES", "5"))
ROUTING_TILES_DIR = Path(env("ROUTING_TILES_DIR", str(BASE_DIR / "var" / "valhalla_tiles")))
ROUTING_VALHALLA_URL = env("ROUTING_VALHALLA_URL", "")
ROUTING_QUIET_STREETS = env_bool("ROUTING_QUIET_STREETS", True)
ROUTING_MAX_SNAP_METRES = float(env("ROUTING_MAX_SNAP_METRES", "150"))
# Create the Valhalla Actor when a web worker starts, so the first compose is not the slow one.
ROUTING_WARM_AT_START = env_bool("ROUTING_WARM_AT_START", True)
ROUTING_OSRM_URL = env("ROUTING_OSRM_URL", "")

# Logs: JSON lines with the request id in production (LOG_FORMAT=json|text), no personal data.
LOG_FORMAT = env("LOG_FORMAT", "json" if DJANGO_ENV == "production" else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Optional error reporting: set SENTRY_DSN (and install sentry-sdk) to send errors to Sentry.
if env("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(dsn=env("SENTRY_DSN"), send_default_pii=False, traces_sample_rate=0.0)

if DJANGO_ENV == "production":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- feeds ---
# Importing partners' own iCalendar feeds. Private, loopback and link-local addresses are
# refused unless FEEDS_IMPORT_ALLOW_PRIVATE (tests and intranet calendars).
FEEDS_IMPORT_MAX_BYTES = int(env("FEEDS_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
FEEDS_IMPORT_HORIZON_DAYS = int(env("FEEDS_IMPORT_HORIZON_DAYS", "90"))
FEEDS_IMPORT_TIMEOUT = float(env("FEEDS_IMPORT_TIMEOUT", "10"))
FEEDS_IMPORT_MAX_REDIRECTS = int(env("FEEDS_IMPORT_MAX_REDIRECTS", "3"))
FEEDS_IMPORT_MAX_EVENTS = int(env("FEEDS_IMPORT_MAX_EVENTS", "2000"))
FEEDS_IMPORT_ALLOW_PRIVATE = env_bool("FEEDS_IMPORT_ALLOW_PRIVATE", False)
# "Save and fetch now" presses per client address ("<count>/<seconds>").
FEEDS_IMPORT_RATE_LIMIT = env("FEEDS_IMPORT_RATE_LIMIT", "10/600")
# The domain in every published UID; keep it fixed if SITE_URL ever changes.
FEEDS_UID_HOST = env("FEEDS_UID_HOST", "")

# --- ratings ---
# Invitations go out this many hours after an activity ended; one reminder after this many
# days; a personal rating link (and an activity's device link) works this many days.
RATINGS_INVITATION_DELAY_HOURS = int(env("RATINGS_INVITATION_DELAY_HOURS", "2"))
RATINGS_REMINDER_DAYS = int(env("RATINGS_REMINDER_DAYS", "4"))
RATINGS_LINK_DAYS = int(env("RATINGS_LINK_DAYS", "30"))
# Rating submissions per client address ("<count>/<seconds>"), counted in the shared cache.
RATINGS_RATE_LIMIT = env("RATINGS_RATE_LIMIT", "120/600")

# --- registration ---
# Reminder mails go out this many days before an activity (`manage.py send_reminders`).
REGISTRATION_REMINDER_DAYS = int(env("REGISTRATION_REMINDER_DAYS", "2"))
# Registration and cancel requests per client address: "<count>/<seconds>", counted in the
# shared cache (set REDIS_URL in production so every process counts together).
# The per-address ceiling is high: a hospital, GP cooperative or municipality office shows one
# public address for all its colleagues. Per e-mail address and per activity come on top.
REGISTRATION_RATE_LIMIT = env("REGISTRATION_RATE_LIMIT", "300/600")
REGISTRATION_EMAIL_RATE_LIMIT = env("REGISTRATION_EMAIL_RATE_LIMIT", "10/600")
REGISTRATION_ACTIVITY_RATE_LIMIT = env("REGISTRATION_ACTIVITY_RATE_LIMIT", "2000/600")
# Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed, e.g.
# "127.0.0.1,10.0.0.0/8". RATE_LIMIT_TRUST_X_FORWARDED_FOR=true believes any sender (only
# when nothing but the proxy can reach the app).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
RATE_LIMIT_TRUST_X_FORWARDED_FOR = env_bool("RATE_LIMIT_TRUST_X_FORWARDED_FOR", False)

# --- privacy ---
# Audit log, retention and data-subject rights (privacy/). The middleware tells the audit
# signals which coordinator made a change.
INSTALLED_APPS += ["privacy"]
MIDDLEWARE += ["privacy.middleware.AuditActorMiddleware"]
# Registrations are anonymised this many months after their activity ended; rating comments
# (comment, most valuable) are cleared this many months after the rating. Grades stay.
RETENTION_REGISTRATION_MONTHS = int(env("RETENTION_REGISTRATION_MONTHS", "12"))
RETENTION_RATING_COMMENT_MONTHS = int(env("RETENTION_RATING_COMMENT_MONTHS", "12"))

# --- operations ---
INSTALLED_APPS += ["ops"]
# A database outage answers 503 with Retry-After (core.errors), also from other middleware.
MIDDLEWARE.insert(1, "core.errors.DatabaseUnavailableMiddleware")
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Anonymous agenda and public feeds come from the shared cache (ops.cache); changes to
# activities invalidate at once, this bounds anything a signal cannot see. 0 turns it off;
# off by default outside production so a developer (and a test) sees every change at once.
PUBLIC_CACHE_SECONDS = int(
    env("PUBLIC_CACHE_SECONDS", "300" if DJANGO_ENV == "production" else "0")
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csp.ContentSecurityPolicyMiddleware"),
    "ops.cache.PublicPageCacheMiddleware",
)
# brotli/gzip for feeds, API and anonymous pages (BREACH: docs/feeds-performance.md); just
# inside whitenoise, which sends static files precompressed at collectstatic.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "ops.compression.CompressionMiddleware",
)
# In production a fresh worker warms up before serving (ops/warmup.py: imports, URLs,
# translations, templates, a few public pages); WARMUP_HOOKS adds dotted paths of functions
# to run then (e.g. loading the routing engine).
WARMUP_ON_START = env_bool("WARMUP_ON_START", DJANGO_ENV == "production")
WARMUP_HOOKS = env_list("WARMUP_HOOKS", "")
# /health/ reports the worker stale (503) when its heartbeat is older than this; the scheduler
# queues a heartbeat every minute.
WORKER_HEARTBEAT_MAX_AGE = int(env("WORKER_HEARTBEAT_MAX_AGE", "300"))

# --- accounts ---
# Sign-in security: django-axes counts failed sign-ins per username *and* client address, so an
# attacker elsewhere cannot lock a user out, and every lockout ends after the cool-off.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "accounts"]
MIDDLEWARE += [
    "accounts.middleware.RequireTwoFactorMiddleware",
    # axes turns its lockout signal into the lockout page; it must come last.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.auth.UsernameOrEmailBackend",
]
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A failure during the lockout must not extend it: the cool-off always ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "accounts.services.client_address"
# Password-reset requests per client address: "<count>/<seconds>", counted in the shared cache.
PASSWORD_RESET_RATE_LIMIT = env("PASSWORD_RESET_RATE_LIMIT", "5/900")
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24)))
# Invitations for new coordinators and partner editors stay valid this many days.
INVITATION_EXPIRY_DAYS = int(env("INVITATION_EXPIRY_DAYS", "7"))
# An administrator sets this to make every coordinator set up two-factor sign-in before /manage/.
REQUIRE_2FA_FOR_COORDINATORS = env_bool("REQUIRE_2FA_FOR_COORDINATORS", False)
OTP_TOTP_ISSUER = "Wijktour"
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.ApiTokenAuthentication",
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
]

# --- impact ---
# Baseline after registration, follow-up surveys, partner-side counts and the funder report
# (impact/, docs/impact.md). Per-workspace waves live in impact.ImpactSettings; these are the
# defaults without a row. Partner counting links go out from this day of the month on.
INSTALLED_APPS += ["impact"]
IMPACT_FOLLOWUP_DAYS = (
    int(env("IMPACT_FIRST_WAVE_DAYS", "28")),
    int(env("IMPACT_SECOND_WAVE_DAYS", "91")),
)
IMPACT_LINK_DAYS = int(env("IMPACT_LINK_DAYS", "21"))
IMPACT_REMINDER_DAYS = int(env("IMPACT_REMINDER_DAYS", "7"))
IMPACT_BASELINE_HOURS = int(env("IMPACT_BASELINE_HOURS", "72"))
# --- outbox (mail delivery) ---
# Every registration mail goes through the outbox: sent once per idempotency key, retried with
# back-off (MAIL_RETRY_BASE_SECONDS doubling, capped at an hour) while the SMTP server is
# away, shown to the coordinator on the activity's attendee page until delivered.
INSTALLED_APPS += ["outbox"]
MAIL_RETRY_ATTEMPTS = int(env("MAIL_RETRY_ATTEMPTS", "10"))
MAIL_RETRY_BASE_SECONDS = int(env("MAIL_RETRY_BASE_SECONDS", "30"))
# A retry this late is treated as lost and queued again by the periodic job.
MAIL_RETRY_GRACE_SECONDS = int(env("MAIL_RETRY_GRACE_SECONDS", "600"))
# Sent and given-up mails (addresses, subjects) are forgotten after this many days.
OUTBOX_KEEP_DAYS = int(env("OUTBOX_KEEP_DAYS", "30"))
# A mail the SMTP server accepted is recorded as sent for up to this long while the database
# is away (so a retry never sends it twice).
MAIL_RECORD_SECONDS = int(env("MAIL_RECORD_SECONDS", "60"))
# A task RUNNING this long belonged to a worker that died; the periodic job queues it again.
TASK_STALE_SECONDS = int(env("TASK_STALE_SECONDS", "900"))
# --- changes: notices for published activities (docs/changes.md) ---
INSTALLED_APPS += ["changes"]
# --- accreditation ---
# Accreditation per registry, registry numbers, presence lists and certificates.
INSTALLED_APPS += ["accreditation"]
# Someone checked in this long after the start still counts from the start (the door is busy).
ACCREDITATION_LATE_GRACE_MINUTES = int(env("ACCREDITATION_LATE_GRACE_MINUTES", "15"))
# Attendance of accredited activities closes by itself this many days after they ended
# (`manage.py issue_certificates`, run by run_periodic_jobs); certificates are mailed then.
ACCREDITATION_AUTO_CLOSE_DAYS = int(env("ACCREDITATION_AUTO_CLOSE_DAYS", "1"))
# Optional PE-online/GAIA presence webservice per workspace, with the customer's own
# credentials: a JSON object {"<workspace slug>": {"url": ..., "user_id": ..., "user_key": ...,
# "org_id": ...}}. Empty: presence is pasted or uploaded by hand.
ACCREDITATION_PE_ONLINE = env("ACCREDITATION_PE_ONLINE", "{}")
ACCREDITATION_PE_ONLINE_TIMEOUT = float(env("ACCREDITATION_PE_ONLINE_TIMEOUT", "20"))
# --- open data (HSDS) ---
# The sociale kaart as Open Referral HSDS 3.0: export, import, /api/hsds/, partner reviews.
INSTALLED_APPS += ["opendata"]
# Partners' contacts who opted in are asked to check their entry this often (months).
PARTNER_REVIEW_MONTHS = int(env("PARTNER_REVIEW_MONTHS", "6"))
# A review link works this many days.
PARTNER_REVIEW_LINK_DAYS = int(env("PARTNER_REVIEW_LINK_DAYS", "30"))
# HSDS files larger than this (bytes) are refused by the import.
HSDS_IMPORT_MAX_BYTES = int(env("HSDS_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# --- home: the top floor (dashboard, demo seed); it composes every app above core ---
INSTALLED_APPS += ["home"]
