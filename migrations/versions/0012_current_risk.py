"""The current risk of a case, for the queue: the referrer's risk level until
triage records its own

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(sa.Column("current_risk", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_application_current_risk"), ["current_risk"])
    op.execute(
        "UPDATE application SET current_risk = risk_level "
        "WHERE risk_level IN ('high', 'medium', 'standard')"
    )


def downgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_current_risk"))
        batch_op.drop_column("current_risk")
