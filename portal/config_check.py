"""The production configuration check: every reason the settings are unsafe
to serve the public with, all at once.

create_app() runs it in production and refuses to start on any problem, and

    PORTAL_ENV=production ... python -m portal.config_check

runs it on its own (a release pipeline's gate), printing each problem and
exiting 1, or printing what it checked and exiting 0.
"""

from __future__ import annotations

import binascii
import os
import sys
from collections.abc import Mapping

# Secrets that have appeared in this repository, its docs or common examples.
KNOWN_SECRETS = {
    "test-secret-key-not-for-production",
    "change-me",
    "changeme",
    "secret",
    "dev",
    "development",
}
# TestConfig's keys: public, so never acceptable for real data.
TEST_KEYS = {
    "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=",
    "dGVzdC1pbmRleC10ZXN0LWluZGV4LXRlc3QtaW5kZXg=",
}
TRUE = {"1", "true", "yes", "on"}

CHECKED = (
    "debug and testing off",
    "SECRET_KEY (and any SECRET_KEY_FALLBACKS) long, random and not a known default",
    "session cookie Secure, HttpOnly, SameSite and __Host- named",
    "HSTS on",
    "CSRF protection on",
    "ENCRYPTION_KEYS and BLIND_INDEX_KEY present, well formed and not the test keys",
    "DATABASE_URL is PostgreSQL",
    "rate limits shared through Redis",
    "the force's name is one of the UK's forces in portal/data (enquiries to other forces)",
    "staff alerts, once SMTP_HOST is set: ALERTS_FROM, an https PORTAL_BASE_URL, and TLS to a "
    "mail server not on this host",
)


