"""The applicant's drafts: the session cookie carries only each scheme's random
draft id (and when that draft would expire, to tell an expired draft from an
unknown one). Answers stay on the server. A browser may hold a draft of each
scheme at once; Exit this page deletes all of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session

from portal import applications, clock
from portal.extensions import db
from portal.journeys.engine import CARRIED, Scheme
from portal.journeys.registry import SCHEMES
from portal.models import Draft
from portal.stats import events as analytics

TOKEN_LENGTH = 32


@dataclass
class DraftState:
    status: str  # "none", "active", "submitted" or "expired"
    token: str | None = None
    draft: Draft | None = None

    @property
    def answers(self) -> dict:
        return self.draft.answers if self.status == "active" else {}

    @property
    def started(self) -> bool:
        """Whether the journey has begun: an answer given on its own pages, not
        only one carried from the home page."""
        return has_begun(self.answers)


def has_begun(answers: dict) -> bool:
    return any(not stored.get(CARRIED) for stored in answers.values())


def idle_period() -> timedelta:
    return timedelta(minutes=current_app.config["DRAFT_IDLE_MINUTES"])


def held() -> dict[str, list]:
    """The drafts this browser holds: scheme slug -> [token, expiry timestamp].
    Anything else in the cookie under that name is ignored."""
    value = session.get("drafts")
    if not isinstance(value, dict):
        return {}
    return {
        slug: entry
        for slug, entry in value.items()
        if slug in SCHEMES
        and isinstance(entry, list)
        and len(entry) == 2
        and is_token(entry[0])
        and isinstance(entry[1], int)
    }


def is_token(token) -> bool:
    return isinstance(token, str) and len(token) == TOKEN_LENGTH and token.isalnum()


def remember(token: str, draft: Draft) -> None:
    session["drafts"] = {
        **held(),
        draft.scheme: [token, int(clock.as_utc(draft.expires_at).timestamp())],
    }


def forget(slug: str) -> None:
    if "drafts" in session:
        session["drafts"] = {name: entry for name, entry in held().items() if name != slug}


def tokens() -> list[str]:
    return [token for token, _ in held().values()]


def load(scheme: Scheme, *, lock: bool = False) -> DraftState:
    entry = held().get(scheme.slug)
    if entry is None:
        return DraftState("none")
    token, expires = entry
    now = clock.utcnow()
    draft = applications.get_draft(token=token, lock=lock)
    if draft is None or draft.scheme != scheme.slug:
        forget(scheme.slug)
        return DraftState("expired" if expires <= now.timestamp() else "none")
    if applications.is_expired(draft, now=now):
        count_abandoned(draft, "expired")
        db.session.delete(draft)
        forget(scheme.slug)
        return DraftState("expired")
    status = "submitted" if draft.application_id is not None else "active"
    return DraftState(status, token, draft)


def discard_all(kind: str = "exited") -> int:
    """Every draft this browser holds deleted (Exit this page), each unfinished
    one counted against the page it stopped at."""
    count = 0
    for token in tokens():
        draft = applications.get_draft(token=token)
        if draft is not None:
            count_abandoned(draft, kind)
            db.session.delete(draft)
            count += 1
    session.pop("drafts", None)
    return count


def live() -> list[DraftState]:
    """The unexpired, unsent drafts this browser holds (the timeout warning's
    "Continue" keeps all of them)."""
    now = clock.utcnow()
    states = []
    for token in tokens():
        draft = applications.get_draft(token=token)
        unsent = draft is not None and draft.application_id is None
        if unsent and not applications.is_expired(draft, now=now):
            states.append(DraftState("active", token, draft))
    return states


def count_abandoned(draft: Draft, kind: str) -> None:
    """An unfinished journey ended ("exited" or "expired"): count it against the
    page it stopped at, which is how drop-off by page is measured."""
    scheme = SCHEMES.get(draft.scheme)
    if draft.application_id is None and scheme is not None and has_begun(draft.answers or {}):
        page = scheme.resume_slug(draft.answers or {})
        analytics.record(kind, scheme.slug, page=page, language=draft.language)


def purge_expired() -> int:
    """Delete every draft past its time limit, counting the unfinished ones."""
    now = clock.utcnow()
    total = 0
    while batch := applications.expired_drafts(now=now):
        for draft in batch:
            count_abandoned(draft, "expired")
        total += applications.delete_drafts(ids=[draft.id for draft in batch])
    return total


def start(scheme: Scheme) -> DraftState:
    now = clock.utcnow()
    purge_expired()
    token, draft = applications.new_draft(scheme=scheme.slug, now=now, idle=idle_period())
    remember(token, draft)
    return DraftState("active", token, draft)


def carry(scheme: Scheme, slug: str, data: dict) -> None:
    """An answer given before the journey, on the home page: kept in a draft
    of that scheme, marked as carried, so that the journey does not ask it
    again. An answer the applicant has given on the page itself stays."""
    state = load(scheme)
    if state.status == "active" and not state.answers.get(slug, {CARRIED: True}).get(CARRIED):
        return
    if state.status != "active":
        state = start(scheme)
    save(state, slug, {**data, CARRIED: True})


# A page shown counts as activity, but writing the draft on every page view
# would make every read a write: a view within this long of the last activity
# leaves the time limit as it was (at most this much earlier than exact).
SEEN_EVERY = timedelta(seconds=30)


def seen(state: DraftState) -> None:
    """A page of the draft shown: its time limit starts again."""
    last = clock.as_utc(state.draft.last_active_at)
    if clock.utcnow() - last >= SEEN_EVERY or state.draft.scheme not in held():
        touch(state)


def touch(state: DraftState) -> None:
    applications.touch(state.draft, now=clock.utcnow(), idle=idle_period())
    remember(state.token, state.draft)


def save(state: DraftState, slug: str, data: dict) -> None:
    state.draft.answers = {**state.draft.answers, slug: data}
    touch(state)


def seconds_left(state: DraftState) -> int | None:
    if state.status != "active":
        return None
    left = clock.as_utc(state.draft.expires_at) - clock.utcnow()
    return max(0, int(left.total_seconds()))
