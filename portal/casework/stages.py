"""Every stage of a case, declared once: who may record it, what it requires
first, what it records (its form), the status it leads to, its deadline, and
the departures from the guidance it allows only with a recorded reason.
engine.py applies these declarations and nothing else; the admin pages only
render them. Adding a stage is one more `Stage` in STAGES (and its form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.clock import as_utc
from portal.models import Application, Role, Staff

from . import clocks, enquiries, facts, forms
from .outcomes import DISCLOSURE_OUTCOMES, RISK_RANK, TRIAGE_CLOSES
from .safe_contact import about_person_at_risk, breaches, safe_contact_of

# A case's status, in the order a case moves through them. A status never
# moves to one of a lower rank except through a reopen; the decision's three
# statuses share a rank, since a new decision may follow a sign-off.
STATUSES = [
    ("received", 0, _l("Awaiting triage")),
    ("triaged", 1, _l("Triaged")),
    ("in_contact", 2, _l("In contact")),
    ("identity_verified", 3, _l("Identity verified")),
    ("checks", 4, _l("Checks under way")),
    ("decision_made", 5, _l("Awaiting sign-off")),
    ("decision_returned", 5, _l("Decision returned")),
    ("signed_off", 5, _l("Decision approved")),
    ("disclosed", 6, _l("Disclosed")),
    ("closed", 7, _l("Closed")),
]
RANK = {name: rank for name, rank, _label in STATUSES}
STATUS_LABELS = {name: label for name, _rank, label in STATUSES}
REOPEN = "reopen"  # leads back to the status the case had when it was closed


@dataclass(frozen=True)
class Deadline:
    """A statutory deadline: the column holding when it is due (set at
    submission from the force configuration and the scheme, see
    deadlines.for_application) and the one holding when it was met."""

    name: str
    label: object
    due: str
    met: str

    def due_at(self, case: Application) -> datetime | None:
        value = getattr(case, self.due)
        return as_utc(value) if value else None

    def missed(self, case: Application, now: datetime) -> bool:
        due = self.due_at(case)
        return getattr(case, self.met) is None and due is not None and now > due

    def kept(self, case: Application) -> str | None:
        """ "met" or "missed" once the stage is recorded; None before (or with no deadline)."""
        due, met = self.due_at(case), getattr(case, self.met)
        if due is None or met is None:
            return None
        return "met" if as_utc(met) <= due else "missed"


DEADLINES = {
    deadline.name: deadline
    for deadline in (
        Deadline("triage", _l("Triage"), "triage_due_at", "triaged_at"),
        Deadline("first_contact", _l("First contact"), "first_contact_due_at", "first_contact_at"),
        Deadline("completion", _l("Completion"), "completion_due_at", "closed_at"),
    )
}


@dataclass(frozen=True)
class Departure:
    """A rule of the guidance that the officer may depart from only by giving
    a reason, which is kept in the sealed record and reported on the case.
    `applies` says what goes outside the rule (nothing: it does not apply).
    When `known_before` is true the case and the time alone decide it, so the
    reason is asked for only when it applies."""

    rule: str
    label: object
    reason_field: str
    applies: Callable[[Application, Stage, dict, datetime], list[str]]
    message: Callable[[list[str]], str]
    known_before: bool = True
    # A choice asked with the reason, kept on the departure itself (it is no
    # person's data), so the statistics can count departures by it.
    category_field: str | None = None
    category_message: object = None

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.reason_field,) + ((self.category_field,) if self.category_field else ())


def late(case, stage, data, now) -> list[str]:
    deadline = DEADLINES.get(stage.deadline)
    return [str(deadline.label)] if deadline and deadline.missed(case, now) else []


def checks_awaiting(case, stage, data, now) -> list[str]:
    """Research checks and enquiries to other forces still awaiting a reply."""
    systems = dict(forms.SYSTEMS)
    return [str(systems.get(r.data.get("system"), "")) for r in facts.awaiting_checks(case)] + [
        str(_l("Enquiry to %(force)s", force=e.force)) for e in enquiries.awaiting(case)
    ]


def outside_safe_contact(case, stage, data, now) -> list[str]:
    return breaches(safe_contact_of(case.answers or {}, data), data)


LATE = Departure(
    "deadline",
    _l("Deadline missed"),
    "late_reason",
    late,
    lambda found: str(_l("Enter why the deadline was missed")),
    category_field="late_category",
    category_message=_l("Select which best describes why the deadline was missed"),
)
CHECKS_AWAITING = Departure(
    "checks_awaiting",
    _l("Decided while checks awaited a reply"),
    "checks_override_reason",
    checks_awaiting,
    lambda found: str(
        _l(
            "Enter why the decision cannot wait for the replies awaited (%(what)s)",
            what="; ".join(found),
        )
    ),
)
UNSAFE_CONTACT = Departure(
    "safe_contact",
    _l("Contact outside what the applicant said is safe"),
    "override_reason",
    outside_safe_contact,
    lambda found: str(
        _l(
            "This was not what the applicant said is safe (%(why)s): enter why you went ahead",
            why="; ".join(found),
        )
    ),
    known_before=False,
)
DEPARTURES = {d.rule: d for d in (LATE, CHECKS_AWAITING, UNSAFE_CONTACT)}


# What a stage requires first: each says why not, or None.
Requirement = Callable[[Application, Staff], "str | None"]


def case_open(case, staff):
    return str(_l("The case is closed.")) if case.closed_at is not None else None


def case_closed(case, staff):
    return str(_l("The case is open.")) if case.closed_at is None else None


def not_erased(case, staff):
    if case.erased_at is not None:
        return str(_l("The case's personal data has been erased under the retention rules."))
    return None


def triaged(case, staff):
    return str(_l("Triage the case first.")) if facts.latest(case, "triage") is None else None


def not_disclosed(case, staff):
    if case.disclosed_at is not None:
        return str(_l("The disclosure has been recorded: the decision can no longer change."))
    return None


def decision_to_sign_off(case, staff):
    decision = facts.current_decision(case)
    if decision is None:
        return str(_l("Record a decision first."))
    if facts.approval(case) is not None:
        return str(_l("The decision in force is approved."))
    if facts.return_of(case) is not None:
        return str(_l("The decision was returned: a new decision is needed first."))
    if decision.recorded_by_id == staff.id:
        return str(_l("You recorded this decision: another supervisor must sign it off."))
    return None


def approved(case, staff):
    if facts.approval(case) is None:
        return str(
            _l(
                "A supervisor other than the person who recorded the decision must approve it "
                "before a disclosure."
            )
        )
    if facts.current_decision(case).data.get("disclose") != "yes":
        return str(_l("The decision was not to disclose."))
    return None


# Rules that need the case as well as the form's answers: {field: message}.


def another_case(case, data):
    from .queries import find_by_reference

    if data.get("decision") != "duplicate":
        return {}
    other = find_by_reference(data.get("duplicate_reference") or "")
    if other is None or other.id == case.id:
        return {"duplicate_reference": str(_l("Enter the reference of another case"))}
    return {}


def enquiry_fits(case, data):
    """A chase or a reply needs an enquiry awaiting one; a new enquiry or a
    dismissal needs none awaiting from that force."""
    standing = enquiries.recorded(case).get(data.get("force") or "")
    waiting = standing is not None and standing.awaiting
    if data.get("action") in ("chased", "replied") and not waiting:
        return {"action": str(_l("No enquiry to this force is awaiting a reply."))}
    if data.get("action") in ("sent", "dismissed") and waiting:
        message = _l("An enquiry to this force is awaiting a reply: record a chase or the reply.")
        return {"action": str(message)}
    return {}


def consent_given(case, data):
    """A referral passes on someone's details: only with their consent."""
    if (
        data.get("outcome") == "referred"
        and data.get("consent") == "application"
        and case.support_consent != "yes"
    ):
        message = _l(
            "The application does not give consent: record consent given to an officer, "
            "or no referral."
        )
        return {"consent": str(message)}
    return {}


