"""Settings for Sahel Learn, read from the environment.

Every value comes from an environment variable (a ``.env`` file beside ``manage.py`` is read
first, without overriding the real environment; ``DJANGO_ENV_FILE`` names another file, or none). ``env()`` fails fast with
``ImproperlyConfigured`` when a required value is missing. ``DEBUG`` is off unless
``DJANGO_DEBUG`` says otherwise; production values (secret key, allowed hosts) are required
whenever ``DEBUG`` is off.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
# DJANGO_ENV_FILE names another file; set it to an empty value to read none.
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name, default=_REQUIRED, *, cast=str):
    """Read ``name`` from the environment, cast it, or fail fast if it is required and missing."""
    raw = os.environ.get(name)
    if raw is None:
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        return default
    if cast is bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    try:
        return cast(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} has an invalid value {raw!r}: {error}") from error


DEBUG = env("DJANGO_DEBUG", False, cast=bool)
# Production needs its own key and hosts; a development run may fall back.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-development-only" if DEBUG else _REQUIRED)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else _REQUIRED, cast=list)
CSRF_TRUSTED_ORIGINS = env("DJANGO_CSRF_TRUSTED_ORIGINS", [], cast=list)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "sahel_learn.accounts",
    "briefings",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in with a password a trainer was shown: the password change page, nothing else.
    "sahel_learn.accounts.middleware.OneTimePasswordMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with accounts.views.lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sahel_learn.urls"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "sahel_learn.wsgi.application"

# SQLite file by default; PostgreSQL (or any dj-database-url URL) when DATABASE_URL is set.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests (CONN_MAX_AGE as above): a new connection reads the whole schema on
    # its first query, 1 to 2 ms a request with the search tables and their triggers (docs/performance.md).
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; wait instead of failing when locked.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, not spliced into the SQL text by psycopg: the same statement is
    # then the same text each time, which psycopg prepares on the server after its fifth run on a
    # connection (kept open, as above), so PostgreSQL stops parsing and planning it (docs/performance.md).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: a locked-out sign-in is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "briefings:home"
# No LOGOUT_REDIRECT_URL: signing out shows templates/registration/logged_out.html.

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The article and its curated content pack, shipped with the project.
BRIEFING_SOURCE = BASE_DIR / "briefings" / "content" / "sahel-sovereignty-mirage.txt"
BRIEFING_PACK = BASE_DIR / "briefings" / "content" / "pack"

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes failed authentication a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sahel_learn.authentication.PreparedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sahel Learn API",
    "DESCRIPTION": "Read the study material derived from “The Sahel's Sovereignty Mirage”.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sahel_learn.api.allow_empty_filters",
    ],
    # One name per choice set shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "StatementKindEnum": "briefings.models.StatementKind",
        "SectionKindEnum": "briefings.models.SectionKind",
        "DatePrecisionEnum": "briefings.models.DatePrecision",
        "PublicationStatusEnum": "briefings.models.Status",
        "AttemptStateEnum": "quizzes.models.AttemptState",
        "CardStateEnum": "quizzes.models.CardState",
        "StudyRatingEnum": "quizzes.models.StudyRating",
        "AssignmentKindEnum": "quizzes.models.AssignmentKind",
    },
}

# Sign-in lockout (django-axes), on the site's login and the admin's alike. Failures count per
# username *and* client address together: a guesser is stopped after AXES_FAILURE_LIMIT wrong
# passwords for one account, but cannot lock that account out for its owner on another address, and
# a classroom behind one address is not locked out by one student's typos. While locked, the sign-in
# is refused without checking the password (no hashing: guessing costs the server nothing).
# AXES_ENABLED=false turns the lockout off (bench/run.py --scenario guessing measures without it).
AXES_ENABLED = env("AXES_ENABLED", True, cast=bool)
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT", 5, cast=int)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env("AXES_COOLOFF_MINUTES", 15, cast=int))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A try while locked is refused without a database write (8 guessers would otherwise queue on the
# lock row); the pause ends AXES_COOLOFF_MINUTES after the failure that set it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "sahel_learn.accounts.views.lockout"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address: REMOTE_ADDR, or behind DJANGO_TRUSTED_PROXY_COUNT reverse proxies that each
# append to X-Forwarded-For, the address the outermost one saw (README: "Behind a reverse proxy").
TRUSTED_PROXY_COUNT = env("DJANGO_TRUSTED_PROXY_COUNT", 0, cast=int)
AXES_CLIENT_IP_CALLABLE = "sahel_learn.accounts.throttle.client_ip"
# Password reset requests: at most this many per client address, and per e-mail address, per window.
PASSWORD_RESET_RATE = (
    env("PASSWORD_RESET_LIMIT", 5, cast=int),
    env("PASSWORD_RESET_WINDOW_MINUTES", 60, cast=int) * 60,
)

# E-mail: printed to the console in development; SMTP from the environment in production.
# Set DEFAULT_FROM_EMAIL in production to an address the SMTP server may send from.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Sahel Learn <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEBUG:
    EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
else:
    EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", "localhost")
    EMAIL_PORT = env("EMAIL_PORT", 587, cast=int)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env("EMAIL_USE_TLS", True, cast=bool)
    EMAIL_TIMEOUT = env("EMAIL_TIMEOUT", 10, cast=int)

# Content-Security-Policy (django-csp 4): no inline scripts or styles, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Security: Django's protections stay on; production adds HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The only hosts that may be served over plain HTTP with DEBUG off: this machine (``make run``), and
# the test client's made-up host.
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", True, cast=bool)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env("DJANGO_SECURE_COOKIES", True, cast=bool)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    _elsewhere = [host for host in ALLOWED_HOSTS if host not in [*LOOPBACK_HOSTS, "testserver"]]
    if not (SECURE_SSL_REDIRECT and SESSION_COOKIE_SECURE) and _elsewhere:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_SSL_REDIRECT and DJANGO_SECURE_COOKIES can be turned off only when every host in "
            f"DJANGO_ALLOWED_HOSTS is this machine ({', '.join(LOOPBACK_HOSTS)}), as `make run` does; "
            f"not for {', '.join(_elsewhere)}."
        )
    SECURE_HSTS_SECONDS = env("DJANGO_HSTS_SECONDS", 31536000, cast=int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    # django-axes logs every attempt at INFO, naming the username and address: warnings only.
    "loggers": {"axes": {"level": env("AXES_LOG_LEVEL", "WARNING")}},
}
