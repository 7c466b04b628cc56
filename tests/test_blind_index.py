"""Rotating BLIND_INDEX_KEY: duplicates keep being found while a new key is
added, while `keys reindex` runs and after the old key has gone; indexes
written before key ids are read; erased cases stay without indexes; a
malformed key stops the app from starting."""

from __future__ import annotations

import base64
import re
import secrets

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal import create_app, crypto, retention
from portal.casework import queries as casework
from portal.config import ConfigError
from portal.extensions import db
from portal.models import Application, Role

from .casework_support import submit
from .staff_support import StaffBrowser, make_staff

NEW = base64.b64encode(b"\x02" * 32).decode()
COLUMNS = ("subject_key", "applicant_key", "at_risk_key")


@pytest.fixture
def other_app(app, make_app, monkeypatch):
    """An app on the test database with another BLIND_INDEX_KEY. Code outside
    any app context goes back to the suite's key ring when the test ends."""
    monkeypatch.setattr(crypto, "_outside_requests", crypto.ring())
    return lambda index_key: make_app(BLIND_INDEX_KEY=index_key)


@pytest.fixture
def old_key(app) -> str:
    return app.config["BLIND_INDEX_KEY"]  # the test suite's: one plain key, as deployed today


def officer_on(app, staff, clock) -> StaffBrowser:
    """The officer signed in on that app (a code is accepted once: the next
    sign-in waits for the next one)."""
    clock.advance(seconds=30)
    browser = StaffBrowser(app, staff)
    assert browser.sign_in(clock.now).status_code == 302
    return browser


