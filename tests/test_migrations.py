"""The schema comes from the migrations, and matches the models."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from portal.database import downgrade, upgrade
from portal.models import Base


def test_the_migrated_schema_matches_the_models(app):
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path):
    engine = create_engine("sqlite:///" + str(tmp_path / "m.sqlite3"))
    upgrade(engine)
    assert {"application", "draft"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"application", "draft"} <= set(inspect(engine).get_table_names())
    engine.dispose()


@contextmanager
def scratch_database(app, tmp_path) -> Iterator[Engine]:
    """An empty database of the suite's kind: a file, or a new PostgreSQL database."""
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        engine = create_engine("sqlite:///" + str(tmp_path / "scratch.sqlite3"))
        yield engine
        engine.dispose()
        return
    name = "portal_migration_" + secrets.token_hex(4)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_officers_reasons_move_into_sealed_records_and_back(app, tmp_path):
    """0009: reasons written before it (in a deviation, in an audit row) end up
    only in sealed case records, still shown, and come back on a downgrade."""
    from portal import crypto

    sealed = crypto.ring()
    at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with app.app_context(), scratch_database(app, tmp_path) as engine:
        upgrade(engine, "0008")
        with engine.begin() as connection:
            for staff_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO staff (id, email, name, role, active, totp_enabled, "
                        "failed_attempts, created_at) VALUES (:id, :email, 'Officer', "
                        "'officer', true, false, 0, :at)"
                    ),
                    {"id": staff_id, "email": f"o{staff_id}@example.police.uk", "at": at},
                )
            connection.execute(
                text(
                    "INSERT INTO application (id, reference, submission_key, scheme, route, "
                    "channel, applicant_type, submitted_at, submitted_on, triage_due_at, "
                    "completion_due_at, answers, stage, concern_types, contact_channels, "
                    "communication_needs, deviations) VALUES (1, 'AB2CD3EF', 'k', "
                    "'right-to-ask', 'self', 'online', 'self', :at, '2026-11-01', :at, :at, "
                    "'x', 'triaged', '[]', '[]', '[]', :deviations)"
                ),
                {
                    "at": at,
                    "deviations": json.dumps(
                        [
                            {
                                "deadline": "triage",
                                "reason": "Weekend cover",
                                "by": 1,
                                "at": at.isoformat(),
                            }
                        ]
                    ),
                },
            )
            triage = sealed.seal(b'{"decision":"proceed"}', "case_record.data.u1")
            connection.execute(
                text(
                    "INSERT INTO case_record (uid, application_id, kind, data, recorded_by_id, "
                    "recorded_at) VALUES ('u1', 1, 'triage', :data, 1, :at)"
                ),
                {"data": triage, "at": at},
            )
            for action, reason, detail in (
                ("case_triage", "Weekend cover", {}),
                ("case_assigned", "Knows the area", {"changes": {"assigned_to_id": [None, 2]}}),
            ):
                connection.execute(
                    text(
                        "INSERT INTO audit_event (at, action, actor_id, application_id, reason, "
                        "detail) VALUES (:at, :action, 1, 1, :reason, :detail)"
                    ),
                    {"at": at, "action": action, "reason": reason, "detail": json.dumps(detail)},
                )

        upgrade(engine, "0009")
        assert "reason" not in {c["name"] for c in inspect(engine).get_columns("audit_event")}
        with engine.connect() as connection:
            everything = " ".join(
                str(value)
                for table in ("application", "case_record", "audit_event")
                for row in connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
                for value in row
            )
            assert "Weekend cover" not in everything and "Knows the area" not in everything
            records = {
                uid: json.loads(sealed.open(data, f"case_record.data.{uid}"))
                for uid, data in connection.execute(text("SELECT uid, data FROM case_record"))
            }
            assert records["u1"] == {"decision": "proceed", "late_reason": "Weekend cover"}
            details = [
                json.loads(d) if isinstance(d, str) else d
                for d in connection.execute(text("SELECT detail FROM audit_event ORDER BY id"))
                .scalars()
                .all()
            ]
            assert details[0]["reason_in"] == "u1"
            moved = records[details[1]["reason_in"]]
            assert moved == {"assignment_reason": "Knows the area", "assigned_to_id": 2}
            with pytest.raises(DBAPIError):  # still append-only
                connection.execute(text("DELETE FROM audit_event"))

        downgrade(engine, "0008")
        with engine.connect() as connection:
            reasons = connection.execute(text("SELECT reason FROM audit_event ORDER BY id"))
            assert reasons.scalars().all() == ["Weekend cover", "Knows the area"]
            deviations = connection.execute(text("SELECT deviations FROM application")).scalar()
            deviations = json.loads(deviations) if isinstance(deviations, str) else deviations
            assert deviations[0]["reason"] == "Weekend cover"


def test_daily_counts_are_added_up_into_monthly_cells(app, tmp_path):
    """0013: the daily rollups (which outlive the raw events) become monthly
    cells, journey and application counts alike, nothing lost."""
    with app.app_context(), scratch_database(app, tmp_path) as engine:
        upgrade(engine, "0012")
        with engine.begin() as connection:
            for day, count in (("2026-10-03", 3), ("2026-10-29", 4), ("2026-11-02", 6)):
                connection.execute(
                    text(
                        "INSERT INTO daily_stat (day, scheme, kind, page, question, message, "
                        "value, count) VALUES (:day, 'right-to-ask', 'started', 'immediate-danger',"
                        " '', '', 0, :count)"
                    ),
                    {"day": day, "count": count},
                )
                connection.execute(
                    text(
                        "INSERT INTO application_stat (day, scheme, route, dimension, value, "
                        "count) VALUES (:day, 'dvds', 'right_to_ask', 'all', '1', :count)"
                    ),
                    {"day": day, "count": count},
                )
        upgrade(engine, "0013")
        with engine.connect() as connection:
            journeys = connection.execute(
                text("SELECT month, version, count FROM journey_stat ORDER BY month")
            ).all()
            applications = connection.execute(
                text("SELECT month, count FROM application_stat ORDER BY month")
            ).all()
        assert [(str(m), v, n) for m, v, n in journeys] == [
            ("2026-10-01", "", 7),
            ("2026-11-01", "", 6),
        ]
        assert [(str(m), n) for m, n in applications] == [("2026-10-01", 7), ("2026-11-01", 6)]
        assert "daily_stat" not in inspect(engine).get_table_names()
