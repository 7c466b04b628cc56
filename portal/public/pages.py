"""The service's own pages: landing, exit, safety and the footer pages."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import audit, drafts, languages, page_cache, staff_sessions
from portal.extensions import db
from portal.force import current_force
from portal.journeys.fields import ChoiceAnswer
from portal.journeys.forms import QuestionForm
from portal.journeys.registry import SCHEMES

from . import bp


class WhichSchemeForm(QuestionForm):
    worry = ChoiceAnswer(
        _l("What are you worried about?"),
        choices=[
            ("my_partner", _l("My partner or ex-partner may harm me")),
            ("someone_elses_partner", _l("Someone's partner or ex-partner may harm them")),
            (
                "professional",
                _l(
                    "I work with someone who may be at risk from a partner, and I "
                    "have information the police should know"
                ),
            ),
            ("child", _l("Someone who has contact with a child may harm them")),
            ("none", _l("None of these")),
        ],
        hint=_l("This helps us show you the right form."),
        required=_l("Select what you are worried about"),
    )


# Each answer's form, and what the answer has already told that form (a page
# and its answers), carried into the journey so that it is not asked again.
SCHEME_FOR = {
    "my_partner": ("right-to-ask", ("who-for", {"who": "myself"})),
    "someone_elses_partner": ("right-to-ask", ("who-for", {"who": "someone_else"})),
    "professional": ("right-to-know", None),
    "child": ("child-protection", None),
}


@bp.route("/", methods=["GET", "POST"])
def index():
    """Which scheme? Plain words lead to the right start page, or to the right
    places for what this service does not do."""
    if request.method == "GET":
        return page_cache.render_lazily(
            "public/index.html",
            (),
            lambda: {"form": WhichSchemeForm(formdata=None), "errors": [], "schemes": SCHEMES},
        )
    form = WhichSchemeForm(formdata=request.form)
    if not form.validate():
        return render_template(
            "public/index.html", form=form, errors=form.error_list(), schemes=SCHEMES
        )
    if form.worry.data == "none":
        return redirect(url_for("public.other_needs"), code=303)
    slug, carried = SCHEME_FOR[form.worry.data]
    if carried is not None:
        drafts.carry(SCHEMES[slug], *carried)
        db.session.commit()
    return redirect(url_for("public.start", scheme_slug=slug), code=303)


@bp.get("/exit")
def exit_page():
    """Exit this page: delete every draft this browser holds, clear the
    session, and go to a neutral site. The button is a plain link, so this
    works without JavaScript too. A member of staff keying in an application
    who leaves this way is signed out for real (their session ended on the
    server, and audited); their own way to stop keeping the session is the
    banner's "Stop and delete these answers"."""
    drafts.discard_all()
    if current_user.is_authenticated:
        staff_sessions.end(current_user.session_token, "exit_this_page")
        audit.record("signed_out", actor=current_user, target=current_user, why="exit_this_page")
    db.session.commit()
    session.clear()
    response = redirect(current_force().exit_url, code=303)
    response.delete_cookie(
        current_app.config["LANGUAGE_COOKIE_NAME"],
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/language/<code>")
def choose_language(code: str):
    """The language toggle: keep the language chosen for this browser session
    (its code only, in a cookie of its own) and go back to the page it was
    chosen on. A plain link, so it works without JavaScript."""
    if code not in languages.LANGUAGES:
        code = languages.DEFAULT
    back = request.args.get("next", "")
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("public.index")
    response = redirect(back, code=303)
    config = current_app.config
    response.set_cookie(
        config["LANGUAGE_COOKIE_NAME"],
        code,
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


INFORMATION_PAGES = {
    "safety": "public/info/safety.html",
    "cookies": "public/info/cookies.html",
    "privacy": "public/info/privacy.html",
    "accessibility": "public/info/accessibility.html",
    "contact": "public/info/contact.html",
    "other-needs": "public/info/other_needs.html",
}


def information_page(name: str):
    def view():
        return page_cache.render(
            INFORMATION_PAGES[name], minutes=current_app.config["DRAFT_IDLE_MINUTES"]
        )

    view.__name__ = f"info_{name.replace('-', '_')}"
    return view


for _name in INFORMATION_PAGES:
    bp.add_url_rule(
        f"/{_name}", endpoint=_name.replace("-", "_"), view_func=information_page(_name)
    )