def outcome_fits(case, data):
    if data.get("outcome") in DISCLOSURE_OUTCOMES and case.disclosed_at is None:
        message = _l("Record the disclosure before closing with a disclosure outcome.")
        return {"outcome": str(message)}
    return {}


def decision_shown(case, data):
    """A sign-off approves or returns the decision its page showed, no other."""
    decision = facts.current_decision(case)
    if decision is None or data.get("decision") != decision.uid:
        return {"decision": str(_l("The decision has changed since you opened the page."))}
    return {}


# What a stage changes on the case besides its status (engine.move sets the
# status, and the closing time and outcome with it).


def after_triage(case, data, now, staff):
    from .queries import find_by_reference

    case.triaged_at = now
    case.current_risk = data.get("risk") or case.current_risk
    case.quality_identifies = data.get("identifies_subject")
    case.quality_right_scheme = data.get("right_scheme")
    case.quality_crime_report = data.get("crime_report")
    if data.get("decision") == "duplicate":
        case.duplicate_of_id = find_by_reference(data["duplicate_reference"]).id
    if data.get("decision") in TRIAGE_CLOSES:
        case.outcome = TRIAGE_CLOSES[data["decision"]]
    else:
        clocks.reviewed(case, now)


def after_contact(case, data, now, staff):
    if data.get("person") == "at_risk":  # the clocks are the applicant's
        if data.get("new_information") == "yes":
            clocks.review_now(case, now)
        return
    if data.get("result") == "reached" and case.first_contact_at is None:
        case.first_contact_at = now
    clocks.contacted(case, data, now)


