"""Supervisors' view of the work: each officer's open cases, overdue and due
within a week, and moving one or many of an officer's cases to someone else
(or back to the unassigned queue) with a reason."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.casework import engine, queries
from portal.casework.stages import STATUS_LABELS
from portal.extensions import db
from portal.models import Application, Role, Staff

from . import bp
from .auth import role_required
from .forms import ConfirmForm

supervisors = role_required(Role.SUPERVISOR)


@bp.get("/workload")
@supervisors
def workload():
    return render_template("admin/workload.html", rows=queries.workload(clock.utcnow()))


@bp.route("/workload/<int:staff_id>", methods=["GET", "POST"])
@supervisors
def workload_reassign(staff_id: int):
    member = db.session.get(Staff, staff_id)
    if member is None:
        abort(404)
    cases = queries.queue(assigned_to=member.id, page=1)
    errors = []
    if request.method == "POST":
        if not ConfirmForm(formdata=request.form).validate():
            abort(400)
        errors = reassign(member, cases)
        if not errors:
            return redirect(url_for("admin.workload"))
    return render_template(
        "admin/workload_reassign.html",
        member=member,
        cases=cases,
        staff=[s for s in queries.staff_choices() if s.id != member.id],
        chosen=set(request.form.getlist("case")),
        errors=errors,
        stages=STATUS_LABELS,
        next_due=engine.next_due,
        now=clock.utcnow(),
        back_link=url_for("admin.workload"),
    )


def reassign(member: Staff, shown: list[Application]) -> list[dict]:
    """Move the chosen cases (only ones this page showed), or say what is missing."""
    ids = {str(each.id) for each in shown} & set(request.form.getlist("case"))
    target_id = request.form.get("assign_to", "")
    target = next((s for s in queries.staff_choices() if str(s.id) == target_id), None)
    reason = (request.form.get("reason") or "").strip()[:500]
    errors = []
    if not ids:
        errors.append({"text": str(_l("Select the cases to move")), "href": "#case"})
    if target is None and target_id != "nobody":
        errors.append({"text": str(_l("Select who to move them to")), "href": "#assign_to"})
    if not reason:
        errors.append({"text": str(_l("Enter why you are moving them")), "href": "#reason"})
    if errors:
        return errors
    query = (
        select(Application)
        .where(Application.id.in_([int(i) for i in ids]), Application.assigned_to_id == member.id)
        .order_by(Application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    queries.reassign(list(db.session.scalars(query)), target, current_user, reason)
    db.session.commit()
    return []
