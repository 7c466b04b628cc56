"""Exit this page deletes every draft the browser holds, for every scheme; a
member of staff keying in an application is never signed out silently."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Draft, StaffSession
from tests.staff_support import audit_after, audit_marker
from tests.support import Applicant, page_url


def drafts_by_scheme(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(Draft.scheme, func.count()).group_by(Draft.scheme))
        return dict(rows.all())


def start_two_schemes(applicant: Applicant) -> None:
    applicant.answer("immediate-danger", {"danger": "no"})  # Right to Ask
    applicant.answer("immediate-danger", {"danger": "no"}, scheme="child-protection")


def test_a_browser_keeps_a_draft_of_each_scheme_it_starts(app):
    applicant = Applicant(app)
    start_two_schemes(applicant)
    assert drafts_by_scheme(app) == {"right-to-ask": 1, "child-protection": 1}
    # Going back to the first form finds its answer still there.
    page = applicant.get(page_url("immediate-danger"))
    assert page.checked("danger") == ["no"]


def test_exit_deletes_the_drafts_of_every_scheme(app):
    applicant = Applicant(app)
    start_two_schemes(applicant)
    other = Applicant(app)
    other.answer("immediate-danger", {"danger": "no"})
    response = applicant.client.get("/exit")
    assert response.status_code == 303
    assert drafts_by_scheme(app) == {"right-to-ask": 1}  # only the other browser's
    assert applicant.session_cookie() is None


def test_the_timeout_warning_keeps_every_draft_going(app, clock):
    applicant = Applicant(app)
    start_two_schemes(applicant)
    clock.advance(minutes=10)
    response = applicant.client.post("/apply/extend", data={"csrf_token": applicant.csrf_token()})
    assert response.json["extended"] is True
    with app.app_context():
        limits = {row.scheme: row.expires_at for row in db.session.scalars(select(Draft))}
    assert len(set(limits.values())) == 1 and len(limits) == 2


def keying_in(app, officer) -> Applicant:
    officer.post("/admin/cases/key-in", {"scheme": "right-to-ask", "channel": "phone"})
    applicant = Applicant(app)
    applicant.client = officer.client
    applicant.answer("immediate-danger", {"danger": "no"})
    return applicant


def live_sessions(app, staff_id: int) -> int:
    with app.app_context():
        query = select(func.count()).where(
            StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None)
        )
        return db.session.scalar(query)


def test_staff_keying_in_see_their_own_way_to_stop_that_keeps_them_signed_in(app, officer):
    applicant = keying_in(app, officer)
    page = applicant.get(page_url("who-for"))
    form = page.soup.select_one("form[action='/admin/cases/key-in/stop']")
    assert form is not None and "Stop and delete these answers" in form.get_text()
    marker = audit_marker(app)
    response = officer.post("/admin/cases/key-in/stop", token_from=page_url("who-for"))
    assert response.status_code == 302
    assert drafts_by_scheme(app) == {}
    assert officer.client.get("/admin/").status_code == 200  # still signed in
    assert "deleted" in officer.client.get(response.location).get_data(as_text=True)
    assert [e.action for e in audit_after(app, marker)] == ["keyed_in_answers_deleted"]


def test_exit_this_page_signs_a_member_of_staff_out_for_real(app, officer):
    applicant = keying_in(app, officer)
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = officer.client.get_cookie(name).value
    assert live_sessions(app, officer.staff.id) == 1
    marker = audit_marker(app)
    assert applicant.client.get("/exit").status_code == 303
    assert drafts_by_scheme(app) == {}
    assert live_sessions(app, officer.staff.id) == 0
    events = audit_after(app, marker)
    assert [(e.action, e.detail.get("why")) for e in events] == [("signed_out", "exit_this_page")]
    # The old cookie, replayed, no longer opens the back office.
    officer.client.set_cookie(name, cookie)
    response = officer.client.get("/admin/")
    assert response.status_code == 302 and response.location.startswith("/admin/sign-in")


def test_public_pages_shown_to_staff_are_not_kept_for_the_public(app, officer):
    keying_in(app, officer)
    assert "Stop and delete these answers" in officer.client.get(page_url("who-for")).text
    public = Applicant(app)
    public.answer("immediate-danger", {"danger": "no"})
    assert "Stop and delete these answers" not in public.get(page_url("who-for")).soup.text
    assert "Stop and delete these answers" not in public.get("/").soup.text