def production_problems(config: Mapping, environ: Mapping[str, str] = os.environ) -> list[str]:
    """What makes this configuration unsafe for production: [] when nothing does."""
    problems: list[str] = []
    if config.get("DEBUG") or config.get("TESTING"):
        problems.append("Debug or testing mode is on: tracebacks and shortcuts would be public.")
    if environ.get("FLASK_DEBUG", "").strip().lower() in TRUE:
        problems.append("FLASK_DEBUG is set: unset it, production never runs the debugger.")
    problems += secret_problems(config.get("SECRET_KEY") or "")
    for fallback in config.get("SECRET_KEY_FALLBACKS") or []:
        problems += [
            problem.replace("SECRET_KEY", "A key in SECRET_KEY_FALLBACKS", 1)
            for problem in secret_problems(fallback)
        ]
    if config.get("SECRET_KEY") in (config.get("SECRET_KEY_FALLBACKS") or []):
        problems.append("SECRET_KEY_FALLBACKS holds the current SECRET_KEY.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("The session cookie is not Secure: it would travel over plain HTTP.")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("The session cookie is not HttpOnly: scripts could read it.")
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("The session cookie's SameSite must be Lax or Strict.")
    if not str(config.get("SESSION_COOKIE_NAME", "")).startswith("__Host-"):
        problems.append("The session cookie must be named __Host-…: bound to its host, on HTTPS.")
    if not config.get("HSTS"):
        problems.append("HSTS is off: browsers could be sent to the portal over plain HTTP.")
    if config.get("WTF_CSRF_ENABLED") is False:
        problems.append("CSRF protection is off.")
    if not str(environ.get("TRUSTED_PROXY_HOPS", "")).strip():
        problems.append(
            "TRUSTED_PROXY_HOPS is not set: set it to the number of proxies in front of the "
            "portal that add X-Forwarded-For (0 if none). Trusting a hop that is not there "
            "lets any client choose its own address, and so its own rate limits."
        )
    problems += key_problems(config.get("ENCRYPTION_KEYS") or "", config.get("BLIND_INDEX_KEY"))
    url = str(config.get("DATABASE_URL") or "")
    if not url:
        problems.append("DATABASE_URL is missing: production needs a PostgreSQL URL.")
    elif not url.startswith("postgresql"):
        problems.append("DATABASE_URL is not PostgreSQL: SQLite cannot be shared by several hosts.")
    if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory"):
        problems.append("REDIS_URL is missing: rate limits must be shared by every worker.")
    problems += force_problems(config.get("FORCE_CONFIG"))
    problems += alert_problems(config)
    return problems


def force_problems(path: str | None) -> list[str]:
    """The force's own file: readable, and naming a force the places data
    knows, or every address in its own area would suggest an enquiry to itself."""
    from . import places
    from .force import load_force

    try:
        force = load_force(path)
    except (OSError, ValueError) as error:
        return [f"FORCE_CONFIG cannot be read: {error}"]
    if force.name not in places.forces():
        return [
            f"The force's name {force.name!r} is not one of the forces in "
            "portal/data/police_force_areas.csv: enquiries to other forces need the exact name."
        ]
    return []


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def alert_problems(config: Mapping) -> list[str]:
    """Staff alerts (portal/alerts/): nothing to check until a mail server is set."""
    host = str(config.get("SMTP_HOST") or "")
    if not host:
        return []
    problems = []
    if "@" not in str(config.get("ALERTS_FROM") or ""):
        problems.append("ALERTS_FROM is missing: the address staff alerts are sent from.")
    if not str(config.get("PORTAL_BASE_URL") or "").startswith("https://"):
        problems.append(
            "PORTAL_BASE_URL is not an https:// address: alert e-mails link staff to it."
        )
    if config.get("SMTP_TLS") == "off" and host not in LOOPBACK_HOSTS:
        problems.append(
            "SMTP_TLS is off for a mail server not on this host: alerts and the mail "
            "server's password would cross the network in the clear."
        )
    if config.get("SMTP_TLS") == "off" and config.get("SMTP_PASSWORD"):
        problems.append("SMTP_PASSWORD is set with SMTP_TLS off: it would be sent in the clear.")
    return problems


def secret_problems(key: str) -> list[str]:
    if not key:
        return ["SECRET_KEY is missing: at least 32 random characters."]
    if key.strip().lower() in KNOWN_SECRETS:
        return ["SECRET_KEY is a known default: generate a new one."]
    if len(key) < 32:
        return ["SECRET_KEY is shorter than 32 characters."]
    if len(set(key)) < 12:
        return ["SECRET_KEY repeats too few characters to be random: generate a new one."]
    return []


def key_problems(keys: str, index_key) -> list[str]:
    problems = []
    if not keys:
        problems.append("ENCRYPTION_KEYS is missing: personal data is encrypted at rest.")
    else:
        from .crypto import parse_keys

        try:
            parsed = parse_keys(keys)
        except (ValueError, binascii.Error):
            parsed = None
            problems.append("ENCRYPTION_KEYS is malformed: id=base64 of 32 random bytes, …")
        if parsed == []:
            problems.append("ENCRYPTION_KEYS holds no key.")
        elif parsed and len({kid for kid, _key in parsed}) != len(parsed):
            problems.append("ENCRYPTION_KEYS names one key id twice.")
        if any(test in keys for test in TEST_KEYS):
            problems.append("ENCRYPTION_KEYS holds the test suite's public key.")
    if not index_key:
        problems.append("BLIND_INDEX_KEY is missing: duplicate checks need their own key.")
        return problems
    from .crypto import parse_index_keys

    try:
        parse_index_keys(index_key)
    except ValueError as error:
        problems.append(str(error))
    if any(test in index_key for test in TEST_KEYS):
        problems.append("BLIND_INDEX_KEY holds the test suite's public key.")
    return problems


def main() -> int:
    from . import create_app
    from .config import ConfigError

    if os.environ.get("PORTAL_ENV") != "production":
        print("Set PORTAL_ENV=production and the production settings to check them.")
        return 1
    try:
        create_app()
    except ConfigError as error:
        print("The production configuration is not safe:")
        for line in str(error).splitlines():
            print(f"  - {line}")
        return 1
    print("The production configuration passed every check:")
    for line in CHECKED:
        print(f"  - {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
