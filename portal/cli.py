"""Maintenance commands: flask --app wsgi drafts purge."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

drafts_cli = AppGroup("drafts", help="Applications in progress.")


@drafts_cli.command("purge")
def purge_command() -> None:
    """Delete every draft whose time limit has passed."""
    from .applications import purge_expired_drafts
    from .clock import utcnow
    from .extensions import db

    count = purge_expired_drafts(now=utcnow())
    db.session.commit()
    click.echo(f"Deleted {count} expired drafts.")


def register(app: Flask) -> None:
    app.cli.add_command(drafts_cli)
