"""Finding a case by a person in it (casework/search.py decides what
matches). The terms are posted, never put in the address, so no name reaches
a log, a history or a shared link; each search is audited with the kinds of
term used, never the terms."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import audit
from portal.casework import queries, search
from portal.casework.stages import STATUS_LABELS
from portal.database import only_reads
from portal.extensions import db
from portal.journeys.fields import DateAnswer, PostcodeAnswer, TextField
from portal.journeys.forms import QuestionForm
from portal.models import Role
from portal.rendering import in_words

from . import bp
from .auth import role_required

caseworkers = role_required(Role.OFFICER, Role.SUPERVISOR)


class SearchForm(QuestionForm):
    name = TextField(
        _l("Name"),
        short=_l("Name"),
        max_length=100,
        hint=_l("Any of their names, or one of them, such as a surname."),
        params={"spellcheck": False, "autocomplete": "off"},
    )
    date_of_birth = DateAnswer(
        _l("Date of birth"), short=_l("Date of birth"), hint=_l("For example, 27 3 1990")
    )
    postcode = PostcodeAnswer(_l("Postcode"), short=_l("Postcode"))
    reference = TextField(
        _l("Case reference"),
        short=_l("Case reference"),
        max_length=8,
        params={"classes": "govuk-input--width-10", "spellcheck": False},
    )

    def check(self, active: set[str]) -> bool:
        if not any(field.data for field in self.answer_fields()):
            self.name.errors.append(
                str(_l("Enter a name, date of birth, postcode or case reference"))
            )
            return False
        return True


@bp.route("/cases/search", methods=["GET", "POST"])
@caseworkers
@only_reads  # the terms are posted to keep them out of the address
def case_search():
    form = SearchForm(formdata=request.form if request.method == "POST" else None)
    found, total = None, 0
    searched = request.method == "POST" and form.validate()
    if searched:
        found, total = results(form)
    page = render_template(
        "admin/cases/search.html",
        form=form,
        errors=form.error_list(),
        found=found,
        total=total,
        stages=in_words(STATUS_LABELS),
    )
    if searched:  # after the page is made: a commit would expire the cases it shows
        used = [field.name for field in form.answer_fields() if field.data]
        audit.record("case_search", actor=current_user, terms=used, results=total)
        db.session.commit()
    return page


def results(form: SearchForm) -> tuple[list, int]:
    """The cases found (the newest search.SHOWN of them) and how many there
    are; with a reference as well as a person, that case only if the person
    is in it."""
    looked_up = search.terms(
        name=form.name.data,
        born=form.date_of_birth.data or "",
        postcode=form.postcode.data or "",
    )
    reference = (form.reference.data or "").strip().upper()
    if not looked_up:
        case = queries.find_by_reference(reference)
        return ([(case, [str(_l("reference"))])], 1) if case else ([], 0)
    if reference:
        found, _total = search.find(looked_up, limit=None)
        found = [(case, who) for case, who in found if case.reference == reference]
        return found, len(found)
    return search.find(looked_up, limit=search.SHOWN)
