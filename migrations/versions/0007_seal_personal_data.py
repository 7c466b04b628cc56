"""Seal personal data at rest: answers, case records and authenticator secrets
become AES-GCM ciphertext, and duplicate keys become keyed blind indexes

Revision ID: 0007
Revises: 0006
"""

import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (table, database column, row key, stored as JSON before)
SEALED = [
    ("draft", "answers", "id", True),
    ("application", "answers", "submission_key", True),
    ("case_record", "data", "uid", True),
    ("staff", "totp_secret", "id", False),
]


def keyring():
    from flask import current_app

    return current_app.extensions["keyring"]


def upgrade() -> None:
    with op.batch_alter_table("case_record") as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
    bind = op.get_bind()
    for (row_id,) in bind.execute(sa.text("SELECT id FROM case_record")).all():
        bind.execute(
            sa.text("UPDATE case_record SET uid = :uid WHERE id = :id"),
            {"uid": secrets.token_hex(16), "id": row_id},
        )
    with op.batch_alter_table("case_record") as batch_op:
        batch_op.alter_column("uid", nullable=False)
        batch_op.create_unique_constraint("uq_case_record_uid", ["uid"])
    for table, column, _key, _json in SEALED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(column, type_=sa.Text(), existing_nullable=True)
    seal_existing(bind)
    for name in ("subject_key", "applicant_key", "at_risk_key"):
        bind.execute(sa.text(f"UPDATE application SET {name} = NULL"))  # noqa: S608


def rows_of(bind, table: str, column: str, key: str):
    query = f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
    return bind.execute(sa.text(query)).all()


def store(bind, table: str, column: str, key: str, row_key, value) -> None:
    query = f"UPDATE {table} SET {column} = :value WHERE {key} = :key"  # noqa: S608
    bind.execute(sa.text(query), {"value": value, "key": row_key})


def seal_existing(bind) -> None:
    """Seal what was stored in the clear before this version (development data)."""
    for table, column, key, was_json in SEALED:
        for row_key, value in rows_of(bind, table, column, key):
            plain = json.loads(value) if was_json and isinstance(value, str) else value
            token = keyring().seal(
                json.dumps(plain, separators=(",", ":")).encode(), f"{table}.{column}.{row_key}"
            )
            store(bind, table, column, key, row_key, token)


def downgrade() -> None:
    bind = op.get_bind()
    for table, column, key, was_json in SEALED:
        for row_key, token in rows_of(bind, table, column, key):
            plain = json.loads(keyring().open(token, f"{table}.{column}.{row_key}"))
            store(bind, table, column, key, row_key, json.dumps(plain) if was_json else plain)
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                type_=sa.JSON() if was_json else sa.String(64),
                existing_nullable=True,
                postgresql_using=f"{column}::json" if was_json else None,
            )
    with op.batch_alter_table("case_record") as batch_op:
        batch_op.drop_constraint("uq_case_record_uid", type_="unique")
        batch_op.drop_column("uid")
