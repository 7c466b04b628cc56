"""Staff alerts in the back office: each member of staff chooses which
e-mails they get, and administrators see the alerts that have not gone (the
mail server down or refusing) and can give those given up another go."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, clock
from portal.alerts import kinds, outbox
from portal.extensions import db
from portal.models import Role

from . import bp
from .auth import role_required, signed_in
from .forms import ConfirmForm

administrators = role_required(Role.ADMINISTRATOR)


@bp.route("/alerts/preferences", methods=["GET", "POST"])
@signed_in
def alert_preferences():
    offered = kinds.for_role(current_user.role_enum)
    if request.method == "POST":
        if not ConfirmForm(formdata=request.form).validate():
            abort(400)
        chosen = set(request.form.getlist("kinds")) & {kind.name for kind in offered}
        changed = outbox.choose(current_user, chosen)
        if changed["on"] or changed["off"]:
            audit.record("alert_preferences_changed", actor=current_user, **changed)
        db.session.commit()
        return redirect(url_for("admin.alert_preferences", saved=1))
    return render_template(
        "admin/alerts/preferences.html",
        offered=offered,
        choices=outbox.choices(current_user),
        saved=bool(request.args.get("saved")),
        back_link=url_for("admin.index"),
    )


@bp.get("/alerts")
@administrators
def alert_outbox():
    return render_template(
        "admin/alerts/outbox.html",
        counts=outbox.counts(),
        alerts=outbox.not_sent_yet(),
        kinds=kinds.KINDS,
        configured=bool(current_app.config["SMTP_HOST"]),
        max_attempts=current_app.config["ALERTS_MAX_ATTEMPTS"],
        form=ConfirmForm(),
        back_link=url_for("admin.index"),
    )


@bp.post("/alerts/try-again")
@administrators
def alert_retry():
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    count = outbox.try_again(clock.utcnow())
    audit.record("alerts_retried", actor=current_user, alerts=count)
    db.session.commit()
    return redirect(url_for("admin.alert_outbox"))
