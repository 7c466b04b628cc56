"""applications and drafts

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 06:05:54.836291
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("applicant_type", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("triage_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completion_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("local_authority", sa.String(length=80), nullable=True),
        sa.Column("subject_relationship", sa.String(length=40), nullable=True),
        sa.Column("living_arrangement", sa.String(length=40), nullable=True),
        sa.Column("concern_types", sa.JSON(), nullable=False),
        sa.Column("children_involved", sa.String(length=20), nullable=True),
        sa.Column("contact_channels", sa.JSON(), nullable=False),
        sa.Column("communication_needs", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("reference", name=op.f("uq_application_reference")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_application_submission_key")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_submitted_on_scheme", ["submitted_on", "scheme"], unique=False
        )

    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["application.id"], name=op.f("fk_draft_application_id_application")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_expires_at"))

    op.drop_table("draft")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_submitted_on_scheme")

    op.drop_table("application")
