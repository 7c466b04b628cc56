"""The back office's front page: what each role can reach."""

from flask import render_template
from flask_login import current_user

from . import bp
from .auth import signed_in


@bp.get("/")
@signed_in
def index():
    return render_template("admin/index.html", role=current_user.role_enum)
