"""Showing what a case record holds, with each field's own label and wording."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from portal.casework.stages import STAGES
from portal.extensions import db
from portal.models import CaseRecord, Staff


def record_rows(row: CaseRecord, every: bool = False) -> list[tuple[str, str]]:
    """What a record holds, with each field's label; `every` keeps the
    answers left empty too (shown as "None recorded"), for a record read in
    full, such as the decision on the sign-off page."""
    if row.kind == "assignment":
        return assignment_rows(row)
    return [(label, value) for _name, label, value in record_fields(row, every)]


def record_values(row: CaseRecord) -> dict[str, str]:
    """What a record holds, shown as on its form, by field name."""
    return {name: value for name, _label, value in record_fields(row)}


def record_fields(row: CaseRecord, every: bool = False) -> list[tuple[str, str, str]]:
    stage = STAGES.get(row.kind)
    if stage is None:
        return []
    form = stage.form(formdata=None, meta={"csrf": False}, context=defaultdict(str))
    data = row.data or {}
    none = str(_l("None recorded"))
    return [
        (
            field.name,
            str(field.short_name or field.label.text),
            field.display(data[field.name]) or none,
        )
        for field in form.answer_fields()
        if field.name in data and (every or data[field.name] not in (None, "", []))
    ]


def assignment_rows(row: CaseRecord) -> list[tuple[str, str]]:
    """A reassignment that came with a reason (see casework.queries.assign)."""
    data = row.data or {}
    if not data:
        return []  # erased under the retention rules
    to = db.session.get(Staff, data["assigned_to_id"]) if data.get("assigned_to_id") else None
    return [
        (str(_l("Assigned to")), to.name if to else str(_l("Nobody"))),
        (str(_l("Reason")), data.get("assignment_reason") or ""),
    ]
