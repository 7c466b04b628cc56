"""Statistics: journey events, their daily rollups, and triage quality ratings

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("page", sa.String(length=60), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_stat")),
        sa.UniqueConstraint(
            "day",
            "scheme",
            "kind",
            "page",
            "question",
            "message",
            "value",
            name="uq_daily_stat_key",
        ),
    )
    with op.batch_alter_table("daily_stat", schema=None) as batch_op:
        batch_op.create_index("ix_daily_stat_kind_day", ["kind", "day"], unique=False)

    op.create_table(
        "journey_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("page", sa.String(length=60), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_event")),
    )
    with op.batch_alter_table("journey_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journey_event_day"), ["day"], unique=False)

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quality_identifies", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("quality_right_scheme", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("quality_crime_report", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("quality_crime_report")
        batch_op.drop_column("quality_right_scheme")
        batch_op.drop_column("quality_identifies")

    with op.batch_alter_table("journey_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_event_day"))

    op.drop_table("journey_event")
    with op.batch_alter_table("daily_stat", schema=None) as batch_op:
        batch_op.drop_index("ix_daily_stat_kind_day")

    op.drop_table("daily_stat")
