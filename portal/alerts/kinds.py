"""Each kind of staff alert, declared once: who may get it, and how the
preferences page names it. Every kind is on until its member of staff turns
it off (outbox.wanted)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.models import Role

CASEWORKERS = frozenset({Role.OFFICER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    hint: object
    roles: frozenset[Role]


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "urgent_application",
            _l("A new application with a high risk or marked urgent"),
            _l("Sent to every officer and supervisor as soon as it arrives."),
            CASEWORKERS,
        ),
        Kind(
            "sign_off_requested",
            _l("A decision awaiting your sign-off"),
            _l("Sent to every supervisor except the one who recorded the decision."),
            frozenset({Role.SUPERVISOR}),
        ),
        Kind(
            "decision_returned",
            _l("A decision of yours returned by a supervisor"),
            _l("Sent to whoever recorded the decision."),
            CASEWORKERS,
        ),
        Kind(
            "digest",
            _l("A daily summary of your cases due or overdue"),
            _l(
                "Deadlines, updates, reviews, plans and enquiry replies due today or overdue; "
                "for supervisors, also decisions awaiting sign-off and cases needing a plan. "
                "Not sent on a day with nothing due."
            ),
            CASEWORKERS,
        ),
    )
}


def for_role(role: Role) -> list[Kind]:
    return [kind for kind in KINDS.values() if role in kind.roles]
