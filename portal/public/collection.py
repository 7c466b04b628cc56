""" "Add another" pages: a list of items (previous addresses, say), each added,
changed or removed on its own page, and a question whether there are more."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal import drafts
from portal.extensions import db
from portal.journeys.common import YES_NO
from portal.journeys.engine import Collection, Scheme
from portal.journeys.fields import ChoiceAnswer
from portal.journeys.forms import QuestionForm

from . import bp
from .journey import (
    after_save_url,
    back_url,
    build_form,
    get_scheme,
    in_change_mode,
    measure_errors,
    measure_shown,
    not_here,
    render_page,
    save_answers,
)


class RemoveForm(QuestionForm):
    remove = ChoiceAnswer(
        _l("Are you sure you want to remove this?"),
        choices=YES_NO,
        required=_l("Select yes if you want to remove it"),
    )


def item_url(scheme: Scheme, page: Collection) -> str:
    return url_for(
        "public.collection_item",
        scheme_slug=scheme.slug,
        slug=page.slug,
        change="1" if in_change_mode() else None,
    )


def list_url(scheme: Scheme, page: Collection) -> str:
    return url_for(
        "public.question",
        scheme_slug=scheme.slug,
        slug=page.slug,
        change="1" if in_change_mode() else None,
    )


def collection_page(scheme: Scheme, page: Collection, state: drafts.DraftState):
    answers = state.answers
    items = Collection.items(answers, page.slug)
    if len(items) < page.min_items:
        return redirect(item_url(scheme, page))
    formdata = request.form if request.method == "POST" else None
    form = build_form(scheme, page.form, answers, None, formdata)
    form.more.label.text = str(page.more_heading if items else page.first_heading)
    full = len(items) >= page.max_items
    if request.method == "POST" and (full or form.validate()):
        more = "no" if full else form.more.data
        state = save_answers(scheme, page.slug, state, {"items": items, "more": more})
        if more == "yes":
            return redirect(item_url(scheme, page))
        return redirect(after_save_url(scheme, page, state.draft.answers))
    if request.method == "POST":
        measure_errors(
            scheme,
            page.slug,
            form,
            state,
            lambda: build_form(scheme, page.form, answers, None, formdata),
        )
    measure_shown(scheme, page.slug, state)
    db.session.commit()
    return render_page(scheme, page, form, state, items=items, full=full)


def reachable_collection(scheme_slug: str, slug: str):
    scheme = get_scheme(scheme_slug)
    page = scheme.page(slug)
    if not isinstance(page, Collection):
        abort(404)
    state = drafts.load(scheme)
    if state.status != "active" or not scheme.reachable(slug, state.answers):
        return scheme, page, state, not_here(scheme, state)
    return scheme, page, state, None


@bp.route("/apply/<scheme_slug>/<slug>/add", methods=["GET", "POST"], endpoint="collection_item")
@bp.route(
    "/apply/<scheme_slug>/<slug>/<int:index>", methods=["GET", "POST"], endpoint="collection_change"
)
def collection_item(scheme_slug: str, slug: str, index: int | None = None):
    scheme, page, state, elsewhere = reachable_collection(scheme_slug, slug)
    if elsewhere:
        return elsewhere
    items = Collection.items(state.answers, slug)
    if index is not None and not 0 <= index < len(items):
        abort(404)
    if index is None and len(items) >= page.max_items:
        return redirect(list_url(scheme, page))
    formdata = request.form if request.method == "POST" else None
    stored = items[index] if index is not None else None
    form = build_form(scheme, page.item_form, state.answers, stored, formdata)
    if request.method == "POST" and form.validate():
        if index is None:
            items.append(form.answers())
        else:
            items[index] = form.answers()
        drafts.save(state, slug, {"items": items, "more": None})
        db.session.commit()
        return redirect(list_url(scheme, page))
    drafts.touch(state)
    db.session.commit()
    return render_template(
        "public/collection_item.html",
        scheme=scheme,
        page=page,
        form=form,
        title=page.title,
        caption=page.section_title(state.answers),
        heading=page.item_heading,
        back_link=list_url(scheme, page) if items else back_url(scheme, slug, state.answers),
        errors=form.error_list(),
        seconds_left=drafts.seconds_left(state),
    )


@bp.route("/apply/<scheme_slug>/<slug>/<int:index>/remove", methods=["GET", "POST"])
def collection_remove(scheme_slug: str, slug: str, index: int):
    scheme, page, state, elsewhere = reachable_collection(scheme_slug, slug)
    if elsewhere:
        return elsewhere
    items = Collection.items(state.answers, slug)
    if not 0 <= index < len(items):
        abort(404)
    form = RemoveForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if form.remove.data == "yes":
            del items[index]
            drafts.save(state, slug, {"items": items, "more": None})
            db.session.commit()
        return redirect(list_url(scheme, page))
    return render_template(
        "public/collection_remove.html",
        scheme=scheme,
        page=page,
        form=form,
        title=page.title,
        caption=page.section_title(state.answers),
        item=page.describe(items[index]),
        back_link=list_url(scheme, page),
        errors=form.error_list(),
        seconds_left=drafts.seconds_left(state),
    )
