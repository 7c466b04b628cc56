"""Data access for drafts and applications. Plain functions; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal import crypto, deadlines, languages
from portal.alerts import events as alert_events
from portal.casework import search
from portal.casework.outcomes import RISK_RANK
from portal.clock import as_utc
from portal.extensions import db
from portal.force import current_force
from portal.journeys.common import support_consent
from portal.journeys.engine import Scheme
from portal.models import Application, Draft
from portal.references import new_reference
from portal.stats import applications as application_stats


class AlreadySubmitted(Exception):
    """The draft was sent already (a double click, a refresh, or Back then send)."""


def draft_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_draft(*, scheme: str, now: datetime, idle: timedelta) -> tuple[str, Draft]:
    token = secrets.token_hex(16)  # 128 random bits
    draft = Draft(
        id=draft_key(token),
        scheme=scheme,
        answers={},
        created_at=now,
        last_active_at=now,
        expires_at=now + idle,
        channel="online",
        language=languages.current().code,
    )
    db.session.add(draft)
    return token, draft


def get_draft(*, token: str, lock: bool = False) -> Draft | None:
    query = select(Draft).where(Draft.id == draft_key(token))
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).one_or_none()


def touch(draft: Draft, *, now: datetime, idle: timedelta) -> None:
    draft.last_active_at = now
    draft.expires_at = now + idle
    draft.language = languages.current().code


def is_expired(draft: Draft, *, now: datetime) -> bool:
    return as_utc(draft.expires_at) <= now


def expired_drafts(*, now: datetime, limit: int = 1000) -> list[Draft]:
    query = select(Draft).where(Draft.expires_at <= now).order_by(Draft.expires_at)
    return list(db.session.scalars(query.limit(limit)))


def delete_drafts(*, ids: list[str]) -> int:
    result = db.session.execute(
        delete(Draft).where(Draft.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount or 0


def submit(draft: Draft, scheme: Scheme, *, now: datetime, attempts: int = 5) -> Application:
    """Turn a complete draft into one application, in the caller's transaction.

    The unique submission key (the draft's id) stops a second application from
    the same draft even when two requests race; a clash of references, which
    is rare, is retried with a new one."""
    if draft.application_id is not None:
        raise AlreadySubmitted
    answers = scheme.answers_on_path(draft.answers)
    for _attempt in range(attempts):
        application = new_application(
            scheme,
            answers,
            submission_key=draft.id,
            channel=draft.channel,
            language=draft.language,
            now=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(application)
        except IntegrityError:
            if reference_taken(application.reference):
                continue
            raise AlreadySubmitted from None
        draft.application_id = application.id
        draft.answers = {}
        search.index(application)
        application_stats.add(application, 1)
        alert_events.application_received(application)  # queued in this same transaction
        return application
    raise RuntimeError("Could not find a free reference")


def new_application(
    scheme: Scheme, answers: dict, *, submission_key: str, channel: str, language: str, now
) -> Application:
    """The application that a journey's answers (those on its path) make,
    received now, with a new reference; not yet added to the session."""
    columns = scheme.columns(answers)
    return Application(
        reference=new_reference(),
        submission_key=submission_key,  # before the answers: their seal binds to it
        scheme=scheme.code,
        route=scheme.route,
        channel=channel,
        language=language,
        applicant_type=scheme.applicant_type(answers),
        submitted_at=now,
        submitted_on=deadlines.local_date(now),
        **deadlines.for_application(now, force=current_force(), deadline_days=scheme.deadline_days),
        answers=answers,
        **duplicate_keys(answers),
        **columns,
        support_consent=support_consent(answers),
        current_risk=columns.get("risk_level") if columns.get("risk_level") in RISK_RANK else None,
    )


def reference_taken(reference: str) -> bool:
    return (
        db.session.scalar(select(Application.id).where(Application.reference == reference))
        is not None
    )


def person_text(name: str | None, born: str | None = None) -> str | None:
    """A name and date of birth made comparable (case, spacing and punctuation
    ignored), for a keyed hash: equal people match, and no name is kept."""
    if not name:
        return None
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return " ".join(words) + "|" + (born or "")


def duplicate_texts(answers: dict) -> dict[str, str | None]:
    """What each duplicate key hashes. Every scheme uses the same page names for
    the applicant, the person at risk and the subject."""

    def value(slug: str, field: str):
        return answers.get(slug, {}).get(field)

    return {
        "subject_key": person_text(
            value("subject-name", "full_name"), value("subject-date-of-birth", "date_of_birth")
        ),
        "applicant_key": person_text(
            value("your-name", "full_name"), value("your-date-of-birth", "date_of_birth")
        )
        or person_text(value("referrer", "email")),
        "at_risk_key": person_text(value("person-at-risk", "full_name")),
    }


def duplicate_keys(answers: dict) -> dict[str, str | None]:
    """Keys for spotting the same person in another case (blind indexes, see
    crypto.py), as stored: under the current blind index key."""
    return {name: crypto.blind_index(text) for name, text in duplicate_texts(answers).items()}


def duplicate_lookups(answers: dict) -> dict[str, list[str]]:
    """The same keys under every blind index key in the ring, for lookups: a
    case indexed under an older key still matches until `keys reindex` has run."""
    return {name: crypto.blind_indexes(text) for name, text in duplicate_texts(answers).items()}
