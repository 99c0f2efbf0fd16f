"""Settings of Опора, driven by environment variables.

Every setting has a default that runs on a laptop with SQLite; production sets
``DATABASE_URL``, ``OPORA_SECRET_KEY``, ``OPORA_ALLOWED_HOSTS`` and ``OPORA_DEBUG=0``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPORA_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}: expected a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ValueError(f"{name}: expected a whole number, got {value!r}") from error


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept in ``var/``."""
    key = os.environ.get("OPORA_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = envbool("OPORA_DEBUG", False)
ALLOWED_HOSTS = envlist("OPORA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("OPORA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "opora.web.admin_site.OporaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "opora.web",
    "opora.accounts",
    "opora.schools",
    "opora.results",
    "opora.intake",
    "opora.support",
    "opora.identification",
    "opora.risks",
    "opora.programs",
    "opora.students",
    "opora.events",
    "opora.practices",
    "opora.effectiveness",
    "opora.network",
    "opora.demo",
    "opora.api",
    "opora.cli",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opora.urls"
CSRF_FAILURE_VIEW = "opora.web.views.csrf_failure"
WSGI_APPLICATION = "opora.wsgi.application"

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
                "opora.web.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'opora.sqlite3'}",
        conn_max_age=envint("OPORA_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        # A 64 MB page cache keeps the indexes in memory while a region's file is written.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: after 5 failures for one user name from one address, an hour's lock-out.
AXES_ENABLED = envbool("OPORA_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = envint("OPORA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Served over HTTPS by a reverse proxy (docs/deploy.md): the proxy says so in X-Forwarded-Proto,
# plain HTTP is redirected, browsers are told to keep to HTTPS (HSTS), cookies go over HTTPS only.
HTTPS = envbool("OPORA_HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("OPORA_HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# «preload» only allows the domain's owner to submit it to the browsers' list; Опора, usually on a
# subdomain of the region's site, is not on it by this. OPORA_HSTS_PRELOAD=0 leaves it out.
SECURE_HSTS_PRELOAD = envbool("OPORA_HSTS_PRELOAD", HTTPS)
# The client's address for the login throttling, from a header the proxy sets (X-Real-IP:
# HTTP_X_REAL_IP); without it every user would seem to come from the proxy's address.
CLIENT_IP_HEADER = os.environ.get("OPORA_CLIENT_IP_HEADER", "")
if CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (CLIENT_IP_HEADER, "REMOTE_ADDR")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_SECURE = envbool("OPORA_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = os.environ.get("OPORA_TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the application itself (offline networks, no CDN, no separate server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "uploads"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("OPORA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# While a task computes a run it renews the run's sign of life this often (seconds); a run silent
# for longer than OPORA_RUN_STALE_SECONDS lost its worker (killed mid-run) and is shown as
# interrupted, to be started again (opora.core.heartbeat).
OPORA_RUN_HEARTBEAT_SECONDS = envint("OPORA_RUN_HEARTBEAT_SECONDS", 10)
OPORA_RUN_STALE_SECONDS = envint("OPORA_RUN_STALE_SECONDS", 120)

# The REST API (opora.api): tokens for other systems, the session for the browsable page; the same
# scopes and access table as the pages; errors in Russian (opora.api.errors).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "opora.api.pages.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "opora.api.errors.handle",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Опора: REST API",
    "DESCRIPTION": (
        "Программа поддержки ШНОР и ШНСУ: школы и контекст, результаты, выявление и перечни, рисковые "
        "профили, программы с мероприятиями и показателями, партнёрства, мероприятия. Вход: заголовок "
        "«Authorization: Token <ключ>» (ключ выдаёт команда «opora api_token ПОЛЬЗОВАТЕЛЬ»). Пользователь "
        "видит и меняет через API то же, что на страницах."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opora.api.schema.error_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActivityStatusEnum": "opora.programs.models.ActivityStatus",
        "ProgramStatusEnum": "opora.programs.models.ProgramStatus",
        "ProgramKindEnum": "opora.programs.models.ProgramKind",
        "RunStatusEnum": "opora.identification.models.RunStatus",
        "OrderKindEnum": "opora.identification.models.OrderKind",
        "PartnershipStatusEnum": "opora.support.models.PartnershipStatus",
        "EventStatusEnum": "opora.events.models.EventStatus",
        "EventKindEnum": "opora.events.models.EventKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPORA_LOG_LEVEL", "WARNING")},
}

# Notices of the programs (comments, status changes, reviews) also go by e-mail to users with an
# address when this is set; the mail server is Django's EMAIL_* settings (console by default).
OPORA_EMAIL_NOTIFICATIONS = envbool("OPORA_EMAIL_NOTIFICATIONS", False)
EMAIL_BACKEND = os.environ.get("OPORA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("OPORA_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("OPORA_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("OPORA_EMAIL_FROM", "opora@localhost")