def after_check(case, data, now, staff):
    if data.get("result") == "relevant":
        clocks.review_now(case, now)


def after_review(case, data, now, staff):
    before, after = case.current_risk, data["risk"]
    raised = RISK_RANK[after] < RISK_RANK.get(before or "", len(RISK_RANK))
    case.current_risk = after
    case.risk_raised_at = now if raised else None
    clocks.reviewed(case, now)


def after_enquiry(case, data, now, staff):
    case.enquiry_reply_due_at = enquiries.next_reply_due(case)
    if data.get("result") == "relevant":
        clocks.review_now(case, now)


def after_support_referral(case, data, now, staff):
    case.support_referral = data.get("outcome")


def after_plan(case, data, now, staff):
    clocks.planned(case, now)


def after_decision(case, data, now, staff):
    case.decision_signed_off_at, case.decision_signed_off_by_id = None, None


def after_sign_off(case, data, now, staff):
    if data.get("verdict") == "approve":
        case.decision_signed_off_at, case.decision_signed_off_by_id = now, staff.id


def after_disclosure(case, data, now, staff):
    case.disclosed_at = now


def after_closure(case, data, now, staff):
    case.outcome = data.get("outcome")


CASEWORKERS = frozenset({Role.OFFICER, Role.SUPERVISOR})
SUPERVISORS = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class Stage:
    kind: str
    title: object
    form: type
    leads_to: str | Callable[[dict], str | None] | None
    requires: tuple[Requirement, ...] = ()
    checks: tuple[Callable[[Application, dict], dict], ...] = ()
    departures: tuple[Departure, ...] = ()
    effect: Callable | None = None
    deadline: str | None = None
    roles: frozenset[Role] = CASEWORKERS
    repeatable: bool = False
    reasons: tuple[str, ...] = field(default=())  # fields holding an officer's reason
    # The kind of record the page shows and sends back the uid of, so that the
    # stage applies to that record and no other (a sign-off, to its decision).
    shows: str | None = None
    # Choice fields a link to the stage's page may fill in (a suggestion's force).
    prefill: tuple[str, ...] = ()
    # Fields asked only of some cases: each with what the case must be for it.
    asked_if: tuple[tuple[str, Callable[[Application], bool]], ...] = ()
    # Where a record of the stage closes the case, the status it reached all the
    # same: a reopen goes back there (a triage that closed the case was a triage).
    closes_having: str | None = None

    def status_after(self, data: dict) -> str | None:
        return self.leads_to(data or {}) if callable(self.leads_to) else self.leads_to


