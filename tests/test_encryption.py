"""Personal data at rest: a copy of the database alone shows no applicant's,
subject's or referrer's details; sealed values are bound to their row; keys
rotate; duplicates are still found through keyed blind indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from portal import crypto
from portal.extensions import db
from portal.models import Application, CaseRecord, Draft, Role, Staff

from .casework_support import TRIAGE, record
from .staff_support import StaffBrowser, make_staff
from .support import SELF, SOMEONE_ELSE, Applicant, complete, page_url

SENTINELS = {
    "applicant": "Quentin Sentinelapplicant",
    "subject": "Ulrika Sentinelsubject",
    "at_risk": "Ophelia Sentinelatrisk",
    "free_text": "sentinel-free-text-9317",
    "street": "77 Sentinel Street",
    "email": "sentinel.person@example.com",
    "officer_note": "sentinel-officer-note-4471",
    "late_reason": "sentinel-late-reason-5520",
    "assign_reason": "sentinel-assign-reason-6631",
}


def sentinel_answers() -> dict:
    return SOMEONE_ELSE | {
        "your-name": {"full_name": SENTINELS["applicant"]},
        "subject-name": {"full_name": SENTINELS["subject"], "other_names": ""},
        "person-at-risk": {"full_name": SENTINELS["at_risk"], "age": "30"},
        "concern-details": {"details": SENTINELS["free_text"]},
        "your-address": {"line_1": SENTINELS["street"], "town": "Walsall", "postcode": "WS1 1AA"},
        "safe-contact": {"channels": ["email"], "email": SENTINELS["email"]},
    }


def all_text_in_database(app) -> str:
    """Every value of every column of every table, as text."""
    with app.app_context():
        parts = []
        for table in inspect(db.engine).get_table_names():
            for row in db.session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                parts.extend(str(value) for value in row)
        return "\n".join(parts)


def sqlite_file_bytes(app) -> bytes | None:
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))  # the file, its write-ahead log and index
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_no_personal_data_in_the_raw_database(app, clock):
    unsent = Applicant(app)
    for slug in ("immediate-danger", "who-for", "person-at-risk"):
        unsent.answer(slug, sentinel_answers()[slug])
    sent = Applicant(app)
    complete(sent, sentinel_answers())
    sent.post(page_url("check-your-answers"))
    clock.advance(hours=25)  # triage is late: the officer must say why
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    with app.app_context():
        case_id = db.session.scalars(select(Application.id)).one()
    record(
        officer,
        case_id,
        "triage",
        TRIAGE
        | {
            "immediate_risk": "yes",
            "risk_action": SENTINELS["officer_note"],
            "late_category": "capacity",
            "late_reason": SENTINELS["late_reason"],
        },
    )
    supervisor = StaffBrowser(app, make_staff(app, Role.SUPERVISOR, email="s@example.police.uk"))
    supervisor.sign_in(clock.now)
    supervisor.post(
        f"/admin/cases/{case_id}/assign",
        {"assign_to": str(officer.staff.id), "reason": SENTINELS["assign_reason"]},
        token_from=f"/admin/cases/{case_id}/assign",
    )
    trail = supervisor.client.get(f"/admin/cases/{case_id}/audit").get_data(as_text=True)
    assert SENTINELS["late_reason"] in trail and SENTINELS["assign_reason"] in trail
    dump = all_text_in_database(app)
    raw = sqlite_file_bytes(app)
    for name, value in SENTINELS.items():
        assert value not in dump, f"{name} is readable in the database"
        if raw is not None:
            assert value.encode() not in raw, f"{name} is in the SQLite file"
    with app.app_context():  # and the service itself still reads them
        case = db.session.get(Application, case_id)
        assert case.answers["your-name"]["full_name"] == SENTINELS["applicant"]
        triage = db.session.scalars(select(CaseRecord).where(CaseRecord.kind == "triage")).one()
        assert triage.data["risk_action"] == SENTINELS["officer_note"]


def test_the_authenticator_secret_is_sealed(app):
    staff = make_staff(app, Role.OFFICER)
    with app.app_context():
        stored = db.session.execute(text("SELECT totp_secret FROM staff")).scalar_one()
        assert staff.totp_secret not in stored and stored.startswith(crypto.ring().current)


def test_a_sealed_value_does_not_open_in_another_row(app):
    complete(Applicant(app), SELF)
    complete(Applicant(app), SELF | {"your-name": {"full_name": "Someone Else"}})
    with app.app_context():
        first, second = db.session.scalars(select(Draft).order_by(Draft.created_at)).all()
        db.session.execute(
            text("UPDATE draft SET answers = :a WHERE id = :id"),
            {"a": first.answers_sealed, "id": second.id},
        )
        db.session.commit()
        db.session.expire_all()
        moved = db.session.get(Draft, second.id)
        with pytest.raises(crypto.KeyError_):
            _ = moved.answers


def test_keys_rotate_and_old_keys_still_open_until_then(app, monkeypatch):
    complete(Applicant(app), SELF)
    staff = make_staff(app, Role.OFFICER)
    old = crypto.ring()
    old_keys = [(kid, None) for kid in old.keys]
    new_ring = crypto.KeyRing([("rotated", b"\x01" * 32)], list(old.index_keys.items()))
    new_ring.keys.update(old.keys)  # the new key seals; the old ones still open
    monkeypatch.setitem(app.extensions, "keyring", new_ring)
    monkeypatch.setattr(crypto, "_outside_requests", new_ring)
    with app.app_context():
        assert db.session.scalars(select(Draft)).one().answers["your-name"]
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "1"])
    # The draft's answers and what its journey was counted for, and the TOTP secret.
    assert "Re-sealed 3 values under key rotated" in result.output, result.output
    again = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert "Re-sealed 0 values" in again.output
    with app.app_context():
        tokens = [
            db.session.execute(text(q)).scalar_one()
            for q in (
                "SELECT answers FROM draft",
                "SELECT counted FROM draft",
                "SELECT totp_secret FROM staff",
            )
        ]
        assert all(t.startswith("rotated:") for t in tokens)
        for kid, _none in old_keys:
            del new_ring.keys[kid]  # the old key can go once rotation has finished
        assert db.session.get(Staff, staff.id).totp_secret == staff.totp_secret


def test_possible_duplicates_are_found_by_blind_index(app):
    for answers in (
        SELF,
        SELF | {"subject-name": {"full_name": "SAM  subject", "other_names": ""}},
    ):
        applicant = Applicant(app)
        complete(applicant, answers)
        applicant.post(page_url("check-your-answers"))
    with app.app_context():
        keys = db.session.scalars(select(Application.subject_key)).all()
    assert len(keys) == 2 and keys[0] == keys[1]
    assert all(len(key) == 64 for key in keys)  # an HMAC, not a name


def test_new_keys_are_printed_in_the_expected_form(app):
    result = app.test_cli_runner().invoke(args=["keys", "new", "k2"])
    assert crypto.parse_keys(result.output.strip())[0][0] == "k2"
