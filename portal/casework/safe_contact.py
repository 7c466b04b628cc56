"""Safe contact: what the applicant said is safe (for themselves, and for the
person at risk when they applied for someone else), and where a contact attempt
goes outside it. Every way outside their answers is named, so the officer
sees exactly what they are overriding and the override is reported."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.journeys.common import CONTACT_CHANNELS, PERIOD_HOURS, SAFE_DAYS
from portal.journeys.engine import answer

WEEKDAYS = [day for day, _label in SAFE_DAYS]  # Monday first, as date.weekday() counts


@dataclass(frozen=True)
class SafeContact:
    """The applicant's answers about contacting them. `days` and `periods` are
    None where they were not asked as choices (the times are then only the
    applicant's own words, shown to the officer)."""

    channels: frozenset[str]
    messages: str | None  # "yes", "no", or None when not asked
    say_police: str | None
    days: frozenset[str] | None
    periods: frozenset[str] | None
    # For the person at risk, whether the applicant said they may be contacted
    # directly ("yes", "through_applicant" or "not_sure"); None for the applicant.
    directly: str | None = None

    @classmethod
    def from_answers(cls, answers: dict, prefix: str = "") -> SafeContact | None:
        """None when the form asked nothing about safe contact (a professional's
        referral: the referrer is contacted at work). `prefix` "at-risk-" reads
        the same questions asked about the person at risk."""
        if f"{prefix}safe-contact" not in answers:
            return None
        days = answer(answers, f"{prefix}safe-times", "safe_days")
        periods = answer(answers, f"{prefix}safe-times", "safe_periods")
        return cls(
            channels=frozenset(answer(answers, f"{prefix}safe-contact", "channels") or []),
            messages=answer(answers, f"{prefix}voicemail", "voicemail"),
            say_police=answer(answers, f"{prefix}say-police", "say_police"),
            days=frozenset(days) if days else None,
            periods=frozenset(periods) if periods else None,
        )

    @classmethod
    def of_person_at_risk(cls, answers: dict) -> SafeContact | None:
        """What the applicant said of contacting the person at risk; None where
        nobody applied for one (the applicant is the person at risk)."""
        directly = answer(answers, "contact-at-risk", "contact")
        if directly is None:
            return None
        found = cls.from_answers(answers, prefix="at-risk-") if directly == "yes" else None
        empty = cls(frozenset(), None, None, None, None)
        return replace(found or empty, directly=directly)


def about_person_at_risk(answers: dict) -> bool:
    """Whether someone applied for the person at risk, and said whether and how
    they may be contacted: a contact attempt then says whom it was to."""
    return answer(answers, "contact-at-risk", "contact") is not None


def safe_contact_of(answers: dict, attempt: dict) -> SafeContact | None:
    """The safe contact an attempt must keep to: the person at risk's when it
    was to them, the applicant's otherwise."""
    if attempt.get("person") == "at_risk":
        return SafeContact.of_person_at_risk(answers)
    return SafeContact.from_answers(answers)


def period_of(hhmm: str) -> str:
    hour = int(hhmm[:2])
    for period, (start, end) in PERIOD_HOURS.items():
        if (start <= hour < end) if start < end else (hour >= start or hour < end):
            return period
    raise ValueError(hhmm)  # the periods cover the whole day


def breaches(safe: SafeContact | None, attempt: dict) -> list[str]:
    """How a contact attempt (channel, result, contacted_on, contacted_time,
    police_named) goes outside what the applicant said is safe."""
    if safe is None:
        return []
    found = []
    if safe.directly == "through_applicant":
        found.append(str(_l("the applicant said to contact the person at risk through them")))
    elif safe.directly == "not_sure":
        found.append(str(_l("the applicant did not know whether it is safe to contact them")))
    channel = attempt.get("channel")
    if channel and channel not in safe.channels:
        label = str(dict(CONTACT_CHANNELS).get(channel, channel)).lower()
        found.append(str(_l("%(channel)s is not a way they chose", channel=label)))
    if attempt.get("result") == "message_left" and safe.messages == "no":
        found.append(str(_l("they said not to leave messages")))
    if attempt.get("police_named") == "yes" and safe.say_police == "no":
        found.append(str(_l("they said not to say it is the police")))
    found += time_breaches(safe, attempt.get("contacted_on"), attempt.get("contacted_time"))
    return found


def time_breaches(safe: SafeContact, on: str | None, at: str | None) -> list[str]:
    found = []
    if safe.days is not None and on:
        day = WEEKDAYS[date.fromisoformat(on).weekday()]
        if day not in safe.days:
            label = dict(SAFE_DAYS)[day]
            found.append(str(_l("they did not choose %(day)s", day=label)))
    if safe.periods is not None and at and period_of(at) not in safe.periods:
        found.append(str(_l("%(time)s is not in a time of day they chose", time=at)))
    return found
