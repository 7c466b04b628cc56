"""Search keys: a case can be found by a person's name, date of birth or
postcode through keyed blind indexes, one row per word of a name, date of
birth or postcode (see portal/casework/search.py)

The table starts empty: `flask --app wsgi keys reindex` writes the keys of the
applications already held (new ones get theirs when they are sent).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_search_key_application_id_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_key")),
    )
    with op.batch_alter_table("search_key") as batch_op:
        batch_op.create_index(batch_op.f("ix_search_key_application_id"), ["application_id"])
        batch_op.create_index(batch_op.f("ix_search_key_key"), ["key"])


def downgrade() -> None:
    op.drop_table("search_key")
