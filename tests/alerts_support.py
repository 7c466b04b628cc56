"""Staff alerts for tests: a real SMTP server on loopback (aiosmtpd) that
keeps every message that arrives, or refuses them; a port nothing listens
on; the portal pointed at either; and `flask alerts send` run as the timer
would run it."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.extensions import db
from portal.models import StaffAlert

BASE_URL = "https://disclosure.example.police.uk"
FROM = "alerts@example.police.uk"


class Inbox:
    """An aiosmtpd handler: what arrives, or a refusal of every recipient."""

    def __init__(self):
        self.envelopes = []
        self.refusal: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusal:
            return self.refusal.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def raw(self) -> list[bytes]:
        return [envelope.original_content for envelope in self.envelopes]

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    """A loopback port nothing listens on (once the socket that found it closes)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def point_at(app, monkeypatch, port: int) -> None:
    """The portal's mail settings, for a server on this loopback port."""
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_TLS": "off",
        "SMTP_TIMEOUT_SECONDS": 5,
        "ALERTS_FROM": FROM,
        "PORTAL_BASE_URL": BASE_URL,
    }.items():
        monkeypatch.setitem(app.config, name, value)


def send_alerts(app):
    """`flask --app wsgi alerts send`, as cron or the systemd timer runs it."""
    return app.test_cli_runner().invoke(args=["alerts", "send"])


def alerts(app, **where) -> list[StaffAlert]:
    with app.app_context():
        query = select(StaffAlert).filter_by(**where).order_by(StaffAlert.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def act(browser, case_id: int, kind: str, data: dict):
    """Record a stage through its page (the security token from the home page)."""
    return browser.post(f"/admin/cases/{case_id}/record/{kind}", data, token_from="/admin/")


def body(message: EmailMessage) -> str:
    """The text as a reader sees it (the wire's CRLF line ends as newlines)."""
    return message.get_content().replace("\r\n", "\n")
