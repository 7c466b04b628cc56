"""axe-core on the staff alert pages (portal/admin/alerts.py), as
test_staff_axe.py scans the rest of the back office: the preferences page of
an officer (as it comes and once saved) and of an analyst (no alerts for
the role), and, for an administrator, the home page with its notice of
alerts not sent and the page listing them (one waiting to be tried again,
one given up)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Role, StaffAlert

from .back_office import sign_in
from .back_office import submit as press_submit
from .test_axe import Scanner

pytestmark = pytest.mark.browser


@pytest.fixture
def alerts_not_sent(app, staff_accounts) -> None:
    """Two alerts the mail server would not take, written before the test body
    runs (in the browser's thread it could not open an app context)."""
    now = clock.utcnow()
    officer = staff_accounts[Role.OFFICER]
    with app.app_context():
        for number, (status, attempts) in enumerate((("queued", 2), ("failed", 10))):
            db.session.add(
                StaffAlert(
                    key=f"digest:axe{number}:{officer.id}",
                    staff_id=officer.id,
                    kind="digest",
                    payload={"day": "2026-11-02", "sections": []},
                    status=status,
                    created_at=now - timedelta(hours=3),
                    attempts=attempts,
                    next_attempt_at=now + timedelta(minutes=20),
                    last_attempt_at=now,
                    last_error="The mail server refused the connection: is it running?",
                    finished_at=now if status == "failed" else None,
                )
            )
        db.session.commit()


def test_no_staff_alert_page_fails_axe(open_page, axe_log, staff_accounts, alerts_not_sent):
    scanner = Scanner(None, axe_log)

    scanner.page = officer = open_page()
    sign_in(officer, staff_accounts[Role.OFFICER])
    scanner.visit("/admin/alerts/preferences", form=False)
    assert officer.locator('input[name="kinds"]').count() == 3
    officer.uncheck('input[name="kinds"][value="digest"]')
    press_submit(officer)
    assert officer.locator(".govuk-notification-banner--success").is_visible()
    scanner.scan("saved")

    scanner.page = analyst = open_page()
    sign_in(analyst, staff_accounts[Role.ANALYST])
    scanner.visit("/admin/alerts/preferences", form=False)
    assert "Your role gets no e-mail alerts" in analyst.locator("main").inner_text()

    scanner.page = administrator = open_page()
    sign_in(administrator, staff_accounts[Role.ADMINISTRATOR])
    assert "2 staff alerts have not been sent" in administrator.locator("main").inner_text()
    scanner.scan("alerts not sent")
    scanner.visit("/admin/alerts", form=False)
    assert administrator.locator("#main-content tbody tr").count() == 2
    assert administrator.locator("#main-content tbody .govuk-tag--red").inner_text() == "Given up"
    scanner.assert_no_violations()
