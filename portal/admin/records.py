"""Showing what a case record holds, with each field's own label and wording."""

from __future__ import annotations

from collections import defaultdict

from portal.models import CaseRecord

from .casework import STAGES


def record_rows(row: CaseRecord) -> list[tuple[str, str]]:
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
