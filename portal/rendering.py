"""Template helpers: one place that turns a form field into GOV.UK Frontend
markup, with the label or legend as the page heading when the page asks one
question, and revealed fields nested under their choice."""

from __future__ import annotations

import copy
from datetime import timedelta
from functools import lru_cache

from babel import dates
from flask import Flask, render_template, session
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from . import deadlines, languages
from .clock import as_utc
from .force import shown_force
from .journeys import common
from .journeys.fields import ChoiceAnswer, DateAnswer, MultiChoiceAnswer

GROUPED = (ChoiceAnswer, MultiChoiceAnswer, DateAnswer)


def heading_params(field, page_heading: bool) -> dict:
    text = field.label.text
    if isinstance(field, GROUPED):
        size = "l" if page_heading else "s"
        legend = {
            "text": text,
            "isPageHeading": page_heading,
            "classes": f"govuk-fieldset__legend--{size}",
        }
        return {"fieldset": {"legend": legend}}
    if page_heading:
        return {"label": {"text": text, "isPageHeading": True, "classes": "govuk-label--l"}}
    return {"label": {"text": text, "classes": "govuk-label--s"}}


def render_field(form, field, page_heading: bool = False) -> Markup:
    params = copy.deepcopy(getattr(field, "params", {}))
    params.update(heading_params(field, page_heading))
    if isinstance(field, DateAnswer):
        # The template escapes every value it prints.
        html = render_template("shared/date_input.html", field=field, params=params)
        return Markup(html)  # noqa: S704  # nosec B704
    if isinstance(field, ChoiceAnswer | MultiChoiceAnswer):
        params["idPrefix"] = field.id
        params["items"] = choice_items(form, field)
    return field(params=params)


def choice_items(form, field) -> list[dict]:
    reveals = form.reveals.get(field.name, {})
    items = []
    for value, _label in field.choices:
        item: dict = {}
        if value in reveals:
            html = Markup("").join(render_field(form, form[name]) for name in reveals[value])
            item["conditional"] = {"html": html}
        if value == getattr(field, "exclusive", None):
            item["behaviour"] = "exclusive"
        items.append(item)
    return items


def multiline(text) -> Markup:
    """Show an answer's own line breaks, escaping everything else."""
    return Markup("<br>").join(escape(line) for line in str(text).splitlines())


def datetime_local(moment) -> str:
    """A stored UTC time as the force's local time, in the page's language."""
    return formatted_time(moment, get_locale())


@lru_cache(maxsize=4096)
def formatted_time(moment, locale) -> str:
    """Babel's own formatting, remembered: the queue shows the same cases' times
    page after page, some 150 a page (Flask-Babel's own filter would look the
    locale and the time zone up again for each)."""
    local = as_utc(moment).astimezone(deadlines.LONDON)
    return dates.format_datetime(local, "d MMM y, HH:mm", locale=locale)


DUE_TAG = Markup('<strong class="govuk-tag govuk-tag--{}">{}</strong>')
DUE_SOON = timedelta(days=2)


def due_date(due, now) -> Markup:
    """A deadline, tagged when it has passed or falls within 2 days."""
    if not due:
        return Markup("")
    shown = escape(datetime_local(due))
    due = as_utc(due)
    if due < now:
        return shown + " " + DUE_TAG.format("red", _("Overdue"))
    if due < now + DUE_SOON:
        return shown + " " + DUE_TAG.format("orange", _("Due soon"))
    return shown


def in_words(labels: dict) -> dict[str, str]:
    """Labels (lazy translations) as the current language's words, looked up
    once for a page that shows them row after row."""
    return {key: str(label) for key, label in labels.items()}


def staff_keying_in() -> bool:
    """Whether this browser is signed in to the back office (on a public page:
    a member of staff keying in an application). Read from the session's own
    key, so a public page loads no staff account for it."""
    return "_user_id" in session


def staff_seconds_left() -> int:
    from flask_login import current_user

    from . import staff_sessions as sessions

    return sessions.seconds_left(current_user.session_token)


def applied_in(case) -> str:
    """The language a case was sent in, and any interpreter asked for, as
    officers see it on the case and the queue."""
    words = _("Applied in %(language)s", language=languages.english_name(case.language))
    if "interpreter" in (case.communication_needs or []):
        words = _("%(applied)s; asked for an interpreter", applied=words)
    return words


def outcome_label(value: str) -> str:
    from .casework.outcomes import OUTCOME_LABELS

    return str(OUTCOME_LABELS.get(value, value))


def register(app: Flask) -> None:
    app.jinja_env.globals.update(render_field=render_field, force=shown_force, due_date=due_date)
    app.jinja_env.filters["multiline"] = multiline
    app.jinja_env.filters["datetime_local"] = datetime_local
    app.jinja_env.filters.update(
        outcome_label=outcome_label,
        applied_in=applied_in,
        zip=zip,
        combine=lambda a, b: {**a, **b},
    )
    app.jinja_env.globals["current_language"] = languages.current
    app.jinja_env.globals["languages"] = languages.LANGUAGES
    app.jinja_env.globals["staff_seconds_left"] = staff_seconds_left
    app.jinja_env.globals["staff_keying_in"] = staff_keying_in
    app.jinja_env.globals["contact_sections"] = {
        "applicant": common.CONTACT,
        "at_risk": common.AT_RISK_CONTACT,
    }
