"""Handing a case back: the officer it is assigned to (or a supervisor)
returns it to the unassigned queue, with a reason kept sealed with the case
(see casework.queries.assign)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.casework import queries
from portal.extensions import db
from portal.journeys.fields import TextAreaAnswer
from portal.journeys.forms import QuestionForm
from portal.models import Role

from . import bp
from .auth import role_required
from .cases import case_or_404, refused_page

caseworkers = role_required(Role.OFFICER, Role.SUPERVISOR)


class HandBackForm(QuestionForm):
    reason = TextAreaAnswer(
        _l("Why are you handing the case back?"),
        short=_l("Reason"),
        required=_l("Enter why you are handing the case back"),
        max_length=500,
        hint=_l("The next officer reads this on the case."),
        params={"rows": 3},
    )


def hand_back_refusal(case) -> str | None:
    if case.closed_at is not None:
        return str(_l("The case is closed."))
    if case.assigned_to_id is None:
        return str(_l("The case is not assigned to anyone."))
    if case.assigned_to_id != current_user.id and current_user.role != Role.SUPERVISOR.value:
        return str(_l("Only the officer working the case, or a supervisor, can hand it back."))
    return None


@bp.route("/cases/<int:case_id>/hand-back", methods=["GET", "POST"])
@caseworkers
def case_hand_back(case_id: int):
    case = case_or_404(case_id, for_change=request.method == "POST")
    refused = hand_back_refusal(case)
    if refused:
        return refused_page(case, refused)
    form = HandBackForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        queries.assign(case, None, current_user, form.reason.data, action="case_handed_back")
        db.session.commit()
        return redirect(url_for("admin.case_view", case_id=case.id))
    return render_template(
        "admin/cases/hand_back.html",
        case=case,
        form=form,
        errors=form.error_list(),
        back_link=url_for("admin.case_view", case_id=case.id),
    )
