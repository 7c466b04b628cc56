"""Each form's content version, derived from its definition: the pages in
order, every question's words (label, hint, choices, error messages), the
pages' own templates, and the start, declaration and confirmation pages. A
change to any of them is a new version; the first event recorded under a
version registers it with the day it was first seen, so the dashboard can
mark it on the trends and compare it with another."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from wtforms.fields.core import UnboundField

from portal.extensions import db
from portal.journeys.engine import Collection, Page, Scheme
from portal.journeys.registry import SCHEMES
from portal.models import FormVersion

LENGTH = 10  # hex characters of the content hash
_known: dict[str, str] = {}


def canonical(value):
    """A plain, stable form of a definition's parts: the English source words
    of lazy strings, field types and arguments, validators' settings."""
    if isinstance(value, LazyString):
        return (
            {"text": value._args[0], "with": canonical(value._kwargs)}
            if value._kwargs
            else (value._args[0])
        )
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, UnboundField):
        return {
            "field": value.field_class.__name__,
            "args": canonical(value.args),
            "kwargs": canonical(value.kwargs),
        }
    if isinstance(value, type):
        return value.__qualname__
    if callable(value):
        return getattr(value, "__qualname__", type(value).__name__)
    return {type(value).__name__: canonical(vars(value)) if hasattr(value, "__dict__") else None}


@functools.cache
def fields_of(form_class) -> list[tuple[str, UnboundField]]:
    """A form's fields (its own and inherited) in the order they are shown
    (the definition is fixed while the process runs)."""
    found = {
        name: getattr(form_class, name)
        for name in dir(form_class)
        if isinstance(getattr(form_class, name, None), UnboundField)
    }
    return sorted(found.items(), key=lambda item: item[1].creation_counter)


def template_source(name: str | None) -> str | None:
    if not name:
        return None
    loader = current_app.jinja_env.loader
    return loader.get_source(current_app.jinja_env, name)[0]


def content(scheme: Scheme) -> dict:
    pages = []
    for page in scheme.pages:
        entry = {
            "slug": page.slug,
            "title": canonical(page.title),
            "template": template_source(page.template),
        }
        if isinstance(page, Page):
            entry["heading"] = canonical(page.heading)
            entry["hint"] = template_source(page.hint_html)
            entry["fields"] = [(name, canonical(field)) for name, field in fields_of(page.form)]
        if isinstance(page, Collection):
            entry["item_fields"] = [
                (name, canonical(field)) for name, field in fields_of(page.item_form)
            ]
            entry["words"] = canonical(
                [
                    page.item_title,
                    page.item_heading,
                    page.item_label,
                    page.added_one,
                    page.added_many,
                    page.first_heading,
                    page.more_heading,
                    page.empty_text,
                ]
            )
        pages.append(entry)
    return {
        "name": canonical(scheme.name),
        "pages": pages,
        "start": template_source(scheme.start_template),
        "declaration": template_source(scheme.declaration_template),
        "confirmation": template_source(scheme.confirmation_template),
    }


def version_of(scheme: Scheme) -> str:
    text = json.dumps(content(scheme), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:LENGTH]


def current(scheme_slug: str) -> str:
    """The version of a form the public sees now."""
    if scheme_slug not in _known:
        scheme = SCHEMES.get(scheme_slug)
        _known[scheme_slug] = version_of(scheme) if scheme is not None else ""
    return _known[scheme_slug]


def register(scheme_slug: str, version: str, seen: datetime, *, label: str | None = None) -> None:
    """Record that a version has been seen (the first sighting stands)."""
    dialect = db.session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = make(FormVersion).values(
        scheme=scheme_slug, version=version, first_seen=seen, label=label
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["scheme", "version"]))


def by_scheme() -> dict[str, list[FormVersion]]:
    """Every form's versions, oldest first, in one read."""
    found: dict[str, list[FormVersion]] = {}
    query = select(FormVersion).order_by(FormVersion.first_seen, FormVersion.id)
    for version in db.session.scalars(query):
        found.setdefault(version.scheme, []).append(version)
    return found


def of_scheme(scheme_slug: str) -> list[FormVersion]:
    """A form's versions, oldest first."""
    query = (
        select(FormVersion)
        .where(FormVersion.scheme == scheme_slug)
        .order_by(FormVersion.first_seen, FormVersion.id)
    )
    return list(db.session.scalars(query))


def name_of(version: FormVersion) -> str:
    first = version.first_seen.strftime("%-d %B %Y")
    return version.label or f"Version {version.version[:6]} (first seen {first})"
