"""IP Portal settings: one module, configured from the environment.

With nothing set the portal runs embedded: SQLite, and Celery tasks executed in-process, or, under
`make run` (EMBEDDED_WORKER=1), by a real worker and beat on a broker of plain files.
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import holidays
from celery.schedules import crontab
from kombu import Exchange, Queue

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


# Off unless asked for: `make run`, `make web` and Procfile.embedded turn it on (and the tests, through
# tests/_debug_env.py). A production start that forgets it gets no tracebacks, settings or SQL on a 500.
DEBUG = env_bool("DEBUG", False)
# Django's debug pages for 404 and 500 (tracebacks, settings) instead of the portal's own, for a
# developer who wants them; off, `make run` shows people what production shows.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise RuntimeError("Set SECRET_KEY when DEBUG is off.")
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# HTTPS in production (`manage.py check --deploy` is clean with docs/operations.md's settings; a test
# runs it). Each follows DEBUG unless set: on in production, off in development over plain http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a proxy that terminates TLS: the header saying the request came over https, e.g.
# "HTTP_X_FORWARDED_PROTO" (the proxy must overwrite it, never pass a client's through).
if env_str("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (env_str("SECURE_PROXY_SSL_HEADER"), "https")
# One year, subdomains included: browsers refuse plain http to the portal for that long after a visit.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to https in browsers' built-in lists for months: the operator's
# call, off unless set, so its check (W021) is silenced rather than decided here.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# A session lasts this long after its last save (Django's default, two weeks) for rights holders and
# sellers; staff (reviewers, seniors, admins), who take listings down, are logged out after
# STAFF_SESSION_IDLE_SECONDS without a request (accounts.middleware.StaffIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

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
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "legal",
    "imagery",
    "enforcement",  # migrations only (see enforcement/apps.py)
    "ipportal",  # the project: the demo data command
]

MIDDLEWARE = [
    "common.middleware.ErrorPagesMiddleware",  # the portal's 404/500 pages under DEBUG too
    "django.middleware.security.SecurityMiddleware",
    "common.openapi_errors.ApiErrorsAsJsonMiddleware",  # an /api/ 404 or 500 answers JSON, not a page
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "common.middleware.RequestBoundsMiddleware",  # body size, NUL characters, 64-bit ids
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor this session
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # staff enrol and verify TOTP before any page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out login (accounts.views.login_locked_out)
]
# django-axes first: a locked-out account+address is refused before its password is even checked.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Content-Security-Policy (django-csp): scripts, styles, images and forms from the portal only; no
# inline script or style attribute (static/js/portal.js holds what templates did inline), no plugins,
# no framing. data: images for Swagger UI's icons; the certificate QR code is inline SVG markup.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"

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
            # One date format everywhere people read dates (common.dates).
            "builtins": ["common.templatetags.dates", "accounts.templatetags.people"],
        },
    },
]

# Django's development server (`make run`, `make web`) serves each request on a new thread, and a
# kept connection belongs to its thread: with DB_CONN_MAX_AGE > 0 every request left a PostgreSQL
# connection open until its age ran out, and a burst of requests used up max_connections. There,
# connections close after each request unless DB_CONN_MAX_AGE is set explicitly.
_RUNSERVER = len(sys.argv) > 1 and sys.argv[1] == "runserver"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if _RUNSERVER else 60),
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
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused for AXES_COOLOFF_MINUTES (429 with Retry-After), even with the right
# password. Per account and address together, so a stranger cannot lock a reviewer out from elsewhere;
# guessing from many addresses meets the per-address limit on every form (RATE_LIMITS "login_ip").
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_VERBOSE = False
# Two-factor authentication (django-otp, TOTP, accounts/otp.py): required of reviewers, senior
# reviewers and admins (they enrol at their first login), optional for everyone else. `make run`
# turns it off so the demo's staff accounts log in with their password alone.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "IP Portal")
OTP_RECOVERY_CODES = 10
# API tokens (accounts/tokens.py): stored as SHA-256 hashes, shown once, expire after this many days.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
# Rate limits, "<count>/<second|minute|hour|day>" (common/ratelimit.py; 429 with Retry-After). The
# counters live in the shared cache (CACHES below: Redis in production), so every process counts together.
RATE_LIMITS = {
    # The API, per token (DRF throttles): 20 calls a second sustained is 20,000 listings a second in
    # bulk ingest; the marketplace's pushes and a brand's scripts stay far below it.
    "api": env_str("RATE_API", "1200/minute"),
    "api_anon": env_str("RATE_API_ANON", "60/minute"),
    # Reports filed, per reporter, form and API together: a report carries up to 300 listings (more
    # through the API), so 120 an hour is 36,000 listings; a script gone wrong stops within minutes.
    "report_filing": env_str("RATE_REPORT_FILING", "120/hour"),
    # Requests carrying files, per user (every upload form): a report takes 20 files, so this is a
    # busy hour's work, and at 10 MB a file it bounds what one account can store in an hour.
    "uploads": env_str("RATE_UPLOADS", "60/hour"),
    # Password-reset mails: per address asking, and per e-mail address asked about.
    "password_reset_ip": env_str("RATE_PASSWORD_RESET_IP", "10/hour"),
    "password_reset_email": env_str("RATE_PASSWORD_RESET_EMAIL", "3/hour"),
    # Login attempts from one address whatever the username (axes counts per username and address).
    "login_ip": env_str("RATE_LOGIN_IP", "30/10minute"),
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The `date` filter without a format, the admin and widgets: the project's formats (common.dates).
FORMAT_MODULE_PATH = ["ipportal.formats"]
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
# Uploads one user holds that no record took yet (forms in progress or abandoned, purged after a day):
# two full reports' worth, so a reporter can prepare two at once, and no more (evidence.services).
EVIDENCE_MAX_UNATTACHED_BYTES = env_int("EVIDENCE_MAX_UNATTACHED_BYTES", 2 * EVIDENCE_MAX_OWNER_BYTES)
EVIDENCE_MAX_UNATTACHED_FILES = env_int("EVIDENCE_MAX_UNATTACHED_FILES", 2 * EVIDENCE_MAX_OWNER_FILES)
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
# Legal action (legal/): evidence packages are ZIPs under MEDIA_ROOT/packages/, signed with the
# certificate log's Ed25519 key; their download link lasts LEGAL_PACKAGE_LINK_HOURS, a share link
# for an external recipient LEGAL_SHARE_LINK_HOURS and one download.
LEGAL_PACKAGE_LINK_HOURS = env_int("LEGAL_PACKAGE_LINK_HOURS", 72)
LEGAL_SHARE_LINK_HOURS = env_int("LEGAL_SHARE_LINK_HOURS", 72)
LEGAL_PACKAGE_CHUNK = env_int("LEGAL_PACKAGE_CHUNK", 500)  # cases read and written per step
LEGAL_PDF_MAX_CASES = env_int("LEGAL_PDF_MAX_CASES", 100)  # rows in the PDF; the rest are in the files
LEGAL_PACKAGE_STALE_SECONDS = env_int("LEGAL_PACKAGE_STALE_SECONDS", 600)  # no progress for this long: queued again
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
# Listing changes pushed to Redis Streams (listings.stream, docs/ingest.md): the Redis that holds
# them (its own, with appendonly yes, in production) and how many partitions (streams) producers
# and consumers share.
INGEST_STREAM_URL = env_str("INGEST_STREAM_URL", CELERY_BROKER_URL)
INGEST_STREAM_PARTITIONS = env_int("INGEST_STREAM_PARTITIONS", 8)
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
# The cache every web and worker process shares (the review queue's counts, written by a worker,
# read by the pages; the rate limits' counters): Redis when CACHE_URL or REDIS_URL names one, or the
# broker is Redis; the embedded worker's folder in embedded mode (web and worker are two processes);
# in-process memory otherwise (tests, manage.py, a bare runserver: tasks run in-process, so one
# process is all there is).
_BROKER_REDIS = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
REDIS_URL = env_str("CACHE_URL", "") or env_str("REDIS_URL", "") or _BROKER_REDIS
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "ipportal"}}
elif EMBEDDED_WORKER:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(EMBEDDED_WORKER_DIR / "cache")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "ipportal")
# Lanes: work that cannot wait never queues behind work that can. Each task goes to the queue of
# its lane, "<CELERY_QUEUE>.<lane>" (ipportal.celery.route_to_lane, which reads the default queue
# when it publishes, so a test or bench that points it elsewhere takes every lane along); the
# Procfile runs a worker per lane. A worker started without -Q consumes every lane and the default
# queue (messages queued before the lanes, or by a task no lane names): `make worker`, the
# embedded worker. tests/ipportal/test_task_lanes.py fails on a task no lane names.
TASK_LANES = {
    # Listing changes checked against the protection rules (and the suppressions they open).
    "rules": ("monitoring.tasks.check_listings", "monitoring.tasks.recheck_chunk",
              "monitoring.tasks.resume_stale_rechecks"),
    # Takedowns and reinstatements reaching the marketplace, report-wide decisions, their sweeps.
    "enforcement": ("enforcement.tasks.apply_action", "enforcement.tasks.apply_action_chunk",
                    "enforcement.tasks.decide_report_cases", "enforcement.tasks.requeue_stale_actions",
                    "decisions.tasks.requeue_stale_report_jobs", "enforcement.tasks.reinstate_counter_noticed"),
    # Telling people and the marketplace: e-mails and signed webhooks, with their sweeps.
    "notifications": ("enforcement.tasks.send_notification", "enforcement.tasks.requeue_unsent_notifications",
                      "enforcement.webhooks.tasks.deliver_webhook",
                      "enforcement.webhooks.tasks.sweep_webhook_deliveries"),
    # Everything periodic that may run late: audit linking, purges, snapshots, daily figures.
    "housekeeping": ("audit.tasks.link_pending_entries", "certificates.tasks.publish_sth",
                     "complaints.tasks.evaluate_notifier_misuse", "complaints.tasks.expire_info_requests",
                     "complaints.tasks.release_expired_claims", "enforcement.tasks.compute_good_faith_lanes",
                     "evidence.tasks.purge_unattached_evidence", "registry.tasks.expire_rights",
                     "transparency.tasks.compute_snapshots", "transparency.tasks.submit_statements",
                     "review.tasks.refresh_queue_counts",
                     # Evidence packages (legal/): long builds that must never hold up a takedown or a mail.
                     "legal.tasks.build_package", "legal.tasks.requeue_stale_packages",
                     "legal.tasks.delete_expired_packages",
                     # Listing pictures fetched from the marketplace (imagery/): slow hosts wait here,
                     # never ahead of a rule check; a fetched picture's check goes to the rules lane.
                     "imagery.tasks.fetch_listing_image", "imagery.tasks.fetch_listing_images",
                     "imagery.tasks.retry_due_fetches"),
}
CELERY_TASK_ROUTES = ("ipportal.celery.route_to_lane",)
# What a worker without -Q consumes: the default queue and every lane's.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in
                      [CELERY_TASK_DEFAULT_QUEUE, *(f"{CELERY_TASK_DEFAULT_QUEUE}.{lane}" for lane in TASK_LANES)]]
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
    "requeue-stale-evidence-packages": {
        "task": "legal.tasks.requeue_stale_packages",
        "schedule": 120.0,
    },
    # Evidence package ZIPs past their link's expiry (LEGAL_PACKAGE_LINK_HOURS) are deleted hourly.
    "delete-expired-evidence-packages": {
        "task": "legal.tasks.delete_expired_packages",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
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
# Listing images whose fetch failed and is due again, or whose message was lost (imagery).
CELERY_BEAT_SCHEDULE["retry-listing-image-fetches"] = {
    "task": "imagery.tasks.retry_due_fetches", "schedule": 60.0, "options": {"expires": 60.0},
}
# An action still pending/running this long after its last attempt is re-queued by the sweep.
ENFORCEMENT_STALE_SECONDS = env_int("ENFORCEMENT_STALE_SECONDS", 120)
REVIEW_CLAIM_MINUTES = env_int("REVIEW_CLAIM_MINUTES", 30)
# Watched terms and suppress mode are claims (registry/rule_claims.py). A term is a variant of a
# verified mark within this many edits (1 for marks of 5 characters or fewer: ACME→AKME, not ACNE→ACTS),
# else a reviewer approves it. A suppress-mode rule that would restrict more than this many listings
# (estimated at save time) waits for a reviewer and only flags until then: 25 is more than a brand's
# typical counterfeit sweep of one seller, far fewer than the 131 unrelated listings one save hid.
WATCHED_TERM_MAX_EDITS = env_int("WATCHED_TERM_MAX_EDITS", 2)
PROTECTION_SUPPRESS_REVIEW_LISTINGS = env_int("PROTECTION_SUPPRESS_REVIEW_LISTINGS", 25)
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
# The queue's per-filter counts scan the whole backlog: beat recounts them every this many seconds
# into the shared cache (review.queue.queue_counts_refresh); pages only read them, and show their
# age. Kept this long, so a page shows counts "updating" only when beat or the workers stopped.
REVIEW_QUEUE_COUNTS_SECONDS = env_int("REVIEW_QUEUE_COUNTS_SECONDS", 15)
REVIEW_QUEUE_COUNTS_KEEP_SECONDS = env_int("REVIEW_QUEUE_COUNTS_KEEP_SECONDS", 600)
CELERY_BEAT_SCHEDULE["refresh-review-queue-counts"] = {
    "task": "review.tasks.refresh_queue_counts", "schedule": float(max(REVIEW_QUEUE_COUNTS_SECONDS, 1)),
    "options": {"expires": float(max(REVIEW_QUEUE_COUNTS_SECONDS, 1))},  # workers down: don't pile these up
}

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
# Public forms (sign-up, open notices; common/ratelimit.py): a post sooner than this after the form
# was shown is taken for a bot.
FORM_MIN_SECONDS = env_int("FORM_MIN_SECONDS", 3)
# Signed one-time links from the marketplace's seller console (listings/seller_accounts.py): the shared
# HMAC key (unset: such links are refused) and how long one lives.
SELLER_LINK_SECRET = env_str("SELLER_LINK_SECRET")
SELLER_LINK_MAX_AGE = env_int("SELLER_LINK_MAX_AGE", 900)
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

# Listing images (imagery): fetched by a worker through common.outbound (no redirects, no private
# addresses); pixels bounded by EVIDENCE_MAX_IMAGE_SIDE / _PIXELS, checked from the header.
IMAGERY_ALLOW_HTTP = env_bool("IMAGERY_ALLOW_HTTP", WEBHOOK_ALLOW_HTTP)
IMAGERY_MAX_IMAGE_BYTES = env_int("IMAGERY_MAX_IMAGE_BYTES", 8 * 1024 * 1024)
IMAGERY_MAX_IMAGES_PER_LISTING = env_int("IMAGERY_MAX_IMAGES_PER_LISTING", 10)
IMAGERY_FETCH_TIMEOUT_SECONDS = env_int("IMAGERY_FETCH_TIMEOUT_SECONDS", 10)
IMAGERY_FETCH_MAX_ATTEMPTS = env_int("IMAGERY_FETCH_MAX_ATTEMPTS", 5)
IMAGERY_FETCH_BACKOFF_SECONDS = env_int("IMAGERY_FETCH_BACKOFF_SECONDS", 60)  # then x4 per attempt
# Hamming distances that count as the same picture (bench/image_match_bench.py measures them).
# Of 64 pHash bits, for candidates: at most 7 keeps the index's probes within one bit per chunk.
IMAGERY_MATCH_BITS = env_int("IMAGERY_MATCH_BITS", 7)
IMAGERY_PDQ_VERIFY_BITS = env_int("IMAGERY_PDQ_VERIFY_BITS", 80)  # of 256 PDQ bits: a candidate confirmed
IMAGERY_PDQ_MATCH_BITS = env_int("IMAGERY_PDQ_MATCH_BITS", 31)  # of 256 PDQ bits: marketplace PDQ hashes
IMAGERY_SEARCH_BITS = env_int("IMAGERY_SEARCH_BITS", 11)  # search by image: a little wider, ranked
IMAGERY_TITLE_BITS = env_int("IMAGERY_TITLE_BITS", 6)  # of 64 title SimHash bits (re-listings)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Per token (the user holding it): RATE_LIMITS "api"; anonymous calls per address. 429 + Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["common.ratelimit.ApiUserThrottle", "common.ratelimit.ApiAnonThrottle"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IP Portal API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation's error answers (401/403/404/413/429, and 400's field messages): common/openapi.py.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "common.openapi.error_responses"],
    # Swagger UI from our own static files: the portal must work without reaching a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ListingStatusEnum": "listings.models.ListingStatus",
        "EndpointStatusEnum": "webhooks.models.EndpointStatus",
        "DeliveryStatusEnum": "webhooks.models.DeliveryStatus",
        "RightKindEnum": "registry.choices.RightKind",  # several serializers' `kind` (check --deploy: W001)
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
