"""The logs carry no personal data: every journey driven with sentinel values,
then the captured logs searched for them."""

from __future__ import annotations

import json
import logging

from .support import SOMEONE_ELSE, Applicant, complete, page_url

SENTINEL = "Xylophone Sentinel-Logtest"


def test_no_answer_reaches_the_logs(app, caplog):
    caplog.set_level(logging.DEBUG)
    answers = SOMEONE_ELSE | {
        "your-name": {"full_name": SENTINEL},
        "person-at-risk": {"full_name": SENTINEL, "age": "30"},
        "concern-details": {"details": SENTINEL},
        "safe-contact": {"channels": ["email"], "email": "sentinel.logtest@example.com"},
    }
    applicant = Applicant(app)
    applicant.answer("your-name", {"full_name": SENTINEL})  # refused: not reached yet
    complete(applicant, answers)
    applicant.answer("concern-details", {"details": SENTINEL + "\x00"})  # a validation error
    applicant.post(page_url("check-your-answers"))
    applicant.client.get("/exit")
    assert caplog.records, "nothing was logged at all"
    for text in (SENTINEL, "sentinel.logtest", "Logtest"):
        assert text not in caplog.text


def test_each_request_logs_one_structured_line(app, caplog):
    caplog.set_level(logging.INFO, logger="portal.requests")
    response = app.test_client().get(page_url("immediate-danger") + "?change=1&name=x")
    line = json.loads(caplog.records[-1].getMessage())
    assert set(line) == {"request_id", "method", "endpoint", "status", "ms"}
    assert (line["endpoint"], line["status"]) == ("public.question", 200)
    assert response.headers["X-Request-Id"] == line["request_id"]
    assert "name=x" not in caplog.text


def test_a_server_error_logs_its_reference_and_type_but_not_its_message(app, caplog, make_app):
    broken = make_app(PROPAGATE_EXCEPTIONS=False)

    @broken.get("/broken")
    def broken_view():
        raise ValueError(f"a message holding {SENTINEL}")

    caplog.set_level(logging.INFO)
    response = broken.test_client().get("/broken")
    reference = response.headers["X-Request-Id"][:8].upper()
    assert reference in response.get_data(as_text=True)
    assert f"Unhandled ValueError (reference {reference})" in caplog.text
    assert SENTINEL not in caplog.text
