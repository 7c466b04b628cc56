"""Casework's taxonomies: the outcomes, one of which closes each case
(DESIGN.md section 2), and the levels of risk."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

OUTCOMES = [
    ("disclosed_to_person_at_risk", _l("Disclosure made to the person at risk")),
    ("disclosed_to_third_party", _l("Disclosure made to a third party best placed to protect")),
    ("no_information", _l("No disclosure: no relevant information held")),
    ("threshold_not_met", _l("No disclosure: information held but the threshold was not met")),
    ("outside_scheme", _l("Not progressed: outside the scheme")),
    ("withdrawn", _l("Withdrawn by the applicant")),
    ("no_contact", _l("Applicant could not be contacted")),
    ("identity_not_verified", _l("Identity not verified")),
    ("duplicate", _l("Duplicate of an existing case")),
    ("transferred", _l("Transferred to another force")),
    ("misuse", _l("Suspected misuse of the scheme")),
]
OUTCOME_LABELS = dict(OUTCOMES)
DISCLOSURE_OUTCOMES = frozenset({"disclosed_to_person_at_risk", "disclosed_to_third_party"})

# A triage decision that does not proceed closes the case with this outcome.
TRIAGE_CLOSES = {
    "duplicate": "duplicate",
    "transferred": "transferred",
    "not_in_scope": "outside_scheme",
    "withdrawn": "withdrawn",
    "misuse": "misuse",
}

# Why a statutory deadline was missed: asked with the free-text reason, so
# the statistics can count missed deadlines by their justification.
LATE_CATEGORIES = [
    ("waiting_for_others", _l("Waiting for information from another agency or force")),
    ("no_safe_contact", _l("The applicant could not be contacted safely in time")),
    ("complex", _l("A complex case: a multi-agency meeting was needed")),
    ("capacity", _l("Not enough officers available")),
    ("other", _l("Another reason")),
]
LATE_CATEGORY_LABELS = dict(LATE_CATEGORIES)

# The risk to the person at risk (DASH levels), highest first: the queue sorts by it.
RISK_LEVELS = [("high", _l("High")), ("medium", _l("Medium")), ("standard", _l("Standard"))]
RISK_LABELS = dict(RISK_LEVELS)
RISK_RANK = {level: rank for rank, (level, _label) in enumerate(RISK_LEVELS)}
