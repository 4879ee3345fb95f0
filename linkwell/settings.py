"""Linkwell settings: one module, driven by environment variables with safe, demo-friendly defaults."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("LINKWELL_DEBUG", True)
# The fallback key only suits a laptop demo; production sets LINKWELL_SECRET_KEY.
SECRET_KEY = os.environ.get("LINKWELL_SECRET_KEY", "insecure-demo-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h for h in os.environ.get("LINKWELL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LINKWELL_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "linkwell.accounts",
    "linkwell.places",
    "linkwell.people",
    "linkwell.referrals",
    "linkwell.casework",
    "linkwell.connections",
    "linkwell.outcomes",
    "linkwell.api",
    "ninja",
    "linkwell.directory",
    "linkwell.demo",
    "linkwell.matching",
    "linkwell.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linkwell.accounts.middleware.ActiveMembershipMiddleware",
]

ROOT_URLCONF = "linkwell.urls"
WSGI_APPLICATION = "linkwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linkwell" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linkwell.accounts.context_processors.membership",
            ],
            "builtins": ["linkwell.templatetags.nhsuk"],
        },
    }
]

# Widget templates (the NHS.UK date input) live with the project's templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# DATABASE_URL picks the database for every command: unset means SQLite in the project folder.
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'linkwell.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("LINKWELL_TEST_SQLITE") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_COOKIE_SECURE = env_bool("LINKWELL_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NHSUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [BASE_DIR / "linkwell" / "static", ("nhsuk", NHSUK_FRONTEND_DIR)]

MAILERS = {
    "default": {"BACKEND": os.environ.get("LINKWELL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("LINKWELL_FROM_EMAIL", "linkwell@example.org")

# Demo postcodes live in a fictional area that no real postcode uses (docs/adr/0005-demo-postcodes.md).
LINKWELL_DEMO_POSTCODE_AREA = "LW"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINKWELL_LOG_LEVEL", "WARNING")},
}
