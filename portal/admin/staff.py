"""Staff administration, for administrators only: invite, change role,
disable, enable, and reset sign-in (a new one-time setup link)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import audit, ids
from portal import staff_sessions as sessions
from portal.extensions import db
from portal.models import Role

from . import accounts, bp
from .auth import role_required
from .forms import ConfirmForm, DisableForm, InviteForm, RoleForm

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
    """Choose the role and say why; then confirm, on a page that says what
    will change; only then is it changed."""
    staff = get_staff_or_404(staff_id)
    form = RoleForm(
        formdata=request.form if request.method == "POST" else None, data={"role": staff.role}
    )
    if request.method == "POST" and form.validate():
        if form.role.data == staff.role:
            return redirect(url_for("admin.staff_detail", staff_id=staff.id))
        try:
            if form.role.data != Role.ADMINISTRATOR.value:
                accounts.guard_last_administrator(staff)
        except accounts.LastAdministrator:
            form.role.errors = [str(LAST_ADMINISTRATOR)]
        else:
            if request.form.get("confirmed") != "yes":
                return render_template(
                    "admin/staff/role_confirm.html",
                    staff=staff,
                    form=form,
                    new_role=Role(form.role.data),
                )
            audit.record(
                "role_changed",
                actor=current_user,
                target=staff,
                was=staff.role,
                now=form.role.data,
                **audit.sealed_reason(form.reason.data),
            )
            staff.role = form.role.data
            db.session.commit()
            return redirect(url_for("admin.staff_detail", staff_id=staff.id))
    return render_template(
        "admin/staff/role.html", form=form, staff=staff, errors=form.error_list()
    )


def confirmed_action(staff_id: int):
    staff = get_staff_or_404(staff_id)
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    return staff


@bp.route("/staff/<int:staff_id>/disable", methods=["GET", "POST"])
@administrators
def staff_disable(staff_id: int):
    """A page of its own that says what disabling does and asks why."""
    staff = get_staff_or_404(staff_id)
    form = DisableForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            accounts.guard_last_administrator(staff)
        except accounts.LastAdministrator:
            form.reason.errors = [str(LAST_ADMINISTRATOR)]
        else:
            staff.active = False
            ended = sessions.end_all(staff, "disabled")
            voided = accounts.void_setup_links(staff)
            audit.record(
                "staff_disabled",
                actor=current_user,
                target=staff,
                sessions_ended=ended,
                setup_links_voided=voided,
                **audit.sealed_reason(form.reason.data),
            )
            db.session.commit()
            return redirect(url_for("admin.staff_detail", staff_id=staff.id))
    return render_template(
        "admin/staff/disable.html", form=form, staff=staff, errors=form.error_list()
    )


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


TRAIL = {
    "sign_ins": (
        _l("Sign-ins and sign-outs"),
        ("signed_in", "sign_in_failed", "locked_out", "signed_out", "session_expired"),
    ),
    "refusals": (_l("Pages refused"), ("access_refused",)),
    "changes": (
        _l("Account changes"),
        ("staff_invited", "role_changed", "staff_disabled", "staff_enabled", "sign_in_reset"),
    ),
}


@bp.get("/staff/trail")
@administrators
def staff_trail():
    """Sign-ins, refusals and account changes, newest first: by kind and by
    person (as the one acting or the one acted on)."""
    kind = request.args.get("kind") if request.args.get("kind") in TRAIL else None
    person = request.args.get("person", type=ids.row_id)
    every = tuple(action for _label, group in TRAIL.values() for action in group)
    actions = TRAIL[kind][1] if kind else every
    everyone = accounts.list_staff()
    return render_template(
        "admin/staff/trail.html",
        events=accounts.trail(actions=actions, person=person),
        kinds=TRAIL,
        kind=kind,
        person=person,
        staff=everyone,
        names={member.id: member.name for member in everyone},
        reason_of=audit.reason_of,
    )
