"""Database tables. Times are stored in UTC; dates used for statistics are local."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .sealed import Sealed

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# What the casework queue sorts, filters and counts open cases by (ix_application_open).
# closed_at is always empty there; it comes first so that "closed_at IS NULL" is
# a look-up in it, which SQLite's planner prefers, and a query naming it reads
# the index alone.
OPEN_CASE_COLUMNS = (
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
)


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
    # Every answer on the applicant's path, for display as on check answers: sealed.
    answers_sealed: Mapped[str] = mapped_column("answers", Text)
    answers = Sealed("answers_sealed", table="application", row_key="submission_key")
    # Keyed blind indexes (HMAC) of normalised name and date of birth, for
    # spotting possible duplicates without keeping the names in the clear.
    subject_key: Mapped[str | None] = mapped_column(String(200), index=True)
    applicant_key: Mapped[str | None] = mapped_column(String(200), index=True)
    at_risk_key: Mapped[str | None] = mapped_column(String(200), index=True)

    # Casework.
    first_contact_due_at: Mapped[datetime | None]
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30), default="received")
    triaged_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    decision_signed_off_at: Mapped[datetime | None]
    decision_signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    disclosed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # indexed for closed cases: ix_application_closed_at
    outcome: Mapped[str | None] = mapped_column(String(40))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    deviations: Mapped[list] = mapped_column(JSON, default=list)
    # When its personal data was erased under the retention rules (the counts stay).
    erased_at: Mapped[datetime | None]
    # The risk to the person at risk as the case stands: the referrer's level
    # at first (Right to Know), then triage's (see casework/stages.py).
    current_risk: Mapped[str | None] = mapped_column(String(20), index=True)
    # Triage's rating of the application's quality, for the statistics.
    quality_identifies: Mapped[str | None] = mapped_column(String(10))
    quality_right_scheme: Mapped[str | None] = mapped_column(String(10))
    quality_crime_report: Mapped[str | None] = mapped_column(String(10))
    # The clocks while the case waits (casework/clocks.py): set by its stages.
    last_contact_on: Mapped[date | None] = mapped_column(Date)  # last reached the applicant
    update_due_at: Mapped[datetime | None] = mapped_column(index=True)
    review_due_at: Mapped[datetime | None] = mapped_column(index=True)
    risk_raised_at: Mapped[datetime | None]  # the last review raised the risk
    plan_recorded_at: Mapped[datetime | None]
    # The earliest reply due from an enquiry to another force still awaited.
    enquiry_reply_due_at: Mapped[datetime | None] = mapped_column(index=True)
    # Support from a specialist service: the applicant's (or, for a referral,
    # the person at risk's) consent, as journeys/common.support_consent keeps
    # it, and the officer's record of the referral ("referred", "not_referred").
    support_consent: Mapped[str | None] = mapped_column(String(20))
    support_referral: Mapped[str | None] = mapped_column(String(20))
    # The language of the public pages it was sent in (portal/languages.py).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    assigned_to: Mapped[Staff | None] = relationship(foreign_keys=[assigned_to_id])
    records: Mapped[list[CaseRecord]] = relationship(
        back_populates="application", order_by="CaseRecord.id"
    )

    __table_args__ = (
        Index("ix_application_submitted_on_scheme", "submitted_on", "scheme"),
        # The open cases only (a few in a hundred), with every column the queue
        # sorts, filters and counts them by: its pages and counts read the index
        # alone, never the scattered rows of 100,000 cases (migration 0018).
        # Closed cases by when they closed (retention, the statistics). Only
        # them: the open cases have their own index, and SQLite's planner would
        # take "closed_at IS NULL" here for a look-up of one row.
        Index(
            "ix_application_closed_at",
            "closed_at",
            postgresql_where=text("closed_at IS NOT NULL"),
            sqlite_where=text("closed_at IS NOT NULL"),
        ),
        Index(
            "ix_application_open",
            *OPEN_CASE_COLUMNS,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )


class Draft(Base):
    """An application in progress. The browser holds only the random draft id;
    this row stores its SHA-256, so a copy of the table cannot resume a draft."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    answers_sealed: Mapped[str] = mapped_column("answers", Text)
    answers = Sealed("answers_sealed", table="draft", row_key="id")
    created_at: Mapped[datetime]
    last_active_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    # "online", or how staff received an application they are keying in.
    channel: Mapped[str] = mapped_column(String(20), default="online", server_default="online")
    # The language of the pages as last answered (portal/languages.py): the
    # application's language, and the one an unfinished journey is counted in.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # What this journey has already been counted for ("reached:<page>",
    # "met_error:<page>:<question>"), so each journey counts once. Sealed: the
    # pages a journey reached say something of its answers.
    counted_sealed: Mapped[str | None] = mapped_column("counted", Text)
    counted = Sealed("counted_sealed", table="draft", row_key="id")

    application: Mapped[Application | None] = relationship()


class Role(enum.StrEnum):
    """What a member of staff may do (DESIGN.md section 4)."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return {
            "officer": "Disclosure officer",
            "supervisor": "Supervisor",
            "analyst": "Analyst (communications)",
            "administrator": "Administrator",
        }[self.value]


class Staff(Base):
    """A member of the force's staff who may sign in to the back office."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored in lower case
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret_sealed: Mapped[str | None] = mapped_column("totp_secret", Text)
    totp_secret = Sealed("totp_secret_sealed", table="staff", row_key="id")
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int | None]  # the last accepted time step: a code works once
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    # Flask-Login: the id it keeps in the session is the server-side session's
    # token, not the staff id, so that a session can be ended on the server.
    session_token = None  # set when loaded for a request
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token


