"""IP Portal settings: one module, configured from the environment.

With nothing set the portal runs embedded: SQLite, and Celery tasks executed in-process, or, under
`make run` (EMBEDDED_WORKER=1), by a real worker and beat on a broker of plain files.
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
import holidays
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value in (None, "") else float(value)


DEBUG = env_bool("DEBUG", True)
# Django's debug pages for 404 and 500 (tracebacks, settings) instead of the portal's own, for a
# developer who wants them; off, `make run` shows people what production shows.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise RuntimeError("Set SECRET_KEY when DEBUG is off.")
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "common",
    "audit",
    "accounts",
    "evidence",
    "registry",
    "listings",
    "notifications",
    "complaints",
    "review",
    "webhooks",
    "actions",
    "suspensions",
    "decisions",
    "appeals",
    "counter_notices",
    "sellers",
    "reporters",
    "monitoring",
    "transparency",
    "certificates",
    "enforcement",  # migrations only (see enforcement/apps.py)
    "ipportal",  # the project: the demo data command
]

MIDDLEWARE = [
    "common.middleware.ErrorPagesMiddleware",  # the portal's 404/500 pages under DEBUG too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.RequestBoundsMiddleware",  # body size, NUL characters, 64-bit ids
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ipportal.urls"
FORM_RENDERER = "ipportal.forms.PortalRenderer"
WSGI_APPLICATION = "ipportal.wsgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A connection kept open is checked before its first use in each request or task, so a
        # database restart costs one reconnect, not a failed request.
        conn_health_checks=True,
    )
}
# SQLite (embedded) is written by the web server's threads, the worker and beat at once. Out of the
# box that answers "database is locked": a transaction that reads then writes (most of them: a
# claim, a decision) holds a read lock it cannot upgrade while another writes, and SQLite gives up
# at once rather than wait. So: BEGIN IMMEDIATE takes the write lock when the transaction starts and
# waits up to `timeout` seconds for it; WAL lets reads go on beside the one writer; synchronous=NORMAL
# is WAL's usual durability (a power cut may lose the last commits, never corrupt the file).
# bench/sqlite_concurrency.py measures the difference; tests/ipportal/test_sqlite_concurrency.py
# guards it. journal_mode=WAL says "memory" and changes nothing on the tests' in-memory database.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_float("SQLITE_TIMEOUT", 20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Evidence uploads (evidence app): stored in MEDIA_ROOT/evidence/, served only through access-checked
# views, never as static or media URLs. "Owner" is the record holding the files (a report).
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_OWNER_BYTES = env_int("EVIDENCE_MAX_OWNER_BYTES", 50 * 1024 * 1024)
EVIDENCE_MAX_OWNER_FILES = env_int("EVIDENCE_MAX_OWNER_FILES", 20)
# Decompression-bomb bounds, checked from the image header before any pixel is decoded.
EVIDENCE_MAX_IMAGE_SIDE = env_int("EVIDENCE_MAX_IMAGE_SIDE", 10_000)
EVIDENCE_MAX_IMAGE_PIXELS = env_int("EVIDENCE_MAX_IMAGE_PIXELS", 40_000_000)
# Request bodies (common.middleware.RequestBoundsMiddleware answers 413 above these). 16 MB: the
# largest call, a bulk ingest of 1,000 listings at their field limits (10,000-character
# descriptions), is about 11 MB of JSON. Uploads: the most one report may carry, plus the form.
REQUEST_MAX_BODY_BYTES = env_int("REQUEST_MAX_BODY_BYTES", 16 * 1024 * 1024)
REQUEST_MAX_UPLOAD_BYTES = env_int("REQUEST_MAX_UPLOAD_BYTES", EVIDENCE_MAX_OWNER_BYTES + 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES  # form fields and JSON read into memory
# Copyright certificates (docs/certificates.md): the log's Ed25519 key (base64 of the raw 32-byte
# private key); embedded (no DATABASE_URL) and unset, one is generated into the key file.
CERTIFICATES_LOG_KEY = env_str("CERTIFICATES_LOG_KEY")
CERTIFICATES_LOG_KEY_FILE = Path(env_str("CERTIFICATES_LOG_KEY_FILE",
                                         str(BASE_DIR / "var" / "certificates" / "log_key")))
CERTIFICATES_EMBEDDED_KEY = not env_str("DATABASE_URL")
CERTIFICATES_MAX_FILE_BYTES = env_int("CERTIFICATES_MAX_FILE_BYTES", 20 * 1024 * 1024)
CERTIFICATES_IMAGE_NEAR_BITS = env_int("CERTIFICATES_IMAGE_NEAR_BITS", 10)  # pHash bits of 64
CERTIFICATES_TEXT_NEAR_BITS = env_int("CERTIFICATES_TEXT_NEAR_BITS", 7)  # SimHash bits of 64

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IP Portal <no-reply@ipportal.local>")

# Celery. CELERY_BROKER_URL (Redis) names the broker of real workers. Without one the portal is
# embedded, and tasks run one of two ways:
# - EMBEDDED_WORKER=1 (set by Procfile.embedded, which `make run` starts for web, worker and beat):
#   a real worker and beat on Kombu's filesystem transport, each message a file under
#   EMBEDDED_WORKER_DIR/broker. No server to install; beat's periodic tasks run as with Redis.
#   docs/operations.md says why this transport rather than SQLAlchemy's or a scheduler in-process.
# - otherwise (tests, manage.py commands such as seed_demo, a bare runserver): eagerly in-process,
#   right after the commit that queued them; nothing periodic runs.
EMBEDDED_WORKER = env_bool("EMBEDDED_WORKER", False)
EMBEDDED_WORKER_DIR = Path(env_str("EMBEDDED_WORKER_DIR", str(BASE_DIR / "var" / "embedded")))
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
if EMBEDDED_WORKER and CELERY_BROKER_URL:
    raise ValueError("EMBEDDED_WORKER is for embedded mode, without CELERY_BROKER_URL: unset one of them")
if EMBEDDED_WORKER:
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is unused; naming one spares a warning per connection
    _queue_folder = EMBEDDED_WORKER_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder both ways: every process publishes to it and the worker reads from it.
        "data_folder_in": str(_queue_folder),
        "data_folder_out": str(_queue_folder),
        "control_folder": str(EMBEDDED_WORKER_DIR / "control"),  # exchange bindings (default: ./control)
        "polling_interval": 0.5,  # seconds between looks at an empty folder
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(EMBEDDED_WORKER_DIR / "celerybeat-schedule")
    # Kombu creates none of these; every process that may publish makes sure they exist.
    _queue_folder.mkdir(parents=True, exist_ok=True)
    (EMBEDDED_WORKER_DIR / "control").mkdir(exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "ipportal")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes every database connection before and after each task unless this
# is set: a new PostgreSQL backend per task (per chunk, per webhook delivery). With it set this
# high it never does; ipportal.celery closes connections around tasks the way Django does around
# requests instead (broken ones, or older than DB_CONN_MAX_AGE).
CELERY_DB_REUSE_MAX = 1_000_000_000
# Audit entries are written unlinked and linked into the hash chain in commit order: by the beat
# task every AUDIT_LINK_SECONDS when workers run (the embedded worker too), or right after each
# commit when tasks run eagerly (no beat then). The seconds are how long an entry can wait outside the chain.
AUDIT_LINK_SECONDS = env_int("AUDIT_LINK_SECONDS", 5)
AUDIT_LINK_AFTER_COMMIT = CELERY_TASK_ALWAYS_EAGER
# Audit signatures (audit.signing): the key the database never holds. Set AUDIT_SIGNING_KEY in
# production; unset, a key is generated once in the file below. The signed head is also published
# to AUDIT_CHECKPOINT_FILE ("" to not publish), outside the database.
AUDIT_SIGNING_KEY = env_str("AUDIT_SIGNING_KEY", "")
AUDIT_SIGNING_KEY_FILE = Path(env_str("AUDIT_SIGNING_KEY_FILE", str(BASE_DIR / "var" / "audit-signing.key")))
AUDIT_CHECKPOINT_FILE = env_str("AUDIT_CHECKPOINT_FILE", str(BASE_DIR / "var" / "audit-checkpoint.json"))

CELERY_BEAT_SCHEDULE = {
    "link-pending-audit-entries": {
        "task": "audit.tasks.link_pending_entries",
        "schedule": float(AUDIT_LINK_SECONDS),
        "options": {"expires": float(AUDIT_LINK_SECONDS)},  # workers down: don't pile these up
    },
    "requeue-stale-enforcement-actions": {
        "task": "enforcement.tasks.requeue_stale_actions",
        "schedule": 60.0,
    },
    "expire-ip-rights": {
        "task": "registry.tasks.expire_rights",
        "schedule": crontab(hour=0, minute=10),  # shortly after midnight UTC: the day's expiries
    },
    "requeue-stale-report-jobs": {
        "task": "decisions.tasks.requeue_stale_report_jobs",
        "schedule": 60.0,
    },
    "compute-good-faith-lanes": {
        "task": "enforcement.tasks.compute_good_faith_lanes",
        "schedule": crontab(hour=1, minute=0),  # daily: each brand's 90-day accuracy and lane
    },
    "purge-unattached-evidence": {
        "task": "evidence.tasks.purge_unattached_evidence",
        "schedule": 24 * 3600.0,
    },
    "requeue-unsent-notifications": {
        "task": "enforcement.tasks.requeue_unsent_notifications",
        "schedule": 60.0,
    },
    "sweep-webhook-deliveries": {
        "task": "enforcement.webhooks.tasks.sweep_webhook_deliveries",
        "schedule": 15.0,
    },
    "release-expired-claims": {
        "task": "complaints.tasks.release_expired_claims",
        "schedule": 60.0,
    },
    # Counter-notices whose court-action deadline passed: reinstate (hourly, so a restart or a
    # missed run delays a reinstatement by at most an hour, never past the statutory 14 days).
    "reinstate-counter-noticed-listings": {
        "task": "enforcement.tasks.reinstate_counter_noticed",
        "schedule": 3600.0,
    },
    "evaluate-notifier-misuse": {
        "task": "complaints.tasks.evaluate_notifier_misuse",
        "schedule": crontab(hour=1, minute=30),
    },
    "expire-info-requests": {
        "task": "complaints.tasks.expire_info_requests",
        "schedule": 300.0,
    },
    "resume-stale-rechecks": {
        "task": "monitoring.tasks.resume_stale_rechecks",
        "schedule": 120.0,
    },
    "record-and-submit-statements": {
        "task": "transparency.tasks.submit_statements",
        "schedule": 300.0,
    },
    "compute-transparency-snapshots": {
        "task": "transparency.tasks.compute_snapshots",
        "schedule": crontab(hour=2, minute=15),
    },
}
# The certificate log's tree head when it has grown (registration signs one per entry; this is the net).
CELERY_BEAT_SCHEDULE["publish-certificate-log-sth"] = {
    "task": "certificates.tasks.publish_sth", "schedule": 60.0, "options": {"expires": 60.0},
}
# An action still pending/running this long after its last attempt is re-queued by the sweep.
ENFORCEMENT_STALE_SECONDS = env_int("ENFORCEMENT_STALE_SECONDS", 120)
REVIEW_CLAIM_MINUTES = env_int("REVIEW_CLAIM_MINUTES", 30)
# Listings per re-check task after a brand changes its protection rules (monitoring).
MONITORING_RECHECK_CHUNK = env_int("MONITORING_RECHECK_CHUNK", 500)
# A reviewer holds at most this many live claims; claim-next refuses beyond it.
REVIEW_MAX_OPEN_CLAIMS = env_int("REVIEW_MAX_OPEN_CLAIMS", 5)
# SLA per review lane (complaints.models.Priority), in hours from the case's creation to a decision.
REVIEW_SLA_HOURS = {
    0: env_int("REVIEW_SLA_TRUSTED_HOURS", 4),
    1: env_int("REVIEW_SLA_VERIFIED_HOURS", 24),
    2: env_int("REVIEW_SLA_OTHER_HOURS", 72),
    # A right described in the report, never checked: the reviewer weighs its existence as well.
    3: env_int("REVIEW_SLA_UNREGISTERED_HOURS", 120),
}
# The queue's per-filter counts scan the whole backlog; they are cached this long (0: never).
REVIEW_QUEUE_COUNTS_SECONDS = env_int("REVIEW_QUEUE_COUNTS_SECONDS", 15)

# Due process for sellers (counter_notices.services, appeals.services).
# DSA Art. 20: appeals stay open at least six months after the decision.
APPEAL_WINDOW_DAYS = env_int("APPEAL_WINDOW_DAYS", 183)
# Business days (common.business_days) the rights holder has after a counter-notice to show
# a court action; the listing is reinstated on the next business day (DMCA: 10 to 14).
COUNTER_NOTICE_COURT_DAYS = env_int("COUNTER_NOTICE_COURT_DAYS", 10)
COUNTER_NOTICE_REINSTATE_DAYS = env_int("COUNTER_NOTICE_REINSTATE_DAYS", 11)
# Trademark, design, patent counter-notices: business days the rights holder has to answer before a
# senior reviewer decides (no automatic restoration).
COUNTER_NOTICE_ANSWER_DAYS = env_int("COUNTER_NOTICE_ANSWER_DAYS", 10)
# Public holidays the business-day calendar skips besides weekends: those of the `holidays` package
# for BUSINESS_HOLIDAYS_COUNTRY (ISO 3166-1 alpha-2; empty: none) and its optional
# BUSINESS_HOLIDAYS_SUBDIVISION (a state or region, e.g. "CA" in the US, "BY" in DE), for any year,
# observed days included. BUSINESS_HOLIDAYS adds to them: ISO dates, comma-separated in the
# environment, for a closure the package does not know. It adds only; it cannot make one of the
# package's holidays a business day (for a calendar of these dates alone, set the country empty).
BUSINESS_HOLIDAYS_COUNTRY = env_str("BUSINESS_HOLIDAYS_COUNTRY", "US")
BUSINESS_HOLIDAYS_SUBDIVISION = env_str("BUSINESS_HOLIDAYS_SUBDIVISION", "")
if BUSINESS_HOLIDAYS_COUNTRY:
    try:  # Checked here so a typo stops the start, not the first counter-notice.
        holidays.country_holidays(BUSINESS_HOLIDAYS_COUNTRY, subdiv=BUSINESS_HOLIDAYS_SUBDIVISION or None)
    except NotImplementedError as error:
        raise ValueError(f"BUSINESS_HOLIDAYS_COUNTRY / BUSINESS_HOLIDAYS_SUBDIVISION: {error}") from None
elif BUSINESS_HOLIDAYS_SUBDIVISION:
    raise ValueError("BUSINESS_HOLIDAYS_SUBDIVISION needs BUSINESS_HOLIDAYS_COUNTRY")
BUSINESS_HOLIDAYS = [d for d in env_str("BUSINESS_HOLIDAYS", "").split(",") if d.strip()]

# Reporter sanctions (complaints/sanctions.py). A reporter or brand with at least
# NOTIFIER_MIN_DECIDED decided cases is proposed a warning when more than NOTIFIER_UNFOUNDED_SHARE
# of them were rejected as unfounded, or more than NOTIFIER_REVERSED_SHARE of its takedowns were
# reversed on appeal; with a confirmed warning still past a threshold, a suspension. A senior
# reviewer confirms each step.
NOTIFIER_MIN_DECIDED = env_int("NOTIFIER_MIN_DECIDED", 10)
NOTIFIER_UNFOUNDED_SHARE = env_float("NOTIFIER_UNFOUNDED_SHARE", 0.5)
NOTIFIER_REVERSED_SHARE = env_float("NOTIFIER_REVERSED_SHARE", 0.3)
# Bulk enforcement: actions per chunk task (one SQL statement per chunk for the listings).
ENFORCEMENT_CHUNK_SIZE = env_int("ENFORCEMENT_CHUNK_SIZE", 1000)
# Strikes: one per decision event (a report decided for all its listings at once is one) counts
# against the seller this long; at this many active strikes
# the system proposes a suspension to the senior reviewers.
STRIKE_EXPIRY_DAYS = env_int("STRIKE_EXPIRY_DAYS", 365)
STRIKE_SUSPENSION_THRESHOLD = env_int("STRIKE_SUSPENSION_THRESHOLD", 3)

# Marketplace webhooks (webhooks.services). Every call has both timeouts; failures are retried
# with exponential backoff + jitter (base doubling up to the cap) until the window ends.
WEBHOOK_CONNECT_TIMEOUT = env_float("WEBHOOK_CONNECT_TIMEOUT", 5)
WEBHOOK_READ_TIMEOUT = env_float("WEBHOOK_READ_TIMEOUT", 10)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)
WEBHOOK_RETRY_WINDOW_SECONDS = env_int("WEBHOOK_RETRY_WINDOW_SECONDS", 3 * 24 * 3600)
# A queued or in-flight attempt holds its row this long; then the sweep may queue it again.
# Longer than the delivery task's hard time limit (45 s).
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 120)
WEBHOOK_SWEEP_BATCH = env_int("WEBHOOK_SWEEP_BATCH", 50)
# After a rotation the previous secret also signs for this long.
WEBHOOK_SECRET_GRACE_SECONDS = env_int("WEBHOOK_SECRET_GRACE_SECONDS", 24 * 3600)
# Plain http:// receivers only in development.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
# Outbound requests (common.outbound) never reach private, link-local or reserved addresses;
# loopback only when this is on: development, a receiver on 127.0.0.1.
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IP Portal API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files: the portal must work without reaching a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "listings.models.ListingStatus",
        "EndpointStatusEnum": "webhooks.models.EndpointStatus",
        "DeliveryStatusEnum": "webhooks.models.DeliveryStatus",
        "RightKindEnum": "registry.models.RightKind",
    },
    "DESCRIPTION": ("The IP Portal's REST API: rights holders file and follow reports in bulk; the marketplace "
                    "pushes listings and receives signed webhooks.\n\n**Authentication**: send "
                    "`Authorization: Token <your token>` (from the API token page). Another party's object "
                    "answers 404; invalid input answers 400 with one list of messages per field."),
}

# DSA Transparency Database (transparency/): submission is off while DSA_TDB_URL is empty.
DSA_TDB_URL = env_str("DSA_TDB_URL", "")
DSA_TDB_TOKEN = env_str("DSA_TDB_TOKEN", "")
DSA_TDB_TIMEOUT = env_float("DSA_TDB_TIMEOUT", 30.0)
DSA_PUID_PREFIX = env_str("DSA_PUID_PREFIX", "ipportal")
# Where a decision applies when it names no territory: the EEA (the portal removes "in all regions").
DSA_TERRITORIAL_SCOPE = [c for c in env_str("DSA_TERRITORIAL_SCOPE", "").split(",") if c]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
