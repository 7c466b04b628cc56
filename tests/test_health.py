"""/healthz says the process is serving; /readyz says the database answers and
is at the latest migration. Neither tells a caller anything more."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from portal import create_app
from portal.database import downgrade, upgrade
from portal.extensions import db


@contextmanager
def app_on(url: str):
    app = create_app({"PORTAL_ENV": "test", "DATABASE_URL": url})
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def assert_plain(response, status: int, body: str) -> None:
    assert response.status_code == status
    assert response.get_data(as_text=True) == body
    assert response.mimetype == "text/plain"
    # The same headers as every other response.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_without_touching_the_database(app, client):
    statements = []

    def seen(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert_plain(response, 200, "ok")
    assert statements == []


def test_readyz_is_ready_on_a_migrated_database(client):
    assert_plain(client.get("/readyz"), 200, "ready")


def test_readyz_is_not_ready_until_the_migrations_are_at_head(tmp_path):
    with app_on("sqlite:///" + str(tmp_path / "ready.sqlite3")) as app:
        client = app.test_client()
        assert_plain(client.get("/readyz"), 503, "not ready")  # no migrations at all
        with app.app_context():
            upgrade(db.engine)
        assert_plain(client.get("/readyz"), 200, "ready")
        with app.app_context():
            downgrade(db.engine, "-1")
        assert_plain(client.get("/readyz"), 503, "not ready")  # one migration behind


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://portal@127.0.0.1:1/portal",  # nothing listens on port 1
        "sqlite:////nonexistent-folder/portal.sqlite3",
    ],
    ids=["postgresql", "sqlite"],
)
def test_readyz_is_not_ready_when_the_database_cannot_be_reached(url):
    with app_on(url) as app:
        client = app.test_client()
        assert_plain(client.get("/readyz"), 503, "not ready")  # and no error text
        assert_plain(client.get("/healthz"), 200, "ok")  # the process itself is fine


def test_a_request_starts_no_thread(app, monkeypatch):
    """Serving a page starts no thread of its own: no async teardown for the
    database (the portal has no async engine), which would start one each time."""
    import threading

    started = []
    original = threading.Thread.start

    def counting(thread):
        started.append(thread.name)
        return original(thread)

    client = app.test_client()
    client.get("/accessibility")  # anything lazily started on the first request
    monkeypatch.setattr(threading.Thread, "start", counting)
    assert client.get("/accessibility").status_code == 200
    assert client.get("/apply/right-to-ask/immediate-danger").status_code == 200
    assert started == []