def duplicates_shown(browser: StaffBrowser, case_id: int) -> dict[str, str]:
    """What the case page lists under "Possible duplicates": reference -> reasons."""
    response = browser.client.get(f"/admin/cases/{case_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    heading = BeautifulSoup(html, "html.parser").find("h2", string="Possible duplicates")
    if heading is None:
        return {}
    shown = {}
    for item in heading.find_next_sibling("ul").find_all("li"):
        link = item.find("a")
        shown[link.get_text()] = item.get_text(" ", strip=True)
    return shown


def reference(app, case_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, case_id).reference


def stored_indexes(app) -> list[str | None]:
    with app.app_context():
        columns = (getattr(Application, c) for c in COLUMNS)
        # In the order submitted: PostgreSQL returns rows in no set order otherwise.
        rows = db.session.execute(select(*columns).order_by(Application.id)).all()
    return [value for row in rows for value in row]


def reindex(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["keys", "reindex", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_duplicates_are_found_through_a_rotation_of_the_index_key(app, other_app, old_key, clock):
    staff = make_staff(app, Role.OFFICER)
    first = submit(app)  # indexed under today's single key: plain hex
    rotated = other_app(f"ix2={NEW},{old_key}")  # a new current key, the old one kept
    second = submit(rotated)
    assert all(re.fullmatch("[0-9a-f]{64}", v) for v in stored_indexes(app)[:2])

    officer = officer_on(rotated, staff, clock)
    shown = duplicates_shown(officer, second)
    assert "same subject" in shown[reference(app, first)]
    assert "same applicant" in shown[reference(app, first)]
    assert reference(app, second) in duplicates_shown(officer, first)

    # Dropping the old key before re-indexing would hide the earlier case.
    new_only = other_app(f"ix2={NEW}")
    assert duplicates_shown(officer_on(new_only, staff, clock), second) == {}

    assert "Re-indexed 1 applications under blind index key ix2" in reindex(rotated, "--batch", "1")
    assert all(v is None or v.startswith("ix2:") for v in stored_indexes(app))
    assert "Re-indexed 0 applications" in reindex(rotated)

    officer = officer_on(new_only, staff, clock)  # the old key has gone
    assert "same subject" in duplicates_shown(officer, second)[reference(app, first)]
    assert reference(app, second) in duplicates_shown(officer, first)


def test_reindex_carries_on_where_a_stopped_run_left_off(app, other_app, old_key, monkeypatch):
    cases = [submit(app) for _ in range(3)]
    rotated = other_app(f"ix2={NEW},{old_key}")
    from portal import applications

    real, calls = applications.duplicate_keys, []

    def stops_on_the_second(answers):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the run is stopped")
        return real(answers)

    monkeypatch.setattr(applications, "duplicate_keys", stops_on_the_second)
    stopped = rotated.test_cli_runner().invoke(args=["keys", "reindex", "--batch", "1"])
    assert stopped.exit_code != 0
    with app.app_context():
        done = db.session.scalars(select(Application.subject_key)).all()
    assert sum(v.startswith("ix2:") for v in done) == 1  # the first batch was kept
    monkeypatch.setattr(applications, "duplicate_keys", real)
    assert "Re-indexed 2 applications" in reindex(rotated, "--batch", "2")
    with rotated.app_context():
        case = db.session.get(Application, cases[0])
        found = {other.id for other, _why in casework.possible_duplicates(case)}
    assert found == set(cases[1:])


def test_erased_cases_stay_without_indexes(app, other_app, old_key):
    kept, erased = submit(app), submit(app)
    with app.app_context():
        assert retention.erase(erased)
    rotated = other_app(f"ix2={NEW},{old_key}")
    assert "Re-indexed 1 applications" in reindex(rotated)
    with rotated.app_context():
        row = db.session.get(Application, erased)
        assert [getattr(row, c) for c in COLUMNS] == [None, None, None]
        assert casework.possible_duplicates(db.session.get(Application, kept)) == []


def test_indexes_from_before_key_ids_are_read(app, other_app, old_key):
    first = submit(app)
    stored = stored_indexes(app)[0]
    assert ":" not in stored  # plain hex, as before key ids
    assert crypto.parse_index_keys(old_key) == crypto.parse_index_keys(f"legacy={old_key}")
    # The old key named explicitly works as well as the plain key.
    rotated = other_app(f"ix2={NEW},legacy={old_key}")
    second = submit(rotated)
    with rotated.app_context():
        case = db.session.get(Application, second)
        assert [other.id for other, _why in casework.possible_duplicates(case)] == [first]


@pytest.mark.parametrize(
    "index_key",
    [
        "not base64 at all",
        "ix2=not-base64",
        "ix2=" + base64.b64encode(b"short").decode(),
        "bad id!=" + NEW,
        f"ix2={NEW},ix2={NEW}",
        f"{NEW},legacy={NEW}",
        "",
    ],
)
def test_a_malformed_index_key_is_refused(other_app, index_key):
    with pytest.raises(ConfigError, match="BLIND_INDEX_KEY") as refused:
        other_app(index_key)
    assert NEW not in str(refused.value)  # a key is never echoed


def production_environment(monkeypatch, tmp_path, index_key: str) -> None:
    monkeypatch.setattr(crypto, "_outside_requests", crypto._outside_requests)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://portal@127.0.0.1:5432/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "1")
    monkeypatch.setenv("ENCRYPTION_KEYS", crypto.new_key_text("k1"))
    monkeypatch.setenv("BLIND_INDEX_KEY", index_key)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def test_production_refuses_a_malformed_index_key(monkeypatch, tmp_path):
    production_environment(monkeypatch, tmp_path, "ix2=c2hvcnQ=,ix1=%%%")
    with pytest.raises(ConfigError, match="BLIND_INDEX_KEY is malformed") as refused:
        create_app()
    assert "c2hvcnQ" not in str(refused.value)  # a key is never echoed
    assert refused.value.__cause__ is None  # nor base64's traceback


def test_production_takes_a_single_key_or_a_ring(monkeypatch, tmp_path):
    old = base64.b64encode(secrets.token_bytes(32)).decode()
    production_environment(monkeypatch, tmp_path, old)
    assert create_app().extensions["keyring"].index_current == crypto.LEGACY_INDEX_ID
    fresh = crypto.new_key_text("ix2")
    monkeypatch.setenv("BLIND_INDEX_KEY", f"{fresh},{old}")
    ring = create_app().extensions["keyring"]
    assert list(ring.index_keys) == ["ix2", crypto.LEGACY_INDEX_ID]


def test_new_index_keys_are_printed_in_the_expected_form(app):
    printed = app.test_cli_runner().invoke(args=["keys", "new", "--index", "ix3"])
    [(kid, key)] = crypto.parse_index_keys(printed.output.strip())
    assert kid == "ix3" and len(key) == 32
    refused = app.test_cli_runner().invoke(args=["keys", "new", "--index", "legacy"])
    assert refused.exit_code != 0 and "choose another id" in refused.output
