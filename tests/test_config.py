"""Configuration: chosen by PORTAL_ENV; production refuses to start unsafe."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError, load_config
from portal.force import Force, load_force

PRODUCTION_KEY = "Vq3xN8rT2bLw6yHj9KcZ4mPd7sFg1aE5uRt0oWiX"
# Never connected to by these tests: creating the app opens no connection.
PRODUCTION_DATABASE = "postgresql+psycopg://portal@127.0.0.1:5432/portal"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), "production")


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "dev")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), "production")


def test_production_refuses_to_start_without_a_database(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(str(tmp_path), "production")


def with_keys(monkeypatch):
    from portal.crypto import new_key_text

    monkeypatch.setenv("ENCRYPTION_KEYS", new_key_text("k1"))
    monkeypatch.setenv("BLIND_INDEX_KEY", new_key_text("x").split("=", 1)[1])


def test_production_refuses_to_start_without_encryption_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    with pytest.raises(ConfigError, match="ENCRYPTION_KEYS"):
        load_config(str(tmp_path), "production")


def test_production_refuses_to_start_without_redis(monkeypatch, tmp_path):
    with_keys(monkeypatch)
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/portal")
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(str(tmp_path), "production")


def test_production_cookies_and_headers(monkeypatch, tmp_path):
    with_keys(monkeypatch)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"PORTAL_ENV": "production"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = app.test_client().get("/accessibility")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        load_config(str(tmp_path), "staging")


def test_development_keeps_a_generated_secret_and_an_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = load_config(str(tmp_path), "development")
    second = load_config(str(tmp_path), "development")
    assert first.SECRET_KEY == second.SECRET_KEY and len(first.SECRET_KEY) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.DATABASE_URL == "sqlite:///" + str(tmp_path / "portal.sqlite3")


def test_the_csrf_token_lasts_as_long_as_a_draft(monkeypatch, tmp_path):
    monkeypatch.setenv("DRAFT_IDLE_MINUTES", "90")
    config = load_config(str(tmp_path), "development")
    assert config.WTF_CSRF_TIME_LIMIT == 90 * 60


def test_a_bad_number_is_refused_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("DRAFT_IDLE_MINUTES", "an hour")
    with pytest.raises(ConfigError, match="DRAFT_IDLE_MINUTES"):
        load_config(str(tmp_path), "development")


def test_the_default_force_is_west_midlands_police():
    force = load_force(None)
    assert force.name == "West Midlands Police"
    assert len(force.local_authorities) == 7


def test_another_force_comes_from_a_file(tmp_path, app, make_app):
    path = tmp_path / "force.toml"
    path.write_text('name = "Example Constabulary"\nlocal_authorities = ["Northtown"]\n')
    force = load_force(str(path))
    assert force == Force(name="Example Constabulary", local_authorities=("Northtown",), words={})
    other = make_app(FORCE_CONFIG=str(path))
    client = other.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "Example Constabulary" in html and "West Midlands" not in html


def test_a_force_gives_its_own_words_in_each_language_of_the_pages(tmp_path, make_app):
    path = tmp_path / "force.toml"
    path.write_text(
        'name = "Dyfed-Powys Police"\narea_name = "Dyfed-Powys"\n'
        'contact_hours = "8am to 8pm"\n'
        '[words.cy]\ncontact_hours = "8yb tan 8yh"\n'
        '[[support_services]]\nname = "Calan DVS"\nabout = "For people in Powys."\n'
        'about_in = {cy = "Ar gyfer pobl ym Mhowys."}\n'
    )
    client = make_app(FORCE_CONFIG=str(path)).test_client()
    english = client.get("/contact").get_data(as_text=True)
    assert "8am to 8pm" in english
    client.get("/language/cy?next=/")
    welsh = client.get("/contact").get_data(as_text=True)
    assert "8yb tan 8yh" in welsh and "8am to 8pm" not in welsh
    (service,) = load_force(str(path)).in_language("cy").support_services
    assert service.about == "Ar gyfer pobl ym Mhowys."
    assert load_force(str(path)).in_language("pl").area_name == "Dyfed-Powys"  # none given
    path.write_text('name = "Dyfed-Powys Police"\n[words.cy]\nwebsite = "https://x.example"\n')
    with pytest.raises(ValueError, match="not website"):
        load_force(str(path))


def test_a_force_file_with_an_unknown_key_is_refused(tmp_path):
    path = tmp_path / "force.toml"
    path.write_text('nmae = "Typo Police"\n')
    with pytest.raises(ValueError, match="nmae"):
        load_force(str(path))


def production_environment(monkeypatch, tmp_path) -> None:
    """Settings that pass every production check."""
    with_keys(monkeypatch)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DATABASE_URL", PRODUCTION_DATABASE)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def test_production_lists_every_problem_at_once(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError) as refused:
        load_config(str(tmp_path), "production")
    message = str(refused.value)
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        assert f"{name} is missing" in message


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEBUG": True}, "Debug"),
        ({"TESTING": True}, "testing"),
        ({"SESSION_COOKIE_SECURE": False}, "not Secure"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "not HttpOnly"),
        ({"SESSION_COOKIE_SAMESITE": None}, "SameSite"),
        ({"SESSION_COOKIE_NAME": "portal_session"}, "__Host-"),
        ({"HSTS": False}, "HSTS"),
        ({"WTF_CSRF_ENABLED": False}, "CSRF"),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, tmp_path, change, complaint):
    production_environment(monkeypatch, tmp_path)
    with pytest.raises(ConfigError, match=complaint):
        create_app({"PORTAL_ENV": "production", **change})


@pytest.mark.parametrize(
    ("name", "value", "complaint"),
    [
        ("SECRET_KEY", "test-secret-key-not-for-production", "known default"),
        ("SECRET_KEY", "a" * 48, "too few characters"),
        ("SECRET_KEY", "Vq3xN8rT2bLw", "shorter than 32"),
        ("FLASK_DEBUG", "1", "FLASK_DEBUG"),
        ("SECRET_KEY_FALLBACKS", "change-me", "A key in SECRET_KEY_FALLBACKS is a known"),
        ("SECRET_KEY_FALLBACKS", PRODUCTION_KEY, "holds the current SECRET_KEY"),
        ("DATABASE_URL", "sqlite:///portal.sqlite3", "not PostgreSQL"),
        ("ENCRYPTION_KEYS", "test1=dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieXQ=", "test suite"),
        ("ENCRYPTION_KEYS", "k1=not-a-key", "malformed"),
        ("BLIND_INDEX_KEY", "dGVzdC1pbmRleC10ZXN0LWluZGV4LXRlc3QtaW5kZXg=", "test suite"),
        ("BLIND_INDEX_KEY", "ix1=too-short", "BLIND_INDEX_KEY is malformed"),
    ],
)
def test_production_refuses_unsafe_environment(monkeypatch, tmp_path, name, value, complaint):
    production_environment(monkeypatch, tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=complaint):
        create_app()


def test_the_check_command_passes_safe_settings_and_lists_unsafe_ones(monkeypatch, tmp_path):
    import os
    import subprocess
    import sys

    production_environment(monkeypatch, tmp_path)
    check = [sys.executable, "-m", "portal.config_check"]
    passed = subprocess.run(check, capture_output=True, text=True, env=dict(os.environ))  # noqa: S603
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "passed every check" in passed.stdout

    monkeypatch.setenv("SECRET_KEY", "change-me")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    failed = subprocess.run(check, capture_output=True, text=True, env=dict(os.environ))  # noqa: S603
    assert failed.returncode == 1
    assert "SECRET_KEY is a known default" in failed.stdout
    assert "FLASK_DEBUG is set" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr


@pytest.mark.parametrize("hops", ["0", "1", "2"])
def test_production_trusts_exactly_the_proxies_it_is_told_of(monkeypatch, tmp_path, hops):
    production_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", hops)
    app = create_app()
    assert app.config["TRUSTED_PROXY_HOPS"] == int(hops)


def test_production_will_not_guess_whether_a_proxy_is_in_front(monkeypatch, tmp_path):
    production_environment(monkeypatch, tmp_path)
    monkeypatch.delenv("TRUSTED_PROXY_HOPS")
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS is not set"):
        create_app()


def test_without_a_proxy_a_forged_forwarded_address_is_not_believed(monkeypatch, tmp_path):
    production_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "0")
    app = create_app()
    seen = {}

    @app.get("/whoami-test")
    def whoami():
        from flask import request

        seen["address"] = request.remote_addr
        return ""

    app.test_client().get(
        "/whoami-test",
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert seen["address"] == "198.51.100.7"


def test_production_refuses_a_force_the_places_data_does_not_know(monkeypatch, tmp_path):
    production_environment(monkeypatch, tmp_path)
    force = tmp_path / "force.toml"
    force.write_text('name = "Example Constabulary"\n')
    monkeypatch.setenv("FORCE_CONFIG", str(force))
    with pytest.raises(ConfigError, match="'Example Constabulary' is not one of the forces"):
        create_app()
    force.write_text('name = "South Wales Police"\narea_name = "South Wales"\n')
    assert create_app().extensions["force"].name == "South Wales Police"
    force.write_text('name = "South Wales Police"\ncolour = "blue"\n')
    with pytest.raises(ConfigError, match="FORCE_CONFIG cannot be read: Unknown keys"):
        create_app()
