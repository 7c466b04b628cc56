"""The open cases' index: a partial index over the open cases only, holding
every column the casework queue sorts, filters and counts them by, so the
queue's pages and counts read it alone rather than the rows of every case. It
replaces the queue's two indexes over every case (closed or not), which the
planner would otherwise still combine with it; and the index of when cases
closed holds the closed ones only (SQLite's planner took "closed_at IS NULL"
in it for a look-up of one row, and read the open cases row by row)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = [
    "closed_at",
    "id",
    "triaged_at",
    "triage_due_at",
    "completion_due_at",
    "submitted_at",
    "current_risk",
    "scheme",
    "route",
    "stage",
    "assigned_to_id",
    "first_contact_at",
    "first_contact_due_at",
    "update_due_at",
    "review_due_at",
    "enquiry_reply_due_at",
    "plan_recorded_at",
]


def upgrade() -> None:
    op.drop_index("ix_application_queue", table_name="application")
    op.drop_index("ix_application_completion_due", table_name="application")
    op.drop_index("ix_application_closed_at", table_name="application")
    op.create_index(
        "ix_application_closed_at",
        "application",
        ["closed_at"],
        postgresql_where=sa.text("closed_at IS NOT NULL"),
        sqlite_where=sa.text("closed_at IS NOT NULL"),
    )
    op.create_index(
        "ix_application_open",
        "application",
        COLUMNS,
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_application_open", table_name="application")
    op.drop_index("ix_application_closed_at", table_name="application")
    op.create_index("ix_application_closed_at", "application", ["closed_at"])
    op.create_index(
        "ix_application_completion_due", "application", ["closed_at", "completion_due_at"]
    )
    op.create_index(
        "ix_application_queue", "application", ["closed_at", "triaged_at", "triage_due_at"]
    )
