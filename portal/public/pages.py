"""The service's own pages: landing, exit, safety and the footer pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, session

from portal import applications
from portal.extensions import db
from portal.force import current_force
from portal.journeys.registry import SCHEMES

from . import bp, drafts


@bp.get("/")
def index():
    return render_template("public/index.html", schemes=SCHEMES)


@bp.get("/exit")
def exit_page():
    """Exit this page: delete the draft on the server, clear the session, and
    go to a neutral site. The button is a plain link, so this works without
    JavaScript too."""
    token = drafts.session_token()
    if token:
        applications.delete_draft(token=token)
        db.session.commit()
    session.clear()
    response = redirect(current_force().exit_url, code=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


INFORMATION_PAGES = {
    "safety": "public/info/safety.html",
    "cookies": "public/info/cookies.html",
    "privacy": "public/info/privacy.html",
    "accessibility": "public/info/accessibility.html",
    "contact": "public/info/contact.html",
}


def information_page(name: str):
    def view():
        return render_template(
            INFORMATION_PAGES[name], minutes=current_app.config["DRAFT_IDLE_MINUTES"]
        )

    view.__name__ = f"info_{name}"
    return view


for _name in INFORMATION_PAGES:
    bp.add_url_rule(f"/{_name}", endpoint=_name, view_func=information_page(_name))