class StaffSession(Base):
    """A signed-in session, kept on the server so that it can be ended at once."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute limit
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(30))

    staff: Mapped[Staff] = relationship()


class SetupToken(Base):
    """A one-time link for a member of staff to set a password and enrol a second factor."""

    __tablename__ = "setup_token"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the token
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship()


class AuditEvent(Base):
    """Append-only: who did what, when, to whom or to which case.
    The database refuses updates and deletes (see the migration)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None]  # not a foreign key: the record outlives the account
    target_staff_id: Mapped[int | None]
    application_id: Mapped[int | None] = mapped_column(index=True)
    # No free text: a reason stays in the sealed case record that
    # detail["reason_in"] names (see casework/engine.py).
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class CaseRecord(Base):
    """One piece of recorded casework: a triage, a contact attempt, a check,
    a decision, a sign-off, a disclosure, a closure or a note. The stage's own
    answers are kept as structured JSON."""

    __tablename__ = "case_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # what its seal binds to
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    data_sealed: Mapped[str] = mapped_column("data", Text)
    data = Sealed("data_sealed", table="case_record", row_key="uid")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime]

    application: Mapped[Application] = relationship(back_populates="records")
    recorded_by: Mapped[Staff] = relationship()


class SearchKey(Base):
    """One searchable detail of a person in an application (a word of a name,
    a date of birth or a postcode), only as a keyed blind index: see
    casework/search.py. Erased with the case's personal data."""

    __tablename__ = "search_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    person: Mapped[str] = mapped_column(String(20))  # applicant, at_risk or subject
    key: Mapped[str] = mapped_column(String(200), index=True)


class JourneyEvent(Base):
    """Something that happened on a public form, with no person in it: no IP
    address, no user agent, no answer, no journey id. Kept raw for a while
    (see retention) so the monthly rollups can be rebuilt."""

    __tablename__ = "journey_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    day: Mapped[date] = mapped_column(Date, index=True)  # local (Europe/London) date
    month: Mapped[date] = mapped_column(Date)  # the first day of its month
    scheme: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(30))
    page: Mapped[str] = mapped_column(String(60), default="")
    question: Mapped[str] = mapped_column(String(60), default="")
    message: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class JourneyStat(Base):
    """Monthly counts of journey events by form, version and language, kept current as
    events arrive: the cells the statistics read (see stats/suppression.py)."""

    __tablename__ = "journey_stat"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    scheme: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16), default="")
    kind: Mapped[str] = mapped_column(String(30))
    page: Mapped[str] = mapped_column(String(60), default="")
    question: Mapped[str] = mapped_column(String(60), default="")
    message: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    count: Mapped[int] = mapped_column(default=0)
    offset: Mapped[int] = mapped_column(SmallInteger, default=2)  # see stats/suppression.py

    __table_args__ = (
        UniqueConstraint(
            "month",
            "scheme",
            "version",
            "kind",
            "page",
            "question",
            "message",
            "value",
            "language",
            name="uq_journey_stat_key",
        ),
        Index("ix_journey_stat_kind_month", "kind", "month"),
    )


class FormVersion(Base):
    """A version of a form's content, from the day it was first seen."""

    __tablename__ = "form_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[datetime]
    label: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("scheme", "version", name="uq_form_version"),)


class ApplicationStat(Base):
    """Applications counted by month received, scheme and route, one dimension
    at a time (channel, applicant type, outcome, triage quality, days to a
    decision...): the table grows with months, not with applications. Kept
    current as cases are submitted, triaged, decided and closed."""

    __tablename__ = "application_stat"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    scheme: Mapped[str] = mapped_column(String(40))
    route: Mapped[str] = mapped_column(String(40))
    dimension: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(default=0)
    offset: Mapped[int] = mapped_column(SmallInteger, default=2)  # see stats/suppression.py

    __table_args__ = (
        UniqueConstraint(
            "month", "scheme", "route", "dimension", "value", name="uq_application_stat_key"
        ),
        Index("ix_application_stat_dimension_month", "dimension", "month"),
    )


class StaffAlert(Base):
    """An e-mail alert to a member of staff (portal/alerts/): written in the
    same transaction as the casework that causes it, sent afterwards by
    `flask --app wsgi alerts send`, retried with a growing wait until it goes
    or the attempts run out. It holds no personal data: the payload carries
    case references, case ids, counts and due dates, and the message is
    composed from it when sent; the recipient is the account, not an address."""

    __tablename__ = "staff_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is about ("<kind>:<subject>:<staff id>"): the same alert is never queued twice.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # queued (waiting, or waiting to be tried again), sent, failed (given up),
    # or cancelled (the account was disabled, or the alert turned off, before it went).
    status: Mapped[str] = mapped_column(String(20), default="queued")
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    # What went wrong, in the portal's words: never the mail server's, which can
    # quote an address.
    last_error: Mapped[str | None] = mapped_column(String(200))
    finished_at: Mapped[datetime | None]  # sent, given up or cancelled

    staff: Mapped[Staff] = relationship()

    __table_args__ = (Index("ix_staff_alert_status_next_attempt", "status", "next_attempt_at"),)


class StaffAlertSetting(Base):
    """A member of staff's choice for one kind of alert; no row: on."""

    __tablename__ = "staff_alert_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    enabled: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("staff_id", "kind", name="uq_staff_alert_setting_kind"),)


class StaffAlertDigest(Base):
    """Each local (Europe/London) day the daily digest was queued: once a day."""

    __tablename__ = "staff_alert_digest"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    queued_at: Mapped[datetime]
    alerts: Mapped[int] = mapped_column(default=0)  # how many digests were queued
