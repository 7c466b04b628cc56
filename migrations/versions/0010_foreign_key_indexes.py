"""Indexes on the foreign keys that had none: application.duplicate_of_id (the
"marked as a duplicate of this case" list, and every check the database makes
when an application row goes) and draft.application_id

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.create_index(batch_op.f("ix_application_duplicate_of_id"), ["duplicate_of_id"])
    with op.batch_alter_table("draft") as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_application_id"), ["application_id"])


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_application_id"))
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_duplicate_of_id"))
