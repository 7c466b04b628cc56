"""The clocks while a case waits: the next update to the applicant, the next
review of the risk, whether the last review raised it, and when a
communication and safeguarding plan was recorded

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(sa.Column("last_contact_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("update_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("risk_raised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("plan_recorded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_application_update_due_at"), ["update_due_at"])
        batch_op.create_index(batch_op.f("ix_application_review_due_at"), ["review_due_at"])
    # Open cases already under way: their clocks start now, so they are due at once
    # (an officer then records the update or review, which sets the next one).
    op.execute(
        "UPDATE application SET update_due_at = first_contact_at "
        "WHERE closed_at IS NULL AND first_contact_at IS NOT NULL"
    )
    op.execute(
        "UPDATE application SET review_due_at = triaged_at "
        "WHERE closed_at IS NULL AND triaged_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_review_due_at"))
        batch_op.drop_index(batch_op.f("ix_application_update_due_at"))
        for name in (
            "plan_recorded_at",
            "risk_raised_at",
            "review_due_at",
            "update_due_at",
            "last_contact_on",
        ):
            batch_op.drop_column(name)
