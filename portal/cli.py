"""Commands: flask --app wsgi drafts purge | staff create | staff demo."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from .models import Role

drafts_cli = AppGroup("drafts", help="Applications in progress.")


@drafts_cli.command("purge")
def purge_command() -> None:
    """Delete every draft whose time limit has passed."""
    from .drafts import purge_expired
    from .extensions import db

    count = purge_expired()
    db.session.commit()
    click.echo(f"Deleted {count} expired drafts.")


staff_cli = AppGroup("staff", help="Staff accounts.")
BASE_URL = "http://127.0.0.1:5000"


def link(base_url: str, endpoint: str, **values) -> str:
    with current_app.test_request_context(base_url=base_url):
        return url_for(endpoint, _external=True, **values)


@staff_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option(
    "--base-url",
    default=BASE_URL,
    show_default=True,
    help="Where the portal is served, for the printed link.",
)
def create_staff_command(email: str, name: str, role: str, base_url: str) -> None:
    """Create a staff account and print its one-time setup link."""
    from .admin import accounts
    from .audit import record
    from .extensions import db

    if accounts.find_by_email(email=email):
        raise click.ClickException(f"There is already an account for {email}.")
    staff = accounts.create(email=email, name=name, role=Role(role))
    token = accounts.issue_setup_link(staff)
    record("staff_invited", target=staff, role=role, by="command line")
    db.session.commit()
    click.echo(f"Created {staff.email} ({Role(role).label}). One-time setup link:")
    click.echo(f"  {link(base_url, 'admin.setup', token=token)}")


@staff_cli.command("demo")
@click.option("--base-url", default=BASE_URL, show_default=True)
def demo_command(base_url: str) -> None:
    """Development only: one account per role when there are no accounts but
    demo ones (`demo seed` makes the officer and the supervisor it needs), and
    fresh setup links for those not set up yet."""
    from .admin import accounts
    from .audit import record
    from .demo.staff import DEMO_STAFF as DEMO
    from .extensions import db

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Production never creates default accounts.")
    existing = accounts.count() - sum(
        1 for _role, email, _name in DEMO if accounts.find_by_email(email=email)
    )
    click.echo("Demo staff accounts: set a password and an authenticator app with each link.")
    for role, email, name in DEMO:
        staff = accounts.find_by_email(email=email)
        if staff is None and existing:
            continue  # a real deployment's accounts: leave them alone
        if staff is None:
            staff = accounts.create(email=email, name=name, role=role)
            record("staff_invited", target=staff, role=role.value, by="demo accounts")
        elif staff.totp_enabled:
            click.echo(f"  {role.label:26} {email} (set up: sign in)")
            continue
        token = accounts.issue_setup_link(staff)
        click.echo(f"  {role.label:26} {email}")
        click.echo(f"  {'':26} {link(base_url, 'admin.setup', token=token)}")
    db.session.commit()
    click.echo(f"Then sign in at {link(base_url, 'admin.sign_in')}")


keys_cli = AppGroup("keys", help="Encryption keys for personal data.")


@keys_cli.command("new")
@click.argument("key_id")
@click.option("--index", "for_index", is_flag=True, help="A blind index key, for BLIND_INDEX_KEY.")
def new_key_command(key_id: str, for_index: bool) -> None:
    """Print a new key: put it first in ENCRYPTION_KEYS (with --index, in
    BLIND_INDEX_KEY), keep the old ones after it."""
    from .crypto import INDEX_KEY_ID, LEGACY_INDEX_ID, new_key_text

    if for_index and not INDEX_KEY_ID.fullmatch(key_id):
        raise click.BadParameter("1 to 40 letters, digits, '.', '_' or '-'.", param_hint="KEY_ID")
    if for_index and key_id == LEGACY_INDEX_ID:
        raise click.BadParameter(
            f"{LEGACY_INDEX_ID!r} is the plain key of before key ids: choose another id.",
            param_hint="KEY_ID",
        )
    click.echo(new_key_text(key_id))


@keys_cli.command("rotate")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1))
def rotate_command(batch: int) -> None:
    """Re-seal every value under the current key. Safe to stop and run again:
    it carries on with the values not yet re-sealed."""
    import time

    from .crypto import ring
    from .extensions import db
    from .models import Application, CaseRecord, Draft, Staff

    started = time.perf_counter()
    current = ring().current + ":"
    total = 0
    for model, name in (
        (Draft, "answers"),
        (Draft, "counted"),
        (Application, "answers"),
        (CaseRecord, "data"),
        (Staff, "totp_secret"),
    ):
        column = getattr(model, f"{name}_sealed")
        while True:
            rows = db.session.scalars(
                select(model)
                .where(column.is_not(None), ~column.startswith(current, autoescape=True))
                .order_by(*model.__table__.primary_key.columns)
                .limit(batch)
            ).all()
            if not rows:
                break
            for row in rows:
                setattr(row, name, getattr(row, name))  # opens with its own key, seals anew
            db.session.commit()
            total += len(rows)
    click.echo(
        f"Re-sealed {total} values under key {current[:-1]} in "
        f"{time.perf_counter() - started:.1f} s."
    )


@keys_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1))
def reindex_command(batch: int) -> None:
    """Recompute every application's duplicate and search keys under the
    current blind index key, from its sealed answers (and write the search
    keys of applications that have none yet). Safe to stop and run again: it
    carries on with the applications not yet re-indexed. Erased ones keep none."""
    import time

    from sqlalchemy import and_, exists, or_

    from .applications import duplicate_keys
    from .casework import search
    from .crypto import LEGACY_INDEX_ID, ring
    from .extensions import db
    from .models import Application, SearchKey

    started = time.perf_counter()
    current = ring().index_current
    columns = (Application.subject_key, Application.applicant_key, Application.at_risk_key)

    def stale(column):
        if current == LEGACY_INDEX_ID:  # its indexes are plain hex: any id is another key's
            return column.contains(":")
        return and_(column.is_not(None), ~column.startswith(current + ":", autoescape=True))

    total, last_id = 0, 0
    while True:
        rows = db.session.scalars(
            select(Application)
            .where(
                Application.id > last_id,
                Application.erased_at.is_(None),
                or_(
                    *(stale(column) for column in columns),
                    ~exists().where(SearchKey.application_id == Application.id),
                    exists().where(
                        SearchKey.application_id == Application.id, stale(SearchKey.key)
                    ),
                ),
            )
            .order_by(Application.id)
            .limit(batch)
            .with_for_update()  # retention waits, and erases after: no index comes back
        ).all()
        if not rows:
            break
        for row in rows:
            for name, value in duplicate_keys(row.answers or {}).items():
                setattr(row, name, value)
            search.index(row)
        last_id = rows[-1].id
        db.session.commit()
        total += len(rows)
    click.echo(
        f"Re-indexed {total} applications under blind index key {current} in "
        f"{time.perf_counter() - started:.1f} s."
    )


def register(app: Flask) -> None:
    app.cli.add_command(drafts_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(keys_cli)
