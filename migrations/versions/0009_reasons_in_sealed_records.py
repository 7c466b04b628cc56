"""Officers' reasons only in sealed case records: missed-deadline reasons and
the audit log's free-text reason column move into the (encrypted) case
records; deviations and audit rows point at the record instead

An officer's reason can name the people in a case ("could not reach her at her
sister's"), so it is personal data: in the clear it was readable in a copy of
the database, and in the append-only audit log it outlived the case's erasure
under the retention rules. Now a record is erased with its case, and the audit
row only names it.

Revision ID: 0009
Revises: 0008
"""

import json
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

REASON_FIELDS = ("late_reason", "reason", "override_reason", "assignment_reason")

# The append-only guards of migration 0003, lifted for this one rewrite.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
]


# Typed, so each database gets its own way of storing a time.
CASE_RECORD = sa.table(
    "case_record",
    sa.column("uid", sa.String),
    sa.column("application_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("data", sa.Text),
    sa.column("recorded_by_id", sa.Integer),
    sa.column("recorded_at", sa.DateTime(timezone=True)),
)


def keyring():
    from flask import current_app

    return current_app.extensions["keyring"]


def open_data(uid: str, token: str) -> dict:
    return json.loads(keyring().open(token, f"case_record.data.{uid}"))


def seal_data(uid: str, data: dict) -> str:
    return keyring().seal(
        json.dumps(data, separators=(",", ":")).encode(), f"case_record.data.{uid}"
    )


def as_json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def as_utc(value) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Records:
    """One application's case records, opened as needed."""

    def __init__(self, bind, application_id: int):
        self.bind, self.application_id = bind, application_id
        self.reload()

    def reload(self) -> None:
        query = sa.text(
            "SELECT uid, kind, data, recorded_at FROM case_record WHERE application_id = :a"
        )
        self.rows = self.bind.execute(query, {"a": self.application_id}).all()

    def closest(self, kind: str, at) -> str | None:
        """The uid of the record of this kind written nearest to `at`."""
        moment = as_utc(at)
        candidates = [row for row in self.rows if row.kind == kind]
        if not candidates:
            return None
        return min(candidates, key=lambda row: abs(as_utc(row.recorded_at) - moment)).uid

    def add_reason(self, uid: str, reason: str, field: str) -> None:
        (token,) = [row.data for row in self.rows if row.uid == uid]
        data = open_data(uid, token)
        if any(data.get(name) for name in REASON_FIELDS):
            return  # already there (a decision's reason, an unsafe channel's reason)
        data[field] = reason
        self.bind.execute(
            sa.text("UPDATE case_record SET data = :d WHERE uid = :u"),
            {"d": seal_data(uid, data), "u": uid},
        )
        self.reload()

    def new(self, kind: str, data: dict, by: int | None, at) -> str:
        uid = secrets.token_hex(16)
        self.bind.execute(
            CASE_RECORD.insert().values(
                uid=uid,
                application_id=self.application_id,
                kind=kind,
                data=seal_data(uid, data),
                recorded_by_id=by,
                recorded_at=as_utc(at),
            )
        )
        self.reload()
        return uid


def move_deviation_reasons(bind) -> None:
    deviations = sa.text("UPDATE application SET deviations = :d WHERE id = :id").bindparams(
        sa.bindparam("d", type_=sa.JSON)
    )
    for case_id, stored in bind.execute(sa.text("SELECT id, deviations FROM application")).all():
        listed = as_json(stored) or []
        if not any(d.get("reason") for d in listed):
            continue
        records = Records(bind, case_id)
        moved = []
        for deviation in listed:
            reason = deviation.pop("reason", None)
            if reason:
                uid = records.closest(deviation["deadline"], deviation["at"])
                if uid is None:
                    uid = records.new(
                        "note", {"note": reason}, deviation.get("by"), deviation["at"]
                    )
                else:
                    records.add_reason(uid, reason, "late_reason")
                deviation["record"] = uid
            moved.append(deviation)
        bind.execute(deviations, {"d": moved, "id": case_id})


def move_audit_reasons(bind) -> None:
    detail = sa.text("UPDATE audit_event SET detail = :d WHERE id = :id").bindparams(
        sa.bindparam("d", type_=sa.JSON)
    )
    query = sa.text(
        "SELECT id, action, application_id, actor_id, at, reason, detail FROM audit_event "
        "WHERE reason IS NOT NULL AND reason <> ''"
    )
    for event in bind.execute(query).all():
        details = as_json(event.detail)
        if event.application_id is None:
            continue  # no case to keep it with: the column goes, and the reason with it
        records = Records(bind, event.application_id)
        if event.action == "case_assigned":
            to = (details.get("changes", {}).get("assigned_to_id") or [None, None])[1]
            uid = records.new(
                "assignment",
                {"assignment_reason": event.reason, "assigned_to_id": to},
                event.actor_id,
                event.at,
            )
        else:
            uid = records.closest(event.action.removeprefix("case_"), event.at)
            if uid is None:
                records.new("note", {"note": event.reason}, event.actor_id, event.at)
                continue
            records.add_reason(uid, event.reason, "late_reason")
        bind.execute(detail, {"d": {**details, "reason_in": uid}, "id": event.id})


def lift_append_only(bind) -> None:
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
    elif bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def restore_append_only(bind) -> None:
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    elif bind.dialect.name == "sqlite":
        # Rebuilding the table (SQLite's way to drop a column) dropped them too.
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    move_deviation_reasons(bind)
    lift_append_only(bind)
    move_audit_reasons(bind)
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.drop_column("reason")
    restore_append_only(bind)


def downgrade() -> None:
    bind = op.get_bind()
    lift_append_only(bind)
    with op.batch_alter_table("audit_event") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))
    tokens = dict(bind.execute(sa.text("SELECT uid, data FROM case_record")).all())

    def reason_in(uid):
        if uid not in tokens:
            return None
        data = open_data(uid, tokens[uid])
        return next((data[name] for name in REASON_FIELDS if data.get(name)), None)

    events = bind.execute(sa.text("SELECT id, detail FROM audit_event")).all()
    for event_id, stored in events:
        uid = as_json(stored).get("reason_in")
        if uid:
            bind.execute(
                sa.text("UPDATE audit_event SET reason = :r WHERE id = :id"),
                {"r": reason_in(uid), "id": event_id},
            )
    restore_append_only(bind)
    deviations = sa.text("UPDATE application SET deviations = :d WHERE id = :id").bindparams(
        sa.bindparam("d", type_=sa.JSON)
    )
    for case_id, stored in bind.execute(sa.text("SELECT id, deviations FROM application")).all():
        listed = as_json(stored) or []
        if any(d.get("record") for d in listed):
            restored = [
                {**d, "reason": reason_in(d["record"]) or ""} if d.get("record") else d
                for d in listed
            ]
            bind.execute(deviations, {"d": restored, "id": case_id})
