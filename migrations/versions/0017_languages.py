"""The language of the public pages: the language a draft is answered in
and an application was sent in, and each journey event's language, counted
apart in the monthly cells (existing rows are English, the only language until
now)

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD_KEY = ["month", "scheme", "version", "kind", "page", "question", "message", "value"]


def language_column() -> sa.Column:
    return sa.Column("language", sa.String(8), nullable=False, server_default="en")


def upgrade() -> None:
    for table in ("draft", "application", "journey_event"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(language_column())
    with op.batch_alter_table("journey_stat") as batch_op:
        batch_op.add_column(language_column())
        batch_op.drop_constraint("uq_journey_stat_key", type_="unique")
        batch_op.create_unique_constraint("uq_journey_stat_key", [*OLD_KEY, "language"])
    # Every application so far was sent in English: its count by language is
    # its count in all (the same cell, so the same rounding).
    op.execute(
        'INSERT INTO application_stat (month, scheme, route, dimension, value, count, "offset") '
        "SELECT month, scheme, route, 'language', 'en', count, \"offset\" "
        "FROM application_stat WHERE dimension = 'all'"
    )


def downgrade() -> None:
    op.execute("DELETE FROM application_stat WHERE dimension = 'language'")
    # Only the English cells stay: `flask stats rebuild` recounts the rest
    # from the raw events into the cells without a language.
    op.execute("DELETE FROM journey_stat WHERE language != 'en'")
    with op.batch_alter_table("journey_stat") as batch_op:
        batch_op.drop_constraint("uq_journey_stat_key", type_="unique")
        batch_op.create_unique_constraint("uq_journey_stat_key", OLD_KEY)
        batch_op.drop_column("language")
    with op.batch_alter_table("journey_event") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("draft") as batch_op:
        batch_op.drop_column("language")
