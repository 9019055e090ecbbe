"""reattune settings: every value comes from the environment through the typed helpers below.

Any secret can also be given as NAME_FILE pointing at a file that holds it (Docker/systemd
credentials). See docs/deploy.md for the full list.
"""

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from reattune import paths


def env(name: str, default: str | None = None) -> str | None:
    """NAME, or the contents of the file named by NAME_FILE, or default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def truth(value: str, name: str) -> bool:
    """A truth value in words; anything else stops start-up (a typo such as "ture" must not
    read as off). `name` says where the value came from."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {', '.join(TRUE_WORDS + FALSE_WORDS)}, not {value.strip()!r}"
    )


def env_bool(name: str, default: bool = False) -> bool:
    """A truth value from the environment (`truth`), or the default when unset or empty."""
    value = env(name)
    if value is None or value.strip() == "":
        return default
    return truth(value, name)


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [part.strip() for part in value.split(",") if part.strip()]


def _url_int(name: str, options: dict[str, Any]) -> int | None:
    word = str(options[name]).strip().lower()
    if word in ("", "none", "off"):
        return None  # psycopg: never prepare
    if word.isdigit():
        return int(word)
    raise ImproperlyConfigured(f"DATABASE_URL: {name} must be a whole number, not {word!r}")


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {parsed.scheme!r} (use postgresql://)")
    options: dict[str, Any] = dict(parse_qsl(parsed.query))
    # The two options below, when the URL gives them, as psycopg and Django read them (a URL's
    # "true" is a string, and Django binds on the server only for the value True).
    if "server_side_binding" in options:
        options["server_side_binding"] = truth(
            str(options["server_side_binding"]), "DATABASE_URL: server_side_binding"
        )
    if "prepare_threshold" in options:
        options["prepare_threshold"] = _url_int("prepare_threshold", options)
    if env_bool("REATTUNE_DB_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, so psycopg can prepare a statement once a connection
        # has run it twice: PostgreSQL then parses it once per connection instead of on every
        # request (planning and parsing were most of a page's time in the database; the pages
        # against the floor are in docs/performance.md). Off for a pooler that hands one
        # client's statements to another connection (PgBouncer in transaction mode before
        # 1.22, docs/deploy.md).
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 2)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": options.pop("host", parsed.hostname or ""),
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": env_int("REATTUNE_DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = paths.ensure_data_dir()

DEBUG = env_bool("REATTUNE_DEBUG")
SECRET_KEY = env("REATTUNE_SECRET_KEY") or (DATA_DIR / paths.SECRET_KEY_FILE).read_text().strip()
# Newest key first, never logged. With a key file (the default, or
# REATTUNE_ENCRYPTION_KEYS_FILE), reattune.core.crypto reloads it whenever it changes, so
# every running process follows `reattune rotate-keys`; inline keys never change at run time.
# A missing or empty file gives [] here: `reattune serve` then refuses to start.
ENCRYPTION_KEYS_FILE = paths.encryption_keys_file(DATA_DIR)
if ENCRYPTION_KEYS_FILE is None:
    ENCRYPTION_KEYS = paths.parse_keys(os.environ.get("REATTUNE_ENCRYPTION_KEYS", ""))
else:
    ENCRYPTION_KEYS = paths.read_keys(ENCRYPTION_KEYS_FILE)

ALLOWED_HOSTS = env_list("REATTUNE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
SITE_URL = (env("REATTUNE_SITE_URL") or "").rstrip("/")
HTTPS = env_bool("REATTUNE_HTTPS")
# Proxies whose X-Forwarded-For / X-Forwarded-Proto we believe. Empty: believe nobody.
TRUSTED_PROXIES = env_list("REATTUNE_TRUSTED_PROXIES")
OPEN_SIGNUP = env_bool("REATTUNE_OPEN_SIGNUP", True)
# E-mail, only for password-reset links; without a host, `reattune reset-password` makes them.
EMAIL_HOST = env("REATTUNE_EMAIL_HOST") or ""
EMAIL_PORT = env_int("REATTUNE_EMAIL_PORT", 587)
EMAIL_HOST_USER = env("REATTUNE_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = env("REATTUNE_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("REATTUNE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env("REATTUNE_EMAIL_FROM") or "reattune@localhost"
PASSWORD_RESET_TIMEOUT = 3600  # a reset link works for one hour (and once)
INSTRUMENT_DIRS = env_list("REATTUNE_INSTRUMENT_DIRS")
RESOURCE_DIRS = env_list("REATTUNE_RESOURCE_DIRS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "reattune.core",
    "reattune.accounts",
    "reattune.couples",
    "reattune.journal",
    "reattune.assessments",
    "reattune.plans",
    "reattune.rituals",
    "reattune.coach",
    "reattune.care",
    "reattune.exports",
    "reattune.reports",
    "reattune.vault",
]
FEATURE_APPS = [app.rsplit(".", 1)[1] for app in INSTALLED_APPS if app.startswith("reattune.")]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reattune.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "reattune.core.middleware.IdleSessionMiddleware",
    "reattune.core.request_context.CoupleContextMiddleware",  # request.couple
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that its 405 passes back through every middleware above (headers, session).
    "reattune.core.middleware.PageMethodsMiddleware",
]

ROOT_URLCONF = "reattune.urls"
WSGI_APPLICATION = "reattune.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reattune.core.context.app_context",
            ],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    ["django.template.loaders.filesystem.Loader"],
                )
            ],
        },
    }
]

