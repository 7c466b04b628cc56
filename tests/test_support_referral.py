"""Support from a specialist service, with consent (DESIGN.md section 7): the
optional question in every scheme, the force's services of the scheme's kind,
the consent on the case, the referral the officer records, and the counts."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portal.force import current_force
from portal.models import Application, Role

from .casework_support import TRIAGE, case_row, record, submit
from .staff_support import StaffBrowser, make_staff
from .support import SELF, SOMEONE_ELSE, Applicant, complete, page_url
from .test_other_schemes import REFERRAL, SARAHS_LAW, add_child

SCHEMES = {
    "right-to-ask": (SELF, "domestic_abuse"),
    "right-to-know": (REFERRAL, "domestic_abuse"),
    "child-protection": (SARAHS_LAW, "children"),
}


def up_to_support(app, scheme: str) -> Applicant:
    answers, _kind = SCHEMES[scheme]
    applicant = Applicant(app)
    if scheme == "child-protection":  # the children come first, on add-another pages
        add_child(applicant)
        applicant.post(applicant.path, {"more": "no"})
        answers = {k: v for k, v in answers.items() if k != "immediate-danger"}
    for slug, data in answers.items():
        if slug == "support":
            break
        applicant.answer(slug, data, scheme)
    return applicant


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_offers_the_services_of_its_kind_and_the_question_is_optional(app, scheme):
    applicant = up_to_support(app, scheme)
    assert applicant.path == page_url("support", scheme)
    text = " ".join(applicant.page.soup.find("main").get_text().split())
    _answers, kind = SCHEMES[scheme]
    with app.app_context():
        services = current_force().support_services
        offered = [s.name for s in services if kind in s.kinds]
        others = [s.name for s in services if kind not in s.kinds]
    assert offered and all(name in text for name in offered)
    assert not any(name in text for name in others)
    assert "(optional)" in applicant.page.soup.find("legend").get_text()
    applicant.post(page_url("support", scheme), {})  # skipped: nothing chosen
    assert applicant.path == page_url("check-your-answers", scheme)
    assert not applicant.page.error_summary


def test_the_answer_is_on_check_answers_and_kept_on_the_case(app):
    applicant = Applicant(app)
    page = complete(applicant, SELF)
    assert page.summary()["Put in touch with a support service"] == (
        "Yes, you can pass my contact details to the service"
    )
    case_id = submit(app, SELF)
    assert case_row(app, case_id).support_consent == "yes"
    skipped = submit(app, SOMEONE_ELSE)  # shown the question, chose nothing
    assert case_row(app, skipped).support_consent == "unanswered"


def test_a_force_listing_no_service_of_a_kind_does_not_ask(make_app, tmp_path):
    config = tmp_path / "force.toml"
    config.write_text(
        '[[support_services]]\nname = "Children First"\nkinds = ["children"]\n', encoding="utf-8"
    )
    other = make_app(FORCE_CONFIG=str(config))
    applicant = Applicant(other)
    answers = {slug: data for slug, data in SELF.items() if slug != "support"}
    complete(applicant, answers)  # straight from the last question to check answers
    applicant = up_to_support(other, "child-protection")
    assert "Children First" in applicant.page.html


def test_a_service_needs_a_name_and_a_known_kind(tmp_path):
    from portal.force import load_force

    config = tmp_path / "force.toml"
    config.write_text('[[support_services]]\nname = "X"\nkinds = ["housing"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="support service"):
        load_force(str(config))


@pytest.fixture
def officer(app, clock):
    browser = StaffBrowser(app, make_staff(app, Role.OFFICER, name="Olive Officer"))
    browser.sign_in(clock.now)
    return browser


REFERRED = {
    "outcome": "referred",
    "service": "Coventry Haven Women's Aid",
    "referred_on-day": "1",
    "referred_on-month": "12",
    "referred_on-year": "2026",
    "consent": "application",
}


def support_section(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    heading = soup.find(id="support")
    return " ".join(heading.find_next("dl").get_text().split())


def test_the_officer_refers_with_consent_and_the_case_shows_it(app, officer, clock):
    clock.now = clock.now.replace(year=2026, month=12, day=2)
    officer.sign_in(clock.now)
    case_id = submit(app, SELF)
    assert record(officer, case_id, "triage", TRIAGE).status_code == 302
    shown = support_section(officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True))
    assert "Yes, you can pass my contact details to the service" in shown
    assert "record the referral" in shown
    assert record(officer, case_id, "support_referral", REFERRED).status_code == 302
    assert case_row(app, case_id).support_referral == "referred"
    shown = support_section(officer.client.get(f"/admin/cases/{case_id}").get_data(as_text=True))
    assert "Referred: Coventry Haven Women's Aid, 1 December 2026" in shown


def test_no_referral_on_an_application_that_did_not_consent(app, officer, clock):
    clock.now = clock.now.replace(year=2026, month=12, day=2)
    officer.sign_in(clock.now)
    case_id = submit(app, SOMEONE_ELSE)  # the question was skipped
    response = record(officer, case_id, "support_referral", REFERRED)
    assert response.status_code == 200
    assert "The application does not give consent" in response.get_data(as_text=True)
    assert case_row(app, case_id).support_referral is None
    given_since = REFERRED | {"consent": "officer"}
    assert record(officer, case_id, "support_referral", given_since).status_code == 302
    # A case where no referral is made says why.
    other = submit(app, SOMEONE_ELSE)
    response = record(officer, other, "support_referral", {"outcome": "not_referred"})
    assert "Enter why no referral was made" in response.get_data(as_text=True)
    reason = {"outcome": "not_referred", "reason": "They moved out of the area"}
    assert record(officer, other, "support_referral", reason).status_code == 302
    assert case_row(app, other).support_referral == "not_referred"


def test_the_statistics_count_offered_consented_and_referred(app, officer, clock):
    from portal.extensions import db
    from portal.stats import applications as application_stats

    clock.now = clock.now.replace(year=2026, month=12, day=2)
    officer.sign_in(clock.now)
    consenting = [submit(app, SELF) for _ in range(6)]
    for _ in range(5):
        submit(app, SOMEONE_ELSE)
    for case_id in consenting[:5]:
        assert record(officer, case_id, "support_referral", REFERRED).status_code == 302
    with app.app_context():
        counted = {}
        for row in db.session.query(Application).all():
            for dimension, (_month, value) in application_stats.values(row).items():
                if dimension.startswith("support"):
                    counted[(dimension, value)] = counted.get((dimension, value), 0) + 1
    assert counted == {
        ("support_consent", "yes"): 6,
        ("support_consent", "unanswered"): 5,
        ("support_referral", "referred"): 5,
    }
    analyst = StaffBrowser(app, make_staff(app, Role.ANALYST))
    analyst.sign_in(clock.now)
    html = analyst.client.get("/admin/statistics?period=this-month&section=outcomes").get_data(
        as_text=True
    )
    soup = BeautifulSoup(html, "html.parser")
    rows = {
        " ".join(tr.find("th").get_text().split()) if tr.find("th") else "": [
            " ".join(td.get_text().split()) for td in tr.find_all("td")
        ]
        for tr in soup.find(id="table-support").find_parent("section").select("tbody tr")
    }
    assert set(rows) >= {"Offered support", "Said yes (consent given)", "Referred to a service"}
