"""Database tables. Times are stored in UTC; dates used for statistics are local."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


class Application(Base):
    """A submitted application or referral: one row, written once at submission."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(8), unique=True)
    # The draft it came from (a hash of the draft id): the guard against a double submission.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    scheme: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    applicant_type: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[datetime]
    submitted_on: Mapped[date] = mapped_column(Date)  # local (Europe/London) date
    triage_due_at: Mapped[datetime]
    completion_due_at: Mapped[datetime]
    # Structured answers the back office and the statistics need.
    local_authority: Mapped[str | None] = mapped_column(String(80))
    subject_relationship: Mapped[str | None] = mapped_column(String(40))
    living_arrangement: Mapped[str | None] = mapped_column(String(40))
    concern_types: Mapped[list] = mapped_column(JSON, default=list)
    children_involved: Mapped[str | None] = mapped_column(String(20))
    contact_channels: Mapped[list] = mapped_column(JSON, default=list)
    communication_needs: Mapped[list] = mapped_column(JSON, default=list)
    # Right to Know referrals: the referrer's assessment.
    risk_level: Mapped[str | None] = mapped_column(String(20))
    urgency: Mapped[str | None] = mapped_column(String(20))
    # Every answer on the applicant's path, for display as on check answers.
    answers: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_application_submitted_on_scheme", "submitted_on", "scheme"),)


class Draft(Base):
    """An application in progress. The browser holds only the random draft id;
    this row stores its SHA-256, so a copy of the table cannot resume a draft."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    last_active_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))

    application: Mapped[Application | None] = relationship()
