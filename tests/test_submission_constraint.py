"""Two final sends of one draft make one application by the database's unique
submission key alone. tests/test_submission.py races whole requests, where the
draft's lock and its application_id also stand in the way; here each racer
holds the draft as it was before anyone sent it, so neither check can help,
and the constraint must turn the second insert into "already sent"."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from sqlalchemy import func, select

from portal import applications, clock
from portal.extensions import db
from portal.journeys.registry import SCHEMES
from portal.models import Application, Draft

from .support import SELF, Applicant, complete

RACERS = 4


def unsent_draft(app) -> SimpleNamespace:
    """A complete draft, as every racer read it: not sent yet."""
    complete(Applicant(app), SELF)
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        assert draft.application_id is None
        return SimpleNamespace(
            id=draft.id,
            answers=draft.answers,
            channel=draft.channel,
            language=draft.language,
            application_id=None,
        )


def race(app, draft: SimpleNamespace) -> list[str]:
    ready = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def send() -> None:
        with app.app_context():
            copy = SimpleNamespace(**vars(draft))
            ready.wait()
            try:
                applications.submit(copy, SCHEMES["right-to-ask"], now=clock.utcnow())
                db.session.commit()
                outcomes.append("sent")
            except applications.AlreadySubmitted:
                db.session.rollback()
                outcomes.append("already sent")

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_racing_sends_that_passed_every_check_make_one_application(app, db_session):
    draft = unsent_draft(app)
    outcomes = race(app, draft)
    assert outcomes == ["already sent"] * (RACERS - 1) + ["sent"]
    count = select(func.count()).where(Application.submission_key == draft.id)
    assert db_session.scalar(count) == 1


def test_a_send_after_the_draft_was_sent_is_refused_by_the_constraint(app, db_session):
    """The same one at a time: a request that read the draft before the first
    send committed still makes no second application."""
    draft = unsent_draft(app)
    assert race(app, draft).count("sent") == 1
    assert race(app, draft) == ["already sent"] * RACERS
    assert db_session.scalar(select(func.count()).select_from(Application)) == 1
