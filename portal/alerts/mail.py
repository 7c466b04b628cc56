"""Each alert's message, composed when it is sent from what the alert holds:
case references, links to the case pages (under PORTAL_BASE_URL), counts and
due dates, and the declared words of the deadlines and clocks. Nothing else
goes in: no name, no answer, no reason, no free text, so a message read over
someone's shoulder, or kept by a mail server, says only which cases to open."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal import deadlines
from portal.casework.clocks import CLOCKS
from portal.casework.stages import DEADLINES
from portal.models import StaffAlert

SECTION_HEADINGS = {
    "yours": _l("Your cases"),
    "sign_off": _l("Decisions awaiting your sign-off"),
    "plan": _l("Cases needing a communication and safeguarding plan"),
    "unassigned": _l("Cases no one is assigned to"),
}
# Where the queue shows all of a section, when the e-mail lists only the first.
QUEUES = {
    "yours": {"mine": 1},
    "sign_off": {"stage": "decision_made"},
    "plan": {"due_plan": 1},
    "unassigned": {"unassigned": 1},
}


def link(endpoint: str, **values) -> str:
    """An address on the portal as PORTAL_BASE_URL gives it (no request
    needed: the command sends from a timer)."""
    base = urlsplit(current_app.config["PORTAL_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def case_link(case_id: int) -> str:
    return link("admin.case_view", case_id=case_id)


def when(text: str) -> str:
    """A due moment in London time: the day, and the time unless it is the
    end of the day."""
    local = datetime.fromisoformat(text).astimezone(deadlines.LONDON)
    day = f"{local.day} {local:%B %Y}"
    return day if (local.hour, local.minute) == (23, 59) else f"{local:%H:%M} on {day}"


def what_is_due(what: str) -> str:
    family, _, name = what.partition(":")
    declared = (DEADLINES if family == "deadline" else CLOCKS).get(name)
    return str(declared.label) if declared else name


def due_line(item: dict) -> str:
    words = {"what": what_is_due(item["what"]), "when": when(item["due"])}
    if item["overdue"]:
        return str(_l("%(what)s: overdue, due %(when)s", **words))
    return str(_l("%(what)s: due %(when)s", **words))


def footer() -> str:
    return str(
        _l(
            "You get this e-mail from the disclosure portal's back office. "
            "Choose which e-mails you get: %(link)s",
            link=link("admin.alert_preferences"),
        )
    )


# The alerts about one case: a subject and a sentence, each with its reference.
CASE_ALERTS = {
    "urgent_application": (
        _l("Urgent new application %(reference)s"),
        _l("A new application, %(reference)s, has a high risk or is marked urgent."),
    ),
    "sign_off_requested": (
        _l("Decision awaiting sign-off: %(reference)s"),
        _l("A decision on case %(reference)s is awaiting a supervisor's sign-off."),
    ),
    "decision_returned": (
        _l("Decision returned: %(reference)s"),
        _l(
            "A supervisor has returned your decision on case %(reference)s: "
            "a new decision is needed."
        ),
    ),
}


def case_alert(kind: str, payload: dict) -> tuple[str, list[str]]:
    subject, sentence = CASE_ALERTS[kind]
    reference = payload["reference"]
    return str(subject % {"reference": reference}), [
        str(sentence % {"reference": reference}),
        str(_l("Open the case: %(link)s", link=case_link(payload["case_id"]))),
    ]


def digest(payload: dict) -> tuple[str, list[str]]:
    total = sum(each["total"] for each in payload["sections"])
    subject = ngettext(
        "Cases due or overdue: %(num)d case to look at",
        "Cases due or overdue: %(num)d cases to look at",
        total,
    )
    paragraphs = [str(_l("What is due by the end of today, or overdue."))]
    for each in payload["sections"]:
        lines = [f"{SECTION_HEADINGS.get(each['name'], each['name'])} ({each['total']})"]
        for case in each["cases"]:
            lines.append(f"- {case['reference']}: {case_link(case['case_id'])}")
            lines += [f"  {due_line(item)}" for item in case["due"]]
        if each["total"] > len(each["cases"]):
            more = each["total"] - len(each["cases"])
            queue = link("admin.case_queue", **QUEUES.get(each["name"], {}))
            lines.append(str(_l("and %(count)d more: %(link)s", count=more, link=queue)))
        paragraphs.append("\n".join(lines))
    return subject, paragraphs


def message(alert: StaffAlert, to: str, now: datetime) -> EmailMessage:
    if alert.kind == "digest":
        subject, paragraphs = digest(alert.payload)
    else:
        subject, paragraphs = case_alert(alert.kind, alert.payload)
    sender = current_app.config["ALERTS_FROM"]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies
    mail.set_content("\n\n".join([*paragraphs, footer()]) + "\n")
    return mail