STAGES = {
    stage.kind: stage
    for stage in (
        Stage(
            "triage",
            _l("Triage"),
            forms.TriageForm,
            leads_to=lambda d: "closed" if d.get("decision") in TRIAGE_CLOSES else "triaged",
            closes_having="triaged",
            requires=(case_open,),
            checks=(another_case,),
            departures=(LATE,),
            effect=after_triage,
            deadline="triage",
            reasons=("reason",),
        ),
        Stage(
            "contact",
            _l("Contact attempt"),
            forms.ContactForm,
            leads_to=lambda d: "in_contact" if d.get("result") == "reached" else None,
            requires=(case_open, triaged),
            departures=(LATE, UNSAFE_CONTACT),
            effect=after_contact,
            deadline="first_contact",
            repeatable=True,
            asked_if=(("person", lambda case: about_person_at_risk(case.answers or {})),),
        ),
        Stage(
            "identity",
            _l("Identity"),
            forms.IdentityForm,
            leads_to="identity_verified",
            requires=(case_open, triaged),
        ),
        Stage(
            "check",
            _l("Research check"),
            forms.CheckForm,
            leads_to="checks",
            requires=(case_open, triaged),
            effect=after_check,
            repeatable=True,
        ),
        Stage(
            "enquiry",
            _l("Enquiry to another force"),
            forms.EnquiryForm,
            leads_to=None,
            requires=(case_open, triaged),
            checks=(enquiry_fits,),
            effect=after_enquiry,
            repeatable=True,
            reasons=("reason",),
            prefill=("force",),
        ),
        Stage(
            "review",
            _l("Review of the risk"),
            forms.ReviewForm,
            leads_to=None,
            requires=(case_open, triaged),
            effect=after_review,
            repeatable=True,
        ),
        Stage(
            "marac",
            _l("MARAC referral"),
            forms.MaracForm,
            leads_to=None,
            requires=(case_open, triaged),
            repeatable=True,
        ),
        Stage(
            "plan",
            _l("Communication and safeguarding plan"),
            forms.PlanForm,
            leads_to=None,
            requires=(case_open, triaged),
            effect=after_plan,
            repeatable=True,
        ),
        Stage(
            "support_referral",
            _l("Referral to a support service"),
            forms.SupportReferralForm,
            leads_to=None,
            requires=(case_open,),
            checks=(consent_given,),
            effect=after_support_referral,
            repeatable=True,
            reasons=("reason",),
        ),
        Stage(
            "decision",
            _l("Decision"),
            forms.DecisionForm,
            leads_to="decision_made",
            requires=(case_open, triaged, not_disclosed),
            departures=(CHECKS_AWAITING,),
            effect=after_decision,
            repeatable=True,
        ),
        Stage(
            "sign_off",
            _l("Supervisor sign-off"),
            forms.SignOffForm,
            leads_to=lambda d: (
                "signed_off" if d.get("verdict", "approve") == "approve" else "decision_returned"
            ),
            requires=(case_open, triaged, not_disclosed, decision_to_sign_off),
            checks=(decision_shown,),
            effect=after_sign_off,
            shows="decision",
            roles=SUPERVISORS,
            repeatable=True,
            reasons=("return_reason",),
        ),
        Stage(
            "disclosure",
            _l("Disclosure"),
            forms.DisclosureForm,
            leads_to="disclosed",
            requires=(case_open, triaged, not_disclosed, approved),
            effect=after_disclosure,
        ),
        Stage(
            "closure",
            _l("Close the case"),
            forms.ClosureForm,
            leads_to="closed",
            requires=(case_open, triaged),
            checks=(outcome_fits,),
            departures=(LATE,),
            effect=after_closure,
            deadline="completion",
            repeatable=True,  # once each time the case is open
        ),
        Stage(
            "note",
            _l("Note"),
            forms.NoteForm,
            leads_to=None,
            requires=(case_open,),
            repeatable=True,
        ),
        Stage(
            "reopen",
            _l("Reopen the case"),
            forms.ReopenForm,
            leads_to=REOPEN,
            requires=(case_closed, not_erased),
            roles=SUPERVISORS,
            repeatable=True,
            reasons=("reason",),
        ),
    )
}

# Every field that holds an officer's reason: kept only in the sealed record,
# which an audit row points at (see engine.record).
REASON_FIELDS = tuple(
    dict.fromkeys(
        [d.reason_field for d in DEPARTURES.values()]
        + [name for stage in STAGES.values() for name in stage.reasons]
        + ["assignment_reason"]
    )
)