if env("DATABASE_URL"):
    DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
else:
    # Created 0600 before the first connection; SQLite gives -wal and -shm the same mode.
    paths.prepare_sqlite_file(paths.sqlite_file(DATA_DIR))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(paths.sqlite_file(DATA_DIR)),
            "OPTIONS": {
                # IMMEDIATE: a write transaction takes the lock at BEGIN, so two writers wait
                # on busy_timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "reattune.accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sessions live in the database so several app processes share them.
SESSION_ENGINE = "reattune.core.sessions"  # Django's database sessions, read prepared
SESSION_COOKIE_AGE = env_int("REATTUNE_SESSION_IDLE_DAYS", 14) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "reattune_session"
CSRF_COOKIE_NAME = "reattune_csrf"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
CSRF_TRUSTED_ORIGINS = env_list("REATTUNE_CSRF_TRUSTED_ORIGINS") or ([SITE_URL] if SITE_URL else [])
CSRF_FAILURE_VIEW = "reattune.core.views.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("REATTUNE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("REATTUNE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("REATTUNE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("REATTUNE_HSTS_PRELOAD", False)
# X-Forwarded-Proto is applied by gunicorn only for TRUSTED_PROXIES (reattune/server.py),
# so Django needs no SECURE_PROXY_SSL_HEADER that any client could forge.
SILENCED_SYSTEM_CHECKS = (
    [] if HTTPS else ["security.W004", "security.W008", "security.W012", "security.W016"]
)
if not env_bool("REATTUNE_HSTS_PRELOAD", False):
    # HSTS preload is a commitment for the whole domain and its subdomains that a self-hosted
    # instance must opt into (REATTUNE_HSTS_PRELOAD=1); not preloading is not a weakness here.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Bodies larger than this answer 413; journal text is capped lower, per field.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "reattune.core.static_storage.StaticStorage"},
}
WHITENOISE_MAX_AGE = 3600
# WhiteNoise's own table has no entry for the web app manifest (it would go out as
# application/octet-stream); browsers accept that today, the standard type is this one.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
from reattune.core.middleware import static_file_headers as WHITENOISE_ADD_HEADERS_FUNCTION  # noqa: E402,F401,N812

# Files rebuilt from shipped data (the browser's crisis patterns), kept across restarts and
# shared by every process; deleting the folder only costs a rebuild.
CACHE_DIR = Path(env("REATTUNE_CACHE_DIR") or DATA_DIR / "cache")
STATIC_FROM_SOURCE = env_bool("REATTUNE_STATIC_FROM_SOURCE")
if STATIC_FROM_SOURCE:
    # Tests serve static files straight from the package, with no collectstatic step.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

LOG_LEVEL = env("REATTUNE_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "reattune.core.logs.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default handlers for "django", which include mail_admins: its
        # e-mails carry request bodies. Everything goes through the redacting console only.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django.request attaches the request (with POST bodies) to records; the filter
        # drops it, and the level keeps 4xx noise out.
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}
