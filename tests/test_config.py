"""Configuration: chosen by PORTAL_ENV; production refuses to start unsafe."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError, load_config
from portal.force import Force, load_force

PRODUCTION_KEY = "k" * 40


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
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "p.sqlite3"))
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
    assert force == Force(name="Example Constabulary", local_authorities=("Northtown",))
    other = make_app(FORCE_CONFIG=str(path))
    client = other.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "Example Constabulary" in html and "West Midlands" not in html


def test_a_force_file_with_an_unknown_key_is_refused(tmp_path):
    path = tmp_path / "force.toml"
    path.write_text('nmae = "Typo Police"\n')
    with pytest.raises(ValueError, match="nmae"):
        load_force(str(path))
