"""Statistics by month and form version: events record the version of the
form they were shown, the rollups become monthly cells (what suppression
rounds), versions are registered, and a draft remembers what its journey has
been counted for. Existing daily counts are added up into their months.

Revision ID: 0013
Revises: 0012
"""

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def month_of(day):
    return day.replace(day=1)


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("journey_event") as batch_op:
        batch_op.add_column(sa.Column("month", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.String(length=16), nullable=False, server_default="")
        )
    if bind.dialect.name == "postgresql":
        op.execute("UPDATE journey_event SET month = CAST(date_trunc('month', day) AS date)")
    else:
        op.execute("UPDATE journey_event SET month = date(day, 'start of month')")
    with op.batch_alter_table("journey_event") as batch_op:
        batch_op.alter_column("month", existing_type=sa.Date(), nullable=False)

    op.create_table(
        "form_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_version")),
        sa.UniqueConstraint("scheme", "version", name="uq_form_version"),
    )
    journey_stat = op.create_table(
        "journey_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("page", sa.String(length=60), nullable=False),
        sa.Column("question", sa.String(length=60), nullable=False),
        sa.Column("message", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        # 2 (round to the nearest) until `stats rebuild` gives each cell its own.
        sa.Column("offset", sa.SmallInteger(), nullable=False, server_default="2"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_stat")),
        sa.UniqueConstraint(
            "month",
            "scheme",
            "version",
            "kind",
            "page",
            "question",
            "message",
            "value",
            name="uq_journey_stat_key",
        ),
    )
    op.create_index("ix_journey_stat_kind_month", "journey_stat", ["kind", "month"])

    # The daily counts outlive the raw events (retention), so they are what
    # the monthly cells are made from.
    daily = sa.table(
        "daily_stat",
        sa.column("day", sa.Date()),
        *(sa.column(name) for name in ("scheme", "kind", "page", "question", "message")),
        sa.column("value", sa.Integer()),
        sa.column("count", sa.Integer()),
    )
    months: dict[tuple, int] = defaultdict(int)
    for row in bind.execute(sa.select(daily)):
        key = (month_of(row.day), row.scheme, "", row.kind, row.page, row.question, row.message)
        months[(*key, row.value)] += row.count
    names = ("month", "scheme", "version", "kind", "page", "question", "message", "value")
    rows = [{**dict(zip(names, key, strict=True)), "count": n} for key, n in months.items()]
    if rows:
        op.bulk_insert(journey_stat, rows)
    op.drop_table("daily_stat")

    old = sa.table(
        "application_stat",
        sa.column("day", sa.Date()),
        *(sa.column(name) for name in ("scheme", "route", "dimension", "value")),
        sa.column("count", sa.Integer()),
    )
    counted: dict[tuple, int] = defaultdict(int)
    for row in bind.execute(sa.select(old)):
        counted[(month_of(row.day), row.scheme, row.route, row.dimension, row.value)] += row.count
    op.drop_table("application_stat")
    application_stat = op.create_table(
        "application_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("offset", sa.SmallInteger(), nullable=False, server_default="2"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_stat")),
        sa.UniqueConstraint(
            "month", "scheme", "route", "dimension", "value", name="uq_application_stat_key"
        ),
    )
    op.create_index(
        "ix_application_stat_dimension_month", "application_stat", ["dimension", "month"]
    )
    names = ("month", "scheme", "route", "dimension", "value")
    rows = [{**dict(zip(names, key, strict=True)), "count": n} for key, n in counted.items()]
    if rows:
        op.bulk_insert(application_stat, rows)

    with op.batch_alter_table("draft") as batch_op:
        batch_op.add_column(sa.Column("counted", sa.Text(), nullable=True))  # sealed


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch_op:
        batch_op.drop_column("counted")
    op.drop_index("ix_application_stat_dimension_month", table_name="application_stat")
    op.drop_table("application_stat")
    op.create_table(
        "application_stat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_stat")),
        sa.UniqueConstraint(
            "day", "scheme", "route", "dimension", "value", name="uq_application_stat_key"
        ),
    )
    op.drop_index("ix_journey_stat_kind_month", table_name="journey_stat")
    op.drop_table("journey_stat")
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
    op.create_index("ix_daily_stat_kind_day", "daily_stat", ["kind", "day"])
    op.drop_table("form_version")
    with op.batch_alter_table("journey_event") as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("month")
    # The daily counts are rebuilt from the raw events: flask --app wsgi stats rebuild
