"""Sending the alerts due, by SMTP, outside any request: `flask --app wsgi
alerts send`. No transaction is held open while the mail server is talked
to, so a slow or missing server never holds up casework: the alerts due are
claimed in one short transaction (outbox.claim), sent, and each one's
outcome written in another. A failed attempt waits longer each time
(outbox.wait_after) and is given up after ALERTS_MAX_ATTEMPTS; what went
wrong is kept in the portal's own words, since a server's reply can quote an
address."""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from portal.extensions import db
from portal.models import StaffAlert

from . import mail, outbox


class MailServerDown(Exception):
    """The connection to the mail server failed: no point trying the rest now."""


def describe(error: BaseException) -> str:
    """What went wrong, without a word the mail server said."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        return f"The mail server refused the recipient ({', '.join(map(str, codes))})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"The mail server refused the sign-in ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"The mail server refused the sender address ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server refused the message ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "The mail server does not offer STARTTLS"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection"
    if isinstance(error, ssl.SSLError):
        return "TLS with the mail server failed"
    if isinstance(error, socket.gaierror):
        return "The mail server's name could not be found"
    if isinstance(error, TimeoutError):
        return "The mail server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection: is it running?"
    if isinstance(error, OSError) and error.errno in errno.errorcode:
        return f"Could not reach the mail server ({errno.errorcode[error.errno]})"
    return f"Could not send ({type(error).__name__})"


class Mailer:
    """One connection to the mail server for a run, opened when first needed."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        host, port = self.config["SMTP_HOST"], self.config["SMTP_PORT"]
        timeout, tls = self.config["SMTP_TIMEOUT_SECONDS"], self.config["SMTP_TLS"]
        context = ssl.create_default_context()
        if tls == "implicit":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if tls == "starttls":
                connection.starttls(context=context)
            if self.config["SMTP_USERNAME"]:
                connection.login(self.config["SMTP_USERNAME"], self.config["SMTP_PASSWORD"])
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message) -> None:
        if self.connection is None:
            try:
                self.connection = self.connect()
            except (OSError, smtplib.SMTPException) as error:
                raise MailServerDown(describe(error)) from error
        try:
            self.connection.send_message(message)
        except smtplib.SMTPServerDisconnected as error:
            self.connection = None
            raise MailServerDown(describe(error)) from error
        except smtplib.SMTPException:
            raise  # this message refused: the connection goes on (smtplib has reset it)
        except OSError as error:  # SMTPException is an OSError too: it comes first
            self.connection = None
            raise MailServerDown(describe(error)) from error

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


@dataclass
class Run:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    down: str | None = None  # why the mail server could not be reached


def configured() -> bool:
    return bool(current_app.config["SMTP_HOST"])


def deliver(now: datetime, batch: int = 100) -> Run:
    """Send every alert due now, a batch at a time; stop when the server is down."""
    run, mailer = Run(), Mailer(current_app.config)
    try:
        while run.down is None:
            ids = outbox.claim(now, batch)
            db.session.commit()
            if not ids:
                break
            for alert_id in ids:
                attempt(alert_id, mailer, run, now)
    finally:
        mailer.close()
    return run


def attempt(alert_id: int, mailer: Mailer, run: Run, now: datetime) -> None:
    """Send one claimed alert (or say why not), and write what became of it."""
    alert = db.session.get(StaffAlert, alert_id)
    if not outbox.wanted(alert.staff, alert.kind):
        outbox.cancelled(alert, now)
        run.cancelled += 1
    elif run.down:
        fail(alert, run.down, run, now)
    else:
        try:
            mailer.send(mail.message(alert, alert.staff.email, now))
        except MailServerDown as error:
            run.down = str(error)
            fail(alert, run.down, run, now)
        except smtplib.SMTPException as error:
            fail(alert, describe(error), run, now)
        else:
            outbox.sent(alert, now)
            run.sent += 1
    db.session.commit()


def fail(alert: StaffAlert, error: str, run: Run, now: datetime) -> None:
    outbox.not_sent(alert, error, now)
    run.failed += 1
    current_app.logger.warning(
        "staff alert %s (%s) not sent, attempt %s: %s", alert.id, alert.kind, alert.attempts, error
    )
