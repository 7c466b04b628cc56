"""What "Accept and send" stores (portal/applications.py submit): the answers
on the path taken, the columns the statistics, duplicate checks and officers
read (the language it was sent in, the consent to support among them), one
count in the statistics, and a draft emptied of its answers; a reference that
is taken already is replaced, and the search for a free one gives up after
five tries."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from portal import applications
from portal.extensions import db
from portal.journeys.registry import SCHEMES
from portal.models import Application, ApplicationStat, Draft

from .staff_walk import send_application
from .support import SELF, Applicant, complete, page_url
from .test_languages import choose
from .test_other_schemes import REFERRAL


def test_a_sent_application_keeps_what_the_checks_and_figures_read(app):
    case_id = send_application(app)
    with app.app_context():
        case = db.session.get(Application, case_id)
        draft = db.session.scalars(select(Draft)).one()
        assert (case.scheme, case.route, case.channel) == ("dvds", "right_to_ask", "online")
        assert case.local_authority == "Coventry"
        assert case.answers["your-name"] == {"full_name": "Alex Example"}
        assert case.subject_key == applications.duplicate_keys(case.answers)["subject_key"]
        assert case.subject_key is not None
        assert (draft.application_id, draft.answers) == (case_id, {})
        counted = select(func.sum(ApplicationStat.count)).where(ApplicationStat.dimension == "all")
        assert db.session.scalar(counted) == 1


def test_a_sent_application_keeps_its_language_and_the_answer_on_support(app):
    """What the officer's queue ("Applied in Welsh"), the support referral and
    the statistics read from the case: the language its pages were answered in,
    and the applicant's consent to be put in touch with a specialist service."""
    applicant = Applicant(app)
    choose(applicant, "cy")
    complete(applicant, SELF)
    applicant.post(page_url("check-your-answers"))
    with app.app_context():
        case = db.session.scalars(select(Application)).one()
        assert (case.language, case.support_consent) == ("cy", "yes")
        counted = select(ApplicationStat.dimension, ApplicationStat.value).where(
            ApplicationStat.dimension.in_(["language", "support_consent"]),
            ApplicationStat.count == 1,
        )
        assert sorted(db.session.execute(counted)) == [
            ("language", "cy"),
            ("support_consent", "yes"),
        ]


def sent(app) -> str:
    applicant = Applicant(app)
    complete(applicant, SELF)
    with app.app_context():
        draft = db.session.scalars(select(Draft).where(Draft.application_id.is_(None))).one()
        application = applications.submit(draft, SCHEMES["right-to-ask"], now=draft.created_at)
        db.session.commit()
        return application.reference


def test_a_reference_taken_already_is_replaced(app, monkeypatch):
    monkeypatch.setattr(applications, "new_reference", itertools.cycle(["AB2CD3EF"]).__next__)
    assert sent(app) == "AB2CD3EF"
    fresh = iter(["AB2CD3EF", "AB2CD3EF", "GH4JK5LM"])
    monkeypatch.setattr(applications, "new_reference", fresh.__next__)
    assert sent(app) == "GH4JK5LM"


def test_the_search_for_a_free_reference_gives_up_after_five_tries(app, monkeypatch):
    monkeypatch.setattr(applications, "new_reference", itertools.cycle(["AB2CD3EF"]).__next__)
    sent(app)
    tried = []

    def taken() -> str:
        tried.append(1)
        return "AB2CD3EF"

    monkeypatch.setattr(applications, "new_reference", taken)
    with pytest.raises(RuntimeError) as refused:
        sent(app)
    assert str(refused.value) == "Could not find a free reference"
    assert len(tried) == 5


def test_a_referral_starts_at_the_risk_level_its_referrer_gave(app):
    applicant = Applicant(app)
    complete(applicant, REFERRAL, "right-to-know")
    applicant.post(page_url("check-your-answers", "right-to-know"))
    with app.app_context():
        case = db.session.scalars(select(Application)).one()
        assert (case.risk_level, case.current_risk) == ("high", "high")
