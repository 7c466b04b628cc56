"""Configuration classes, chosen by the PORTAL_ENV environment variable.

development (default): SQLite under instance/, a secret generated once and kept
under instance/. test: overrides come from the test suite. production: refuses
to start on any unsafe setting (portal/config_check.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error


# How the portal talks TLS to the mail server: STARTTLS after connecting (port
# 587), TLS from the start (port 465), or none (only to a relay on this host).
SMTP_TLS_MODES = ("starttls", "implicit", "off")


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False

    # Public forms: how long a draft lives without activity, and when to warn.
    DRAFT_IDLE_MINUTES = 60
    DRAFT_WARNING_MINUTES = 5

    # Staff sign-in and sessions.
    STAFF_IDLE_MINUTES = 15
    STAFF_WARNING_MINUTES = 2
    STAFF_SESSION_HOURS = 12
    SIGN_IN_MAX_FAILURES = 5
    SIGN_IN_LOCK_MINUTES = 15
    SETUP_LINK_HOURS = 24
    # argon2id: 64 MiB, 2 passes, 1 lane: about 110 ms a check on the reference machine.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_KIB = 65536
    ARGON2_PARALLELISM = 1
    # Rate limits: per process in development; production shares them through Redis.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_RATE_LIMIT = "20 per 10 minutes"
    PUBLIC_RATE_LIMIT = "60 per minute; 600 per hour"
    # How many proxies in front of the app set X-Forwarded-For/-Proto: 0 trusts none.
    TRUSTED_PROXY_HOPS = 0

    # Retention: closed cases' personal data, and raw journey events.
    RETENTION_CASE_YEARS = 6
    RETENTION_EVENT_MONTHS = 13

    # Requests: public forms carry text only, so bodies stay small.
    MAX_CONTENT_LENGTH = 100 * 1024
    MAX_FORM_MEMORY_SIZE = 100 * 1024
    MAX_FORM_PARTS = 200

    SESSION_COOKIE_NAME = "portal_session"
    # The public pages' language (portal/languages.py): its code only, for the
    # browser session; nothing else is kept in it.
    LANGUAGE_COOKIE_NAME = "portal_language"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_REFRESH_EACH_REQUEST = False

    WTF_CSRF_SSL_STRICT = True
    HSTS = False
    STRICT_TEMPLATES = True

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"

    FORCE_CONFIG = None  # path to a TOML file describing the force; None: West Midlands Police

    # Staff alerts by e-mail (portal/alerts/, docs/deployment.md): always queued,
    # sent by `flask --app wsgi alerts send` only once SMTP_HOST is set.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USERNAME = ""
    SMTP_PASSWORD = ""
    SMTP_TLS = "starttls"  # see SMTP_TLS_MODES
    SMTP_TIMEOUT_SECONDS = 10
    ALERTS_FROM = ""  # the address alerts come from
    PORTAL_BASE_URL = "http://127.0.0.1:5000"  # where the portal is served: e-mails link there
    ALERTS_DIGEST_HOUR = 7  # the daily digest goes with the first run from this hour (London)
    ALERTS_MAX_ATTEMPTS = 10  # then an alert is given up, and administrators see it

    def __init__(self, instance_path: str) -> None:
        self.instance_path = instance_path
        self.DRAFT_IDLE_MINUTES = _int("DRAFT_IDLE_MINUTES", self.DRAFT_IDLE_MINUTES)
        self.DRAFT_WARNING_MINUTES = _int("DRAFT_WARNING_MINUTES", self.DRAFT_WARNING_MINUTES)
        for name in (
            "STAFF_IDLE_MINUTES",
            "STAFF_WARNING_MINUTES",
            "STAFF_SESSION_HOURS",
            "TRUSTED_PROXY_HOPS",
            "RETENTION_CASE_YEARS",
            "RETENTION_EVENT_MONTHS",
        ):
            setattr(self, name, _int(name, getattr(self, name)))
        self.FORCE_CONFIG = os.environ.get("FORCE_CONFIG") or self.FORCE_CONFIG
        self.read_alert_settings()
        self.SECRET_KEY = self.secret_key()
        # Earlier secret keys, still accepted (never used to sign) while sessions
        # and drafts signed with them run out: "old1,old2". See docs/deployment.md.
        self.SECRET_KEY_FALLBACKS = [
            key.strip()
            for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",")
            if key.strip()
        ]
        self.DATABASE_URL = self.database_url()
        self.ENCRYPTION_KEYS, self.BLIND_INDEX_KEY = self.encryption_keys()
        self.RATELIMIT_STORAGE_URI = self.rate_limit_storage()
        # A slow applicant's token must last as long as their draft does.
        self.WTF_CSRF_TIME_LIMIT = self.DRAFT_IDLE_MINUTES * 60
        if self.DRAFT_WARNING_MINUTES >= self.DRAFT_IDLE_MINUTES:
            raise ConfigError("DRAFT_WARNING_MINUTES must be less than DRAFT_IDLE_MINUTES")

    def read_alert_settings(self) -> None:
        for name in ("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "ALERTS_FROM"):
            setattr(self, name, os.environ.get(name, getattr(self, name)).strip())
        base_url = os.environ.get("PORTAL_BASE_URL", "").strip().rstrip("/")
        self.PORTAL_BASE_URL = base_url or self.PORTAL_BASE_URL
        for name in (
            "SMTP_PORT",
            "SMTP_TIMEOUT_SECONDS",
            "ALERTS_DIGEST_HOUR",
            "ALERTS_MAX_ATTEMPTS",
        ):
            setattr(self, name, _int(name, getattr(self, name)))
        self.SMTP_TLS = os.environ.get("SMTP_TLS", self.SMTP_TLS).strip().lower()
        if self.SMTP_TLS not in SMTP_TLS_MODES:
            raise ConfigError(f"SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}")
        if not 0 <= self.ALERTS_DIGEST_HOUR <= 23:
            raise ConfigError("ALERTS_DIGEST_HOUR must be an hour of the day, 0 to 23")
        if self.ALERTS_MAX_ATTEMPTS < 1:
            raise ConfigError("ALERTS_MAX_ATTEMPTS must be at least 1")

    def secret_key(self) -> str:
        return os.environ.get("SECRET_KEY", "")

    def rate_limit_storage(self) -> str:
        return os.environ.get("REDIS_URL") or "memory://"

    def encryption_keys(self) -> tuple[str, str]:
        """Keys for personal data: from the environment, else (outside
        production) generated once under instance/."""
        keys, index = os.environ.get("ENCRYPTION_KEYS"), os.environ.get("BLIND_INDEX_KEY")
        if keys and index:
            return keys, index
        from .crypto import instance_keys

        return instance_keys(self.instance_path)

    def database_url(self) -> str:
        return os.environ.get("DATABASE_URL", "")

    def as_dict(self) -> dict:
        names = {name for cls in type(self).__mro__ for name in vars(cls) if name.isupper()}
        names |= {name for name in vars(self) if name.isupper()}
        return {name: getattr(self, name) for name in names}


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False

    def secret_key(self) -> str:
        return os.environ.get("SECRET_KEY") or _instance_secret(self.instance_path)

    def database_url(self) -> str:
        default = "sqlite:///" + str(Path(self.instance_path) / "portal.sqlite3")
        return os.environ.get("DATABASE_URL") or default


class TestConfig(DevelopmentConfig):
    ENV_NAME = "test"
    TESTING = True
    STRICT_COMMITS = True  # a second commit in one request raises (portal/database.py)
    # The suite posts hundreds of pages from one address; the rate-limit test sets its own.
    PUBLIC_RATE_LIMIT = "100000 per minute"
    # The OWASP minimum for argon2id keeps the suite quick; production is slower on purpose.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_KIB = 19456

    def secret_key(self) -> str:
        return "test-secret-key-not-for-production"  # noqa: S105

    def rate_limit_storage(self) -> str:
        return "memory://"

    def encryption_keys(self) -> tuple[str, str]:
        # Fixed, so a test database left with rows by an interrupted run still opens.
        return (
            "test1=" + "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=",
            "dGVzdC1pbmRleC10ZXN0LWluZGV4LXRlc3QtaW5kZXg=",
        )


class ProductionConfig(Config):
    """Every setting from the environment; any unsafe one (see config_check)
    stops the app from starting, with every problem listed at once."""

    ENV_NAME = "production"
    # How many proxies add X-Forwarded-For: production must say (config_check), as
    # trusting a hop that is not there lets clients choose their own address.
    TRUSTED_PROXY_HOPS = 0
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-portal_session"
    LANGUAGE_COOKIE_NAME = "__Host-portal_language"
    HSTS = True
    STRICT_TEMPLATES = False

    def __init__(self, instance_path: str) -> None:
        super().__init__(instance_path)
        from .config_check import production_problems

        problems = production_problems(self.as_dict())
        if problems:
            raise ConfigError("\n".join(problems))

    def encryption_keys(self) -> tuple[str, str]:
        return os.environ.get("ENCRYPTION_KEYS", ""), os.environ.get("BLIND_INDEX_KEY", "")

    def rate_limit_storage(self) -> str:
        return os.environ.get("REDIS_URL", "")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def load_config(instance_path: str, env_name: str | None = None) -> Config:
    name = env_name or os.environ.get("PORTAL_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError as error:
        raise ConfigError(
            f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from error
    return cls(instance_path)


def _instance_secret(instance_path: str) -> str:
    """A development secret generated once and kept under instance/."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
