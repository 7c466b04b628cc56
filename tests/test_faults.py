"""Faults at "Accept and send": the database failing in the middle of it, a
worker killed in the middle of it, and several sends of one draft arriving at
two workers at once. In every case an applicant's answers are either one whole
application or still a whole draft, never half of each."""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from sqlalchemy import event, func, select, text

from portal.extensions import db
from portal.models import Application, CaseRecord, Draft, JourneyEvent, Role

from .casework_support import TRIAGE, record, submit
from .live import CHECK, CONFIRMATION, SSL_CONTEXT, HttpApplicant, csrf_token, serve
from .live import reference_on as reference_in
from .staff_support import StaffBrowser, make_staff
from .support import SELF, Page, complete, page_url, reach

INSERT_APPLICATION = "INSERT INTO application ("


def count(db_session, model, *where) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def submitted_events(db_session) -> int:
    return count(db_session, JourneyEvent, JourneyEvent.kind == "submitted")


def draft_waiting(db_session) -> bool:
    """One draft, not marked as sent."""
    db_session.expire_all()
    rows = db_session.execute(select(Draft.id, Draft.application_id)).all()
    return len(rows) == 1 and rows[0].application_id is None


def summary_of(html: str, url: str = CHECK) -> dict[str, str]:
    return Page(200, url, html, BeautifulSoup(html, "html.parser")).summary()


@contextmanager
def database_fails_when_the_application_is_written(app, observer_engine, prefix=INSERT_APPLICATION):
    """The database fails just as the application row is written (or another
    statement starting with `prefix`), inside the
    real submit, with the driver's own error: on PostgreSQL the request's server
    connection is terminated (as in a restart or a failover); on SQLite the
    database turns read-only (as when its disk fails). Afterwards the database
    is back: new connections work again."""
    with app.app_context():
        engine = db.engine
    failed: list[str] = []

    def fail(connection, _cursor, statement, _parameters, _context, _executemany):
        if failed or not statement.startswith(prefix):
            return
        failed.append(statement)
        raw = connection.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            with observer_engine.connect() as observer:
                observer.execute(
                    text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": raw.info.backend_pid}
                )
        else:
            raw.execute("PRAGMA query_only = ON")

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", fail)
        engine.dispose()  # the failed connection goes; the next request opens a new one


def test_the_database_failing_at_accept_and_send_keeps_the_answers(
    app, applicant, db_session, observer_engine
):
    answers_shown = complete(applicant, SELF).summary()
    with database_fails_when_the_application_is_written(app, observer_engine) as failed:
        page = applicant.post(CHECK)
    assert failed, "the fault never happened"

    assert page.status == 503
    assert page.title.startswith("Sorry, there is a problem with the service")
    said = " ".join(page.soup.select_one("main").get_text().split())
    assert "Your application has not been sent." in said
    assert "We have kept your answers" in said
    assert "Try again in a few minutes." in said
    assert "Call 999" in said
    assert "Operational" not in page.html and "INSERT" not in page.html  # no internals

    assert count(db_session, Application) == 0
    assert draft_waiting(db_session)
    assert submitted_events(db_session) == 0  # nothing counted as sent either

    retry = page.soup.select_one("form[method=post]")
    assert retry["action"] == CHECK
    assert applicant.get(CHECK).summary() == answers_shown  # every answer is still there

    token = retry.select_one("[name=csrf_token]")["value"]
    sent = applicant.post(retry["action"], {"csrf_token": token})
    assert applicant.path == CONFIRMATION
    assert count(db_session, Application) == 1
    assert count(db_session, Application, Application.reference == reference_in(sent.html)) == 1
    assert submitted_events(db_session) == 1


def test_after_a_failed_send_the_accept_and_send_button_works(
    app, applicant, db_session, observer_engine
):
    complete(applicant, SELF)
    token = applicant.csrf_token()  # the check answers page, still open in the browser
    with database_fails_when_the_application_is_written(app, observer_engine):
        assert applicant.post(CHECK, {"csrf_token": token}).status == 503
    applicant.post(CHECK, {"csrf_token": token})
    assert applicant.path == CONFIRMATION
    assert count(db_session, Application) == 1


def test_the_database_failing_on_a_question_page_says_the_answer_was_not_saved(
    app, applicant, db_session, observer_engine, caplog
):
    reach(applicant, "your-name", SELF)
    question = page_url("your-name")
    applicant.get(question)
    sentinel = {"full_name": "Sentinelname Qzxvbn"}
    with database_fails_when_the_application_is_written(
        app, observer_engine, prefix="UPDATE draft SET"
    ) as failed:
        page = applicant.post(question, sentinel)
    assert failed, "the fault never happened"

    assert page.status == 503
    assert page.title.startswith("Sorry, the service is unavailable")
    said = " ".join(page.soup.select_one("main").get_text().split())
    assert "What you just entered has not been saved." in said
    assert "Anything you saved before this is kept." in said
    assert "call 999" in said
    assert "Operational" not in page.html and "UPDATE" not in page.html  # no internals
    assert "Qzxvbn" not in caplog.text  # the answer is never logged
    assert "Database unavailable (" in caplog.text  # the driver error's type, with a reference

    # Back on the page, the same answer saves once the database is back.
    applicant.answer("your-name", sentinel)
    assert applicant.path != question and applicant.page.status == 200
    db_session.expire_all()
    (draft,) = db_session.scalars(select(Draft)).all()
    assert draft.answers["your-name"] == sentinel


