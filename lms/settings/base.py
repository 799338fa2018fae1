"""Settings shared by every environment.

Values from the environment come from `lms.env`, which reads it once; `dev`, `test` and
`production` only change defaults or add checks.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lms import env

BASE_DIR = env.BASE_DIR

SECRET_KEY = env.SECRET_KEY
DEBUG = env.DEBUG
ALLOWED_HOSTS = ["127.0.0.1", "localhost"] if env.ALLOWED_HOSTS is None else env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
SITE_URL = env.SITE_URL.rstrip("/")
# H5P activities on their own cookieless origin, so they can play offline (ADR 0061).
ILM_H5P_ORIGIN = env.ILM_H5P_ORIGIN.rstrip("/")
# Issuer signing keys are sealed with this key-encryption key (urlsafe base64 of 32 bytes) or
# the one in the file named by ILM_KEY_ENCRYPTION_KEY_FILE, read when a key is used (see
# certificates/keys.py). Give it only to the processes that sign.
ILM_KEY_ENCRYPTION_KEY = env.ILM_KEY_ENCRYPTION_KEY
ILM_KEY_ENCRYPTION_KEY_FILE = env.ILM_KEY_ENCRYPTION_KEY_FILE

INSTALLED_APPS = [
    # Ilm's own apps, one concept each.
    "accounts",
    "universities",
    "courses",
    "learning",
    "certificates",
    "wallets",
    "xapi",
    "h5p",
    "reports",
    "audit",
    "teaching",
    "privacy",
    "demo",
    "offline",
    "outbox",
    "uploads",
    "sso",
    "lti",
    # Wagtail and its i18n.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # Django.
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-ninja's own bundled Swagger UI (static/ninja/): the API docs page is rendered from
    # these self-hosted files, never from a CDN the CSP forbids (issue 13, item 6).
    "ninja",
    "django.contrib.humanize",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "lms.request_context.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "lms.admin_csp.AdminContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "h5p.media_origin.MediaOriginMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.locale.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sso.middleware.ProviderUnreachableMiddleware",
    "lms.staff_mfa.StaffMfaRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.admin_gate.AdminRefusalMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "django.template.context_processors.csp",
                "accounts.data_saver.data_saver",
            ],
            # `lms` is not an installed app: its tag library is named here.
            "libraries": {"navigation": "lms.templatetags.navigation"},
        },
    },
]

# SQLite is the embedded default; DATABASE_URL switches to PostgreSQL (or anything else).
DATABASES = {
    "default": dj_database_url.parse(
        env.DATABASE_URL,
        conn_max_age=env.DB_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Each person lands where their work is (lms.navigation).
LOGIN_REDIRECT_URL = "landing"

# allauth: email is the login; verification is mandatory in production (see production.py).
# Emails and landing in the reader's language (accounts.adapter), and single logout after a
# university sign-in (sso.adapter, ADR 0053).
ACCOUNT_ADAPTER = "sso.adapter.SignInAccountAdapter"
# A correct password is refused where the account's university switched local passwords off.
ACCOUNT_FORMS = {"login": "sso.forms.UniversityAwareLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "learning.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.ACCOUNT_EMAIL_VERIFICATION
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
# Login attempts are rate-limited by allauth (per IP and per account); the Wagtail admin
# logs in through allauth too (WAGTAILADMIN_LOGIN_URL), so one limit guards both.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# University sign-in (ADR 0053; SAML: ADR 0059): one OpenID Connect or SAML SocialApp per
# university (`uni-<code>`), configured by platform staff in the admin; accounts are created
# on first sign-in. An existing account with the same email is never signed in or linked by
# email alone: its owner signs in first and connects the university account.
SOCIALACCOUNT_ADAPTER = "sso.adapter.SignInAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# Seconds Ilm waits for a university's provider before saying it did not answer.
SOCIALACCOUNT_REQUESTS_TIMEOUT = 5
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must set up two-factor authentication before any staff door opens (lms/staff_mfa.py).
ILM_REQUIRE_STAFF_MFA = bool(env.ILM_REQUIRE_STAFF_MFA)  # off unless set; production: on

# Languages: the interface and content come in the region's languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("tg", "Тоҷикӣ"),
    ("kk", "Қазақ тілі"),
    ("uz", "Oʻzbekcha"),
    ("ky", "Кыргызча"),
    ("zh-hans", "简体中文"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A person's one stored language is mirrored in Wagtail's profile (accounts/receivers.py), so
# the profile must accept all seven; where Wagtail has no catalogue its admin shows English.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# First listed wins: locale_overrides/ holds our fixes to third-party strings (allauth, Django)
# and is never written by makemessages; locale/ is rebuilt from our source by `make messages`
# (ADR 0033).
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
# Paths served outside the language prefix: their 404s stay 404s (see lms/locale.py).
LANGUAGE_NEUTRAL_PATH_PREFIXES = [
    "/admin/",
    "/api/",
    "/xapi/",
    "/h5p/",
    "/healthz",
    "/static/",
    "/media/",
    "/documents/",
    "/verify/",
    # The learner's and registrar's certificate pages (`certificates.urls`): a refused id
    # must stay a 404, not become a redirect to a prefixed path.
    "/certificates/",
    "/universities/",
    "/credentials/",
    "/i18n/",
    # OpenID4VCI (`wallets.urls`): metadata where wallets look for it, and the wallet API.
    "/.well-known/",
    "/wallet/",
]
USE_I18N = True
# The reader's language outlives the browser session (ADR 0033).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "lms" / "static"]
MEDIA_URL = "/media/"
# Uploads are stored in UPLOADS_ROOT, which no web server publishes: MEDIA_URL is routed to
# the gate in `uploads.views`, and documents are served only by Wagtail's gated view
# (ADR 0024).
MEDIA_ROOT = env.UPLOADS_ROOT
# Where earlier releases kept uploads, served publicly; `manage.py uploads_relocate` empties it.
LEGACY_MEDIA_ROOT = env.MEDIA_ROOT
FILE_DELIVERY = env.FILE_DELIVERY
FILE_DELIVERY_INTERNAL_PREFIX = env.FILE_DELIVERY_INTERNAL_PREFIX
if FILE_DELIVERY not in ("django", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("FILE_DELIVERY is one of django, x-accel-redirect, x-sendfile.")
# Extracted H5P packages and private report files live outside MEDIA_ROOT, served only
# through gated views (see docs/decisions).
H5P_ROOT = env.H5P_ROOT
PRIVATE_STORAGE_ROOT = env.PRIVATE_STORAGE_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = env.REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
# Anonymous pages kept whole (ADR 0056): only with a cache all processes share, since a
# change bumps one counter that every process must see.
PAGE_CACHE = bool(REDIS_URL)

# Celery: no broker configured means tasks run eagerly, in the same process.
CELERY_BROKER_URL = env.CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
# How long Redis keeps an unacknowledged message before handing it to another worker: the
# window after which work of a killed worker is retried.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.CELERY_VISIBILITY_TIMEOUT,
    # Look for expired unacknowledged messages every 10 s rather than kombu's default of every
    # 100 s (10 s x a throttle of 10): the scan is one cheap sorted-set query.
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "outbox.relay", "schedule": 60.0},
    # Forwarding to universities' own LRSs: retries past their backoff (ADR 0057).
    "xapi-forward-due": {"task": "xapi.forward_due", "schedule": 60.0},
    # Scores for partner LMSs (LTI AGS): retries past their backoff (ADR 0058).
    "lti-deliver-scores": {"task": "lti.deliver_scores", "schedule": 60.0},
    "reports-scheduled": {"task": "reports.scheduled_reports_run", "schedule": 15 * 60.0},
    "reports-cleanup": {"task": "reports.export_jobs_cleanup", "schedule": 60 * 60.0},
    "certificates-issue-missing": {"task": "certificates.issue_missing", "schedule": 10 * 60.0},
    "reports-recover": {"task": "reports.export_jobs_recover", "schedule": 30.0},
    # Aliases are made on publish; the sweep covers a locale added later (ADR 0030).
    # Statements and audit events past their retention periods (ADR 0040); a no-op when both
    # are kept forever.
    "privacy-retention": {"task": "privacy.retention_enforce", "schedule": 6 * 60 * 60.0},
    # Each university's own statement retention period, when it set one (ADR 0060).
    "xapi-retention": {"task": "xapi.retention_enforce", "schedule": 6 * 60 * 60.0},
    "courses-language-versions": {
        "task": "courses.language_versions_fill_all",
        "schedule": 6 * 60 * 60.0,
    },
}


# Django 6.1's MAILERS replaces the EMAIL_* settings (deprecated in 6.1).
# EMAIL_BACKEND chooses the backend; without it, each settings module passes its default.
def mailers_from_env(default_backend: str) -> dict:
    backend = default_backend if env.EMAIL_BACKEND is None else env.EMAIL_BACKEND
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": env.EMAIL_HOST,
            "port": env.EMAIL_PORT,
            "username": env.EMAIL_USER,
            "password": env.EMAIL_PASSWORD,
            "use_tls": env.EMAIL_USE_TLS,
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}


MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "Ilm"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents go through the gated view (never a redirect to a storage URL), where
# `uploads.wagtail_hooks` checks the reader and sends the file with safe headers.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Document types with a teaching use. Anything a browser could run on the site's origin (HTML,
# SVG, XML, JavaScript) or an operating system could execute is refused at upload
# (`uploads.forms`, ADR 0024).
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "txt", "csv", "md", "rtf",
    "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
    "epub", "zip", "ipynb", "mp3", "ogg", "m4a",
]  # fmt: skip
WAGTAILDOCS_DOCUMENT_FORM_BASE = "uploads.forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "uploads.forms.ImageForm"
# Raster formats only: an SVG is a document that can carry script.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOG_FORMAT = env.LOG_FORMAT  # "json" in production: one object per line
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lms.request_context.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "lms.request_context.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Security headers that hold in every environment; production.py adds HTTPS-only ones.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Views meant to be framed (the H5P player, Wagtail previews) opt in per view.
X_FRAME_OPTIONS = "DENY"
# Django's own CSP: site pages run only our own scripts. The Wagtail admin's inline styles
# need 'unsafe-inline' for style-src; scripts stay same-origin everywhere.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "<CSP_NONCE_SENTINEL>"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:"],
    "frame-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
if ILM_H5P_ORIGIN:  # lesson pages frame the H5P player from its own origin
    SECURE_CSP["frame-src"] = ["'self'", ILM_H5P_ORIGIN]
WAGTAILADMIN_LOGIN_URL = "account_login"
# No staff email hashes sent to a third party (and the CSP would block the images anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Joint programs are approved by editors who may not publish alone; the finishing action
# publishes on behalf of the workflow (see universities/workflow_actions.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "universities.workflow_actions.workflow_publish_approved"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False

# Data on the public pages of the demo is marked as such.
DEMO_MODE = env.DEMO_MODE

# The learning record store's limits (xapi/conf.py reads them).
XAPI_MAX_BODY_BYTES = 10 * 1024 * 1024
XAPI_MAX_BATCH_STATEMENTS = 1000
XAPI_STATEMENTS_PAGE_SIZE = 100
# Statements stored less than this long ago may still be settling; `consistentThrough` lags.
XAPI_CONSISTENCY_MARGIN_SECONDS = 1.0

# Reports: larger exports go to a background job; files and jobs expire.
REPORTS_STREAM_MAX_ROWS = 20_000
REPORTS_FILE_TTL_HOURS = 72
REPORTS_JOB_TIME_LIMIT = 3600
REPORTS_JOB_HEARTBEAT_SECONDS = env.REPORTS_JOB_HEARTBEAT_SECONDS
REPORTS_JOB_STALE_SECONDS = env.REPORTS_JOB_STALE_SECONDS
REPORTS_SCHEDULE_HOUR_UTC = 5
REPORTS_API_RATE_LIMIT = 120
REPORTS_API_RATE_WINDOW = 60
ILM_API_TOKEN_DEFAULT_DAYS = env.ILM_API_TOKEN_DEFAULT_DAYS
ILM_API_TOKEN_MAX_DAYS = max(env.ILM_API_TOKEN_MAX_DAYS, 1)
# Days an xAPI statement and an audit event are kept; 0 keeps them forever (ADR 0040).
ILM_XAPI_STATEMENT_RETENTION_DAYS = max(env.ILM_XAPI_STATEMENT_RETENTION_DAYS, 0)
# Forwarding to an LRS on a private or loopback address (xapi/forwarding_hosts.py, ADR 0057):
# off, so a registrar cannot point the worker at the deployment's own network.
ILM_XAPI_FORWARD_ALLOW_PRIVATE_HOSTS = False
ILM_AUDIT_RETENTION_DAYS = max(env.ILM_AUDIT_RETENTION_DAYS, 0)

# Issuer keys may be encrypted with a key derived from SECRET_KEY when no key-encryption key
# is configured: convenient for the embedded default, refused in production.py.
CERTIFICATES_ALLOW_KEK_FALLBACK = True
