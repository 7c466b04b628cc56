"""Enquiries to other forces (the earliest reply awaited) and support from a
specialist service (the consent on the application and the referral made)

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(
            sa.Column("enquiry_reply_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("support_consent", sa.String(20), nullable=True))
        batch_op.add_column(sa.Column("support_referral", sa.String(20), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_application_enquiry_reply_due_at"), ["enquiry_reply_due_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_enquiry_reply_due_at"))
        for name in ("support_referral", "support_consent", "enquiry_reply_due_at"):
            batch_op.drop_column(name)
