"""Casework: stages recorded against each application, assignment, deadlines and outcomes

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_case_record_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff.id"], name=op.f("fk_case_record_recorded_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_record")),
    )
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_record_application_id"), ["application_id"], unique=False
        )

    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("applicant_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("at_risk_key", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("first_contact_due_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stage", sa.String(length=30), nullable=False, server_default="received")
        )
        batch_op.add_column(sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("decision_signed_off_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("decision_signed_off_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("deviations", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.create_index(
            batch_op.f("ix_application_applicant_key"), ["applicant_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_at_risk_key"), ["at_risk_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_application_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_application_subject_key"), ["subject_key"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_application_assigned_to_id_staff"), "staff", ["assigned_to_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_application_decision_signed_off_by_id_staff"),
            "staff",
            ["decision_signed_off_by_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_application_duplicate_of_id_application"),
            "application",
            ["duplicate_of_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_application_queue", ["closed_at", "triaged_at", "triage_due_at"], unique=False
        )
        batch_op.create_index(
            "ix_application_completion_due", ["closed_at", "completion_due_at"], unique=False
        )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel", sa.String(length=20), nullable=False, server_default="online")
        )


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("channel")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_completion_due")
        batch_op.drop_index("ix_application_queue")
        batch_op.drop_constraint(
            batch_op.f("fk_application_duplicate_of_id_application"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_application_decision_signed_off_by_id_staff"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_application_assigned_to_id_staff"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_application_subject_key"))
        batch_op.drop_index(batch_op.f("ix_application_closed_at"))
        batch_op.drop_index(batch_op.f("ix_application_at_risk_key"))
        batch_op.drop_index(batch_op.f("ix_application_assigned_to_id"))
        batch_op.drop_index(batch_op.f("ix_application_applicant_key"))
        batch_op.drop_column("deviations")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("outcome")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("disclosed_at")
        batch_op.drop_column("decision_signed_off_by_id")
        batch_op.drop_column("decision_signed_off_at")
        batch_op.drop_column("first_contact_at")
        batch_op.drop_column("triaged_at")
        batch_op.drop_column("stage")
        batch_op.drop_column("assigned_to_id")
        batch_op.drop_column("first_contact_due_at")
        batch_op.drop_column("at_risk_key")
        batch_op.drop_column("applicant_key")
        batch_op.drop_column("subject_key")

    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_record_application_id"))

    op.drop_table("case_record")
