"""Signing in: e-mail and password, then a code from an authenticator app;
first-time set-up from a one-time link; signing out; staying signed in."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from portal import audit, clock
from portal import staff_sessions as sessions
from portal.extensions import db, limit_key, limiter
from portal.force import current_force

from . import accounts, bp, passwords, totp
from .auth import public, safe_next, signed_in
from .forms import CodeForm, NewPasswordForm, SignInForm

PENDING_SECONDS = 300  # between a right password and its code
WRONG_DETAILS = _l("Enter a correct email address and password")
WRONG_CODE = _l("Enter the current 6-digit code from your authenticator app")


def sign_in_rate() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def account_key() -> str:
    """Rate limits per account, keyed on a keyed hash of the e-mail typed in."""
    return limit_key("account", accounts.normalise_email(request.form.get("email", "")))


def posts_only() -> bool:
    return request.method != "POST"


def render_form(template: str, form, **context):
    return render_template(template, form=form, errors=form.error_list(), **context)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate, exempt_when=posts_only)
@limiter.limit(sign_in_rate, key_func=account_key, exempt_when=posts_only)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = SignInForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        staff = accounts.find_by_email(email=form.email.data)
        right = passwords.verify(staff.password_hash if staff else None, form.password.data)
        if (
            staff
            and right
            and staff.active
            and staff.totp_enabled
            and not accounts.is_locked(staff)
        ):
            if passwords.needs_rehash(staff.password_hash):
                staff.password_hash = passwords.hash_password(form.password.data)
            session["pending_staff"] = staff.id
            session["pending_at"] = int(clock.utcnow().timestamp())
            session["pending_next"] = safe_next(request.args.get("next"))
            db.session.commit()
            session["pending_state"] = sessions.account_state(staff)
            return redirect(url_for("admin.sign_in_code"))
        refuse(staff, "password")
        form.email.errors = [str(WRONG_DETAILS)]
    return render_form("admin/sign_in.html", form)


def can_sign_in(staff) -> bool:
    return bool(staff and staff.active and staff.totp_enabled and not accounts.is_locked(staff))


def refuse(staff, what: str) -> None:
    """A failed password or code: counted, locked after too many, audited."""
    if staff is None:
        audit.record("sign_in_failed", failed=what, account="unknown")
    else:
        audit.record("sign_in_failed", target=staff, failed=what)
        if accounts.record_failure(staff):
            audit.record("locked_out", target=staff)
    db.session.commit()


def pending_staff():
    staff_id, started = session.get("pending_staff"), session.get("pending_at", 0)
    if not staff_id or clock.utcnow().timestamp() - started > PENDING_SECONDS:
        return None
    staff = accounts.get(staff_id=staff_id)
    if not (staff and staff.active and staff.totp_enabled):
        return None
    if session.get("pending_state") != sessions.account_state(staff):
        return None  # signed in or out since, or the account changed
    return staff


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate, exempt_when=posts_only)
def sign_in_code():
    staff = pending_staff()
    if staff is None:
        return redirect(url_for("admin.sign_in"))
    form = CodeForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        step = totp.accept(
            staff.totp_secret, form.code.data, now=clock.utcnow(), last_step=staff.totp_last_step
        )
        if (
            step is not None
            and not accounts.is_locked(staff)
            and accounts.claim_code_step(staff, step)
        ):
            return finish_sign_in(staff, session.get("pending_next"))
        refuse(staff, "code")
        form.code.errors = [str(WRONG_CODE)]
    return render_form("admin/sign_in_code.html", form)


def finish_sign_in(staff, next_url: str | None, action: str = "signed_in"):
    """A new server-side session, a fresh cookie, and an audit row."""
    accounts.clear_failures(staff)
    staff.last_sign_in_at = clock.utcnow()
    session.clear()  # nothing from before signing in carries over, the form token included
    sessions.start(staff)
    audit.record(action, actor=staff, target=staff)
    db.session.commit()
    login_user(staff)
    return redirect(safe_next(next_url))


@bp.post("/sign-out")
@signed_in
def sign_out():
    sessions.end(current_user.session_token, "signed_out")
    audit.record("signed_out", actor=current_user, target=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("admin.signed_out"))


@bp.get("/signed-out")
@public
def signed_out():
    idle = request.args.get("reason") == "idle"
    return render_template("admin/signed_out.html", idle=idle)


@bp.post("/session/extend")
@signed_in
def extend_session():
    """The "Stay signed in" button: the guard has already counted this as activity."""
    return jsonify(seconds_left=sessions.seconds_left(current_user.session_token))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate, exempt_when=posts_only)
def setup(token: str):
    link = accounts.find_setup_token(token=token)
    if link is None:
        return render_template("admin/setup_expired.html"), 404
    staff = link.staff
    form = NewPasswordForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        problem = passwords.problem(form.password.data, user_inputs=[staff.email, staff.name])
        if problem is None:
            staff.password_hash = passwords.hash_password(form.password.data)
            db.session.commit()
            return redirect(url_for("admin.setup_authenticator", token=token))
        form.password.errors = [problem]
    return render_form("admin/setup_password.html", form, staff=staff)


@bp.route("/setup/<token>/authenticator", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate, exempt_when=posts_only)
def setup_authenticator(token: str):
    link = accounts.find_setup_token(token=token)
    if link is None:
        return render_template("admin/setup_expired.html"), 404
    staff = link.staff
    if staff.password_hash is None:
        return redirect(url_for("admin.setup", token=token))
    if staff.totp_secret is None:
        staff.totp_secret = totp.new_secret()
        db.session.commit()
    form = CodeForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        step = totp.accept(staff.totp_secret, form.code.data, now=clock.utcnow(), last_step=None)
        if step is not None:
            staff.totp_enabled, staff.totp_last_step = True, step
            link.used_at = clock.utcnow()
            sessions.end_all(staff, "set_up_again")
            return finish_sign_in(staff, None, action="mfa_enrolled")
        form.code.errors = [str(WRONG_CODE)]
    uri = totp.provisioning_uri(staff.totp_secret, account=staff.email, issuer=current_force().name)
    return render_form(
        "admin/setup_authenticator.html",
        form,
        qr=totp.qr_svg(uri),
        secret=staff.totp_secret,
        staff=staff,
    )
