"""The back office's front page: what each role can reach."""

from flask import render_template
from flask_login import current_user

from portal.alerts import outbox
from portal.models import Role

from . import bp
from .auth import signed_in


@bp.get("/")
@signed_in
def index():
    role = current_user.role_enum
    alerts_failing = outbox.trouble_count() if role == Role.ADMINISTRATOR else 0
    return render_template("admin/index.html", role=role, alerts_failing=alerts_failing)