def test_an_unreachable_database_gives_the_unavailable_page_quickly(make_app):
    # Nothing listens on port 1: every connection is refused at once.
    other = make_app(DATABASE_URL="postgresql+psycopg://portal@127.0.0.1:1/portal")
    client = other.test_client()
    assert client.get("/healthz").status_code == 200  # alive, so not restarted
    assert client.get("/readyz").status_code == 503  # but not sent traffic

    first = page_url("immediate-danger")
    form = BeautifulSoup(client.get(first).get_data(as_text=True), "html.parser")
    token = form.select_one("[name=csrf_token]")["value"]
    started = time.monotonic()
    page = client.post(first, data={"csrf_token": token, **SELF["immediate-danger"]})
    assert time.monotonic() - started < 10
    assert page.status_code == 503  # the first answer starts a draft: it could not be kept
    assert page.headers["Retry-After"] == "120"
    html = " ".join(BeautifulSoup(page.get_data(as_text=True), "html.parser").get_text().split())
    assert "Sorry, the service is unavailable" in html and "Try again in a few minutes" in html
    assert "What you just entered has not been saved." in html
    assert "psycopg" not in html and "127.0.0.1" not in html


def wait_for_file(path: Path, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return path.read_text()
        time.sleep(0.05)
    raise AssertionError(f"{path.name} did not appear in {seconds} s")


def test_a_worker_killed_while_sending_leaves_no_partial_application(served_database, tmp_path):
    """gunicorn with 2 workers; the worker sending the application is killed
    (SIGKILL, as the kernel's out-of-memory killer would) after writing the
    application row and emptying the draft, before the commit."""
    db_session = served_database.session
    paused = tmp_path / "paused"
    with serve(
        served_database,
        tmp_path / "gunicorn.log",
        wsgi="tests.fault_app:app",
        env={"FAULT_PAUSE_FILE": str(paused)},
    ) as server:
        person = HttpApplicant(server.url)
        check = person.complete(SELF)
        answers_shown = summary_of(check.text)
        outcome: dict[str, object] = {}

        def send() -> None:
            try:
                outcome["response"] = person.client.post(
                    CHECK, data={"csrf_token": csrf_token(check.text)}
                )
            except httpx.HTTPError as error:
                outcome["error"] = error

        sending = threading.Thread(target=send)
        sending.start()
        worker = int(wait_for_file(paused, 30))
        assert count(db_session, Application) == 0  # written but not committed: not seen
        os.kill(worker, signal.SIGKILL)
        sending.join(30)
        assert not sending.is_alive()
        assert isinstance(outcome.get("error"), httpx.TransportError), outcome  # cut off

        assert count(db_session, Application) == 0
        assert draft_waiting(db_session)
        assert submitted_events(db_session) == 0

        again = person.get(CHECK)
        assert again.url.path == CHECK
        assert summary_of(again.text) == answers_shown

        sent = person.post(CHECK, token=csrf_token(again.text))
        assert sent.url.path == CONFIRMATION
        reference = reference_in(sent.text)
        person.close()
    assert reference
    assert count(db_session, Application) == 1
    assert count(db_session, Application, Application.reference == reference) == 1


def test_simultaneous_sends_to_two_workers_make_one_application(served_database, tmp_path):
    """Eight copies of one "Accept and send" at once, against gunicorn with 2
    workers: one application, and every copy is sent to the same confirmation."""
    db_session = served_database.session
    with serve(served_database, tmp_path / "gunicorn.log") as server:
        person = HttpApplicant(server.url)
        token = csrf_token(person.complete(SELF).text)
        copies = 8
        ready = threading.Barrier(copies)
        answers: list[tuple[int, str | None]] = []

        def send() -> None:
            with httpx.Client(
                base_url=server.url, cookies=person.client.cookies, timeout=30, verify=SSL_CONTEXT
            ) as client:
                ready.wait(10)
                response = client.post(CHECK, data={"csrf_token": token})
                answers.append((response.status_code, response.headers.get("location")))

        threads = [threading.Thread(target=send) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert answers == [(303, CONFIRMATION)] * copies
        reference = reference_in(person.get(CONFIRMATION).text)
        person.close()
    assert count(db_session, Application) == 1
    assert count(db_session, Application, Application.reference == reference) == 1
    assert submitted_events(db_session) == 1


def test_the_database_failing_while_an_officer_records_a_stage(
    app, clock, observer_engine, db_session
):
    case_id = submit(app)
    officer = StaffBrowser(app, make_staff(app, Role.OFFICER))
    officer.sign_in(clock.now)
    with database_fails_when_the_application_is_written(
        app, observer_engine, prefix="INSERT INTO case_record"
    ) as failed:
        response = record(officer, case_id, "triage", TRIAGE)
    assert failed, "the fault never happened"
    assert response.status_code == 503
    said = " ".join(
        BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text().split()
    )
    assert "What you just entered has not been saved." in said
    assert "Anything you saved before this is kept" not in said  # that is the applicants' page
    assert count(db_session, CaseRecord) == 0

    assert record(officer, case_id, "triage", TRIAGE).status_code == 302  # and again, it works
    assert count(db_session, CaseRecord) == 1
