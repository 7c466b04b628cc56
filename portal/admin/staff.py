"""Staff administration, for administrators only: invite, change role,
disable, enable, and reset sign-in (a new one-time setup link)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import audit
from portal.extensions import db
from portal.models import Role

from . import accounts, bp, sessions
from .auth import role_required
from .forms import ConfirmForm, InviteForm, RoleForm

administrators = role_required(Role.ADMINISTRATOR)
LAST_ADMINISTRATOR = _l(
    "You cannot do this: there must always be at least one active administrator."
)


def get_staff_or_404(staff_id: int):
    staff = accounts.get(staff_id=staff_id)
    if staff is None:
        abort(404)
    return staff


def setup_url(token: str) -> str:
    return url_for("admin.setup", token=token, _external=True)


@bp.get("/staff")
@administrators
def staff_list():
    return render_template("admin/staff/list.html", staff=accounts.list_staff())


@bp.route("/staff/invite", methods=["GET", "POST"])
@administrators
def staff_invite():
    form = InviteForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if accounts.find_by_email(email=form.email.data):
            form.email.errors = [str(_l("There is already an account with this email address"))]
        else:
            staff = accounts.create(
                email=form.email.data, name=form.name.data, role=Role(form.role.data)
            )
            token = accounts.issue_setup_link(staff)
            audit.record("staff_invited", actor=current_user, target=staff, role=staff.role)
            db.session.commit()
            return render_template(
                "admin/staff/setup_link.html", staff=staff, link=setup_url(token), invited=True
            )
    return render_template("admin/staff/invite.html", form=form, errors=form.error_list())


@bp.get("/staff/<int:staff_id>")
@administrators
def staff_detail(staff_id: int):
    staff = get_staff_or_404(staff_id)
    return render_template(
        "admin/staff/detail.html",
        staff=staff,
        form=ConfirmForm(),
        live=len(sessions.live_sessions(staff)),
    )


@bp.route("/staff/<int:staff_id>/role", methods=["GET", "POST"])
@administrators
def staff_change_role(staff_id: int):
    staff = get_staff_or_404(staff_id)
    form = RoleForm(
        formdata=request.form if request.method == "POST" else None, data={"role": staff.role}
    )
    if request.method == "POST" and form.validate():
        if form.role.data != staff.role:
            try:
                if form.role.data != Role.ADMINISTRATOR.value:
                    accounts.guard_last_administrator(staff)
            except accounts.LastAdministrator:
                form.role.errors = [str(LAST_ADMINISTRATOR)]
            else:
                audit.record(
                    "role_changed",
                    actor=current_user,
                    target=staff,
                    was=staff.role,
                    now=form.role.data,
                )
                staff.role = form.role.data
                db.session.commit()
                return redirect(url_for("admin.staff_detail", staff_id=staff.id))
        else:
            return redirect(url_for("admin.staff_detail", staff_id=staff.id))
    return render_template(
        "admin/staff/role.html", form=form, staff=staff, errors=form.error_list()
    )


def confirmed_action(staff_id: int):
    staff = get_staff_or_404(staff_id)
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    return staff


@bp.post("/staff/<int:staff_id>/disable")
@administrators
def staff_disable(staff_id: int):
    staff = confirmed_action(staff_id)
    try:
        accounts.guard_last_administrator(staff)
    except accounts.LastAdministrator:
        return render_template(
            "admin/staff/detail.html",
            staff=staff,
            form=ConfirmForm(),
            live=len(sessions.live_sessions(staff)),
            errors=[{"text": str(LAST_ADMINISTRATOR), "href": "#actions"}],
        )
    staff.active = False
    ended = sessions.end_all(staff, "disabled")
    audit.record("staff_disabled", actor=current_user, target=staff, sessions_ended=ended)
    db.session.commit()
    return redirect(url_for("admin.staff_detail", staff_id=staff.id))


@bp.post("/staff/<int:staff_id>/enable")
@administrators
def staff_enable(staff_id: int):
    staff = confirmed_action(staff_id)
    staff.active = True
    accounts.clear_failures(staff)
    audit.record("staff_enabled", actor=current_user, target=staff)
    db.session.commit()
    return redirect(url_for("admin.staff_detail", staff_id=staff.id))


@bp.post("/staff/<int:staff_id>/reset")
@administrators
def staff_reset(staff_id: int):
    """Reset the password and the second factor: the staff member sets both
    again from a new one-time link; every session of theirs ends now."""
    staff = confirmed_action(staff_id)
    token = accounts.issue_setup_link(staff)
    ended = sessions.end_all(staff, "reset")
    audit.record("sign_in_reset", actor=current_user, target=staff, sessions_ended=ended)
    db.session.commit()
    return render_template(
        "admin/staff/setup_link.html", staff=staff, link=setup_url(token), invited=False
    )
