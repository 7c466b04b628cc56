"""`flask --app wsgi alerts send`: queue today's digest (once a day, from
ALERTS_DIGEST_HOUR), send every alert due, and delete finished alerts after
30 days. Run it every few minutes from cron or a systemd timer
(docs/deployment.md, section 7). It exits 1 when an alert could not be sent,
so the scheduler shows the failure; administrators see it in the back office."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal import clock
from portal.extensions import db

from . import delivery, digest, outbox

alerts_cli = AppGroup("alerts", help="Staff alerts by e-mail.")


@alerts_cli.command("send")
def send_command() -> None:
    """Queue today's digest when it is due, then send the alerts waiting."""
    now = clock.utcnow()
    outbox.prune(now)
    digests = digest.queue_digests(now)
    db.session.commit()
    if digests is not None:
        click.echo(f"Queued {digests} daily digest{'' if digests == 1 else 's'}.")
    if not delivery.configured():
        click.echo(
            f"No mail server is configured (SMTP_HOST): {outbox.waiting()} alerts are queued "
            "and cannot be sent."
        )
        return
    run = delivery.deliver(now)
    click.echo(
        f"Sent {run.sent} alerts; {run.failed} not sent; {run.cancelled} no longer wanted; "
        f"{outbox.waiting()} waiting."
    )
    if run.down:
        click.echo(f"The mail server could not be reached: {run.down}.", err=True)
    if run.failed:
        raise SystemExit(1)


def register(app: Flask) -> None:
    app.cli.add_command(alerts_cli)
