"""Right to Know referrals: risk level and urgency

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.add_column(sa.Column("risk_level", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("urgency", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch_op:
        batch_op.drop_column("urgency")
        batch_op.drop_column("risk_level")
