"""Showing what a case record holds, with each field's own label and wording."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import CaseRecord, Staff

from .casework import STAGES


def record_rows(row: CaseRecord) -> list[tuple[str, str]]:
    if row.kind == "assignment":
        return assignment_rows(row)
    stage = STAGES.get(row.kind)
    if stage is None:
        return []
    form = stage.form(formdata=None, meta={"csrf": False}, context=defaultdict(str))
    rows = []
    for field in form.answer_fields():
        if field.name in row.data and row.data[field.name] not in (None, "", []):
            rows.append(
                (str(field.short_name or field.label.text), field.display(row.data[field.name]))
            )
    return rows


def assignment_rows(row: CaseRecord) -> list[tuple[str, str]]:
    """A reassignment that came with a reason (see casework.assign)."""
    data = row.data or {}
    if not data:
        return []  # erased under the retention rules
    to = db.session.get(Staff, data["assigned_to_id"]) if data.get("assigned_to_id") else None
    return [
        (str(_l("Assigned to")), to.name if to else str(_l("Nobody"))),
        (str(_l("Reason")), data.get("assignment_reason") or ""),
    ]
