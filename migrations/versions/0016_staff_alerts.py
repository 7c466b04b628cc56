"""Staff alerts by e-mail: the outbox, each member of staff's choices, and the
days the daily digest was queued

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_alert_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alert")),
        sa.UniqueConstraint("key", name=op.f("uq_staff_alert_key")),
    )
    with op.batch_alter_table("staff_alert") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_alert_staff_id"), ["staff_id"])
        batch_op.create_index("ix_staff_alert_status_next_attempt", ["status", "next_attempt_at"])
    op.create_table(
        "staff_alert_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_alert_setting_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_alert_setting")),
        sa.UniqueConstraint("staff_id", "kind", name="uq_staff_alert_setting_kind"),
    )
    with op.batch_alter_table("staff_alert_setting") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_alert_setting_staff_id"), ["staff_id"])
    op.create_table(
        "staff_alert_digest",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_staff_alert_digest")),
    )


def downgrade() -> None:
    op.drop_table("staff_alert_digest")
    with op.batch_alter_table("staff_alert_setting") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_alert_setting_staff_id"))
    op.drop_table("staff_alert_setting")
    with op.batch_alter_table("staff_alert") as batch_op:
        batch_op.drop_index("ix_staff_alert_status_next_attempt")
        batch_op.drop_index(batch_op.f("ix_staff_alert_staff_id"))
    op.drop_table("staff_alert")
