"""Enquiries to other police forces (DESIGN.md section 7): each address of the
subject outside the force's area suggests an enquiry to the force that covers
it (portal/places.py, from the data file shipped with the project). The
officer records each enquiry as it goes, sent, chased, replied or dismissed,
as one repeatable stage ("enquiry", stages.py); what stands for each force is
derived from those records, never stored twice. An enquiry sent or chased
awaits a reply by a date of its own: the earliest is the case's enquiry clock
(clocks.py), and a decision while one awaits needs the same recorded override
as a research check awaiting a reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from portal import deadlines, places
from portal.force import current_force
from portal.journeys.engine import answer
from portal.models import Application, CaseRecord

from . import facts
from .forms import ENQUIRY_DATES

AWAITING = ("sent", "chased")
# Working days a reply is due in: after an enquiry is sent, after a chase.
REPLY_DAYS = {"sent": "enquiry_reply_working_days", "chased": "enquiry_chase_working_days"}


@dataclass(frozen=True)
class Address:
    text: str
    postcode: str
    label: str  # "current address" or "previous address 2", in the reader's language


@dataclass(frozen=True)
class Suggested:
    """An enquiry the subject's addresses call for that nobody has recorded yet."""

    address: Address
    forces: list[str]  # the force that covers the address (or the candidates, most likely first)
    basis: str | None


@dataclass(frozen=True)
class Enquiry:
    force: str
    latest: CaseRecord
    sent: CaseRecord | None

    @property
    def action(self) -> str:
        return self.latest.data["action"]

    @property
    def awaiting(self) -> bool:
        return self.action in AWAITING

    @property
    def reply_due_at(self) -> datetime | None:
        return reply_due(self.latest) if self.awaiting else None


def own_force() -> str:
    return current_force().name


def other_forces() -> list[str]:
    return [name for name in places.forces() if name != own_force()]


def subject_addresses(case: Application) -> list[Address]:
    answers = case.answers or {}
    found = []
    if answer(answers, "subject-address", "known") == "yes":
        found.append(
            Address(
                answer(answers, "subject-address", "address") or "",
                answer(answers, "subject-address", "postcode") or "",
                _("current address"),
            )
        )
    for number, item in enumerate(answers.get("previous-addresses", {}).get("items", []), 1):
        found.append(
            Address(
                item.get("address", ""),
                item.get("postcode", ""),
                _("previous address %(number)s", number=number),
            )
        )
    return found


def recorded(case: Application) -> dict[str, Enquiry]:
    """Each force's enquiry as it stands: its latest record, and the one that sent it."""
    found: dict[str, Enquiry] = {}
    for row in facts.records(case, "enquiry"):
        force = row.data.get("force", "")
        sent = row if row.data.get("action") == "sent" else getattr(found.get(force), "sent", None)
        found[force] = Enquiry(force, row, sent)
    return found


def awaiting(case: Application) -> list[Enquiry]:
    return [enquiry for enquiry in recorded(case).values() if enquiry.awaiting]


def suggested(case: Application) -> list[Suggested]:
    """The subject's addresses outside the force's area whose force has no
    enquiry recorded (sent, answered or dismissed)."""
    known = recorded(case)
    own = own_force()
    found = []
    for address in subject_addresses(case):
        suggestion = places.suggest(address.text, address.postcode or None)
        forces = suggestion.forces
        # Unknown, inside the force's own area (its own checks cover it), or recorded already.
        if not forces or forces[0] == own or forces[0] in known:
            continue
        found.append(Suggested(address, forces, suggestion.basis))
    return found


def reply_due(row: CaseRecord) -> datetime | None:
    """When a reply is due after this record: the end of the working day
    the force's interval after the day it was sent or chased."""
    setting = REPLY_DAYS.get(row.data.get("action", ""))
    if setting is None:
        return None
    try:
        day = date.fromisoformat(row.data.get(ENQUIRY_DATES[row.data["action"]]) or "")
    except ValueError:
        day = deadlines.local_date(row.recorded_at)
    days = getattr(current_force(), setting)
    return deadlines.end_of_local_day(deadlines.add_working_days(day, days))


def next_reply_due(case: Application) -> datetime | None:
    due = [enquiry.reply_due_at for enquiry in awaiting(case)]
    return min((d for d in due if d is not None), default=None)
