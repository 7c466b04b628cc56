"""One engine for every scheme: start, question pages, check answers, send,
confirmation, and the time limit. Routes speak only of pages and answers; what
a page asks and where it leads is the scheme's definition."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError

from portal import applications, clock, drafts, errors, languages, page_cache
from portal.extensions import db
from portal.journeys.engine import CHECK, Collection, Page, Scheme, Stop
from portal.journeys.fields import ChoiceAnswer
from portal.journeys.forms import QuestionForm
from portal.journeys.registry import SCHEMES
from portal.security import UnreadableForm
from portal.stats import events as analytics

from . import bp


def get_scheme(scheme_slug: str) -> Scheme:
    scheme = SCHEMES.get(scheme_slug)
    if scheme is None:
        abort(404)
    return scheme


def in_change_mode() -> bool:
    return request.args.get("change") == "1"


def page_url(scheme: Scheme, slug: str, change: bool = False) -> str:
    if slug == CHECK:
        return url_for("public.check_answers", scheme_slug=scheme.slug)
    return url_for(
        "public.question", scheme_slug=scheme.slug, slug=slug, change="1" if change else None
    )


def back_url(scheme: Scheme, slug: str, answers: dict) -> str:
    if in_change_mode():
        return page_url(scheme, CHECK)
    previous = scheme.previous_slug(slug, answers)
    if previous is None:
        return url_for("public.before_you_start", scheme_slug=scheme.slug)
    return page_url(scheme, previous)


def after_save_url(scheme: Scheme, page: Page, answers: dict) -> str:
    """Forward along the journey; from check answers, back to check answers
    unless the change opened pages that still need an answer."""
    if in_change_mode():
        target = scheme.resume_slug(answers)
        return page_url(scheme, target, change=target != CHECK)
    return page_url(scheme, scheme.following_slug(page, answers))


def not_here(scheme: Scheme, state: drafts.DraftState):
    """Where to send someone who asked for a page they cannot be on yet."""
    if state.status == "expired":
        return redirect(url_for("public.answers_deleted"))
    if state.status == "active":
        return redirect(page_url(scheme, scheme.resume_slug(state.answers)))
    return redirect(url_for("public.start", scheme_slug=scheme.slug))


def build_form(scheme: Scheme, form_class, answers: dict, stored: dict | None, formdata=None):
    return form_class(formdata=formdata, data=stored or {}, context=scheme.context(answers))


def page_context(scheme: Scheme, page: Page, form, state, *, notice=None, **extra) -> dict:
    return {
        "scheme": scheme,
        "page": page,
        "form": form,
        "title": page.title,
        "caption": page.section_title(state.answers),
        "back_link": back_url(scheme, page.slug, state.answers),
        "change": in_change_mode(),
        "errors": form.error_list(),
        "notice": notice,
        **extra,
    }


def render_page(scheme: Scheme, page: Page, form, state, *, notice=None, **extra):
    context = page_context(scheme, page, form, state, notice=notice, **extra)
    return render_template(page.template, seconds_left=drafts.seconds_left(state), **context)


def blank_page(scheme: Scheme, page: Page, state: drafts.DraftState) -> str:
    """A question page before it has an answer: the same for everyone whose
    application gives it the same words, so it is rendered once and kept
    (portal/page_cache.py), keyed by what its words and links depend on. It
    holds no answer; its form is built only to render it the first time."""
    answers = state.answers
    words = scheme.context(answers)
    key = (
        scheme.slug,
        page.slug,
        page.section_title(answers),
        back_url(scheme, page.slug, answers),
        in_change_mode(),
        tuple(sorted((name, str(value)) for name, value in words.items())),
    )
    return page_cache.render_lazily(
        page.template,
        key,
        lambda: page_context(scheme, page, build_form(scheme, page.form, answers, None), state),
        seconds_left=drafts.seconds_left(state),
    )


@bp.get("/apply/<scheme_slug>")
def start(scheme_slug: str):
    scheme = get_scheme(scheme_slug)
    return page_cache.render(scheme.start_template, (scheme.slug,), scheme=scheme)


@bp.get("/apply/<scheme_slug>/before-you-start")
def before_you_start(scheme_slug: str):
    scheme = get_scheme(scheme_slug)
    return page_cache.render(
        "public/before_you_start.html",
        (scheme.slug,),
        scheme=scheme,
        first_url=page_url(scheme, scheme.first),
    )


@bp.route("/apply/<scheme_slug>/<slug>", methods=["GET", "POST"])
def question(scheme_slug: str, slug: str):
    scheme = get_scheme(scheme_slug)
    page = scheme.page(slug)
    if page is None:
        abort(404)
    state = drafts.load(scheme)
    if not scheme.reachable(slug, state.answers):
        return not_here(scheme, state)
    if isinstance(page, Stop):
        return render_template(
            page.template,
            scheme=scheme,
            page=page,
            title=page.title,
            back_link=back_url(scheme, slug, state.answers),
        )
    if isinstance(page, Collection):
        from .collection import collection_page

        return collection_page(scheme, page, state)
    return question_page(scheme, page, state)


def question_page(scheme: Scheme, page: Page, state: drafts.DraftState):
    answers = state.answers
    if request.method == "GET":
        measure_shown(scheme, page.slug, state)
        if state.status == "active":
            drafts.seen(state)
        if page.slug in answers:
            form = build_form(scheme, page.form, answers, answers[page.slug])
            shown = render_page(scheme, page, form, state)
        else:
            shown = blank_page(scheme, page, state)
        db.session.commit()  # after rendering, which reads the draft once more
        return shown
    form = build_form(scheme, page.form, answers, answers.get(page.slug), request.form)
    if form.validate():
        state = save_answers(scheme, page.slug, state, form.answers())
        return redirect(after_save_url(scheme, page, state.draft.answers))
    measure_errors(
        scheme,
        page.slug,
        form,
        state,
        lambda: build_form(scheme, page.form, answers, answers.get(page.slug), request.form),
    )
    measure_shown(scheme, page.slug, state)
    if state.status == "active":
        drafts.touch(state)
    shown = render_page(scheme, page, form, state)
    db.session.commit()
    return shown


def measure_shown(scheme: Scheme, slug: str, state: drafts.DraftState) -> None:
    """A page shown: once per journey; the first question before a journey
    starts counts as the form opened."""
    if state.started:
        analytics.once(state.draft, "reached", scheme.slug, page=slug)
    elif slug == scheme.first and request.method == "GET":
        analytics.record("opened", scheme.slug, page=slug)


def save_answers(scheme: Scheme, slug: str, state: drafts.DraftState, data: dict):
    """Save a page's answers (starting the draft with the first), and count it."""
    if not state.started:
        if state.status != "active":
            state = drafts.start(scheme)
        analytics.record("started", scheme.slug, page=slug)
        # The page was shown before the journey had a draft to count it in.
        analytics.once(state.draft, "reached", scheme.slug, page=slug)
    drafts.save(state, slug, data)
    analytics.once(state.draft, "answered", scheme.slug, page=slug)
    if in_change_mode():
        analytics.record("changed", scheme.slug, page=slug)
    db.session.commit()
    return state


def measure_errors(scheme: Scheme, slug: str, form, state: drafts.DraftState, again) -> None:
    """Which questions people get wrong, and with which message (never what
    they typed): every error shown, and once per journey and question. Before
    a journey starts (its first page) there is no draft to remember it in, so
    each try there counts as a journey. The messages are counted in English
    whatever the page's language (`again` builds the form once more, to be
    checked in English), so that one question's message is one figure."""
    if languages.current().code != languages.DEFAULT:
        with force_locale(languages.DEFAULT):
            form = again()
            form.validate()
    for field in form.answer_fields():
        if field.errors:
            with force_locale(languages.DEFAULT):
                message = str(field.errors[0])
            analytics.record("error", scheme.slug, page=slug, question=field.name, message=message)
            if state.started:
                analytics.once(
                    state.draft, "met_error", scheme.slug, page=slug, question=field.name
                )
            else:
                analytics.record("met_error", scheme.slug, page=slug, question=field.name)


def show_again(notice: str, *, posted: bool = True):
    """A page whose post was refused (an expired token, or too many posts too
    fast): show it again with the applicant's answers and a fresh token, and
    say why, rather than losing them. None if this is not a journey page.
    Where the post itself could not be read (not UTF-8, or too long), the
    page shows what was saved before instead."""
    scheme = SCHEMES.get((request.view_args or {}).get("scheme_slug", ""))
    if scheme is None:
        return None
    state = drafts.load(scheme)
    if request.endpoint == "public.check_answers":
        if state.status == "active" and scheme.is_complete(state.answers):
            return render_check_answers(scheme, state, notice=notice)
        return not_here(scheme, state)
    page = scheme.page(request.view_args.get("slug", ""))
    if not isinstance(page, Page) or isinstance(page, Collection):
        return None
    if not scheme.reachable(page.slug, state.answers):
        return not_here(scheme, state)
    if posted:
        form = build_form(scheme, page.form, state.answers, None, request.form)
    else:
        form = build_form(scheme, page.form, state.answers, state.answers.get(page.slug))
    return render_page(scheme, page, form, state, notice=notice)


def show_saved_again(notice: str):
    return show_again(notice, posted=False)


@bp.route("/apply/<scheme_slug>/check-your-answers", methods=["GET", "POST"])
def check_answers(scheme_slug: str):
    scheme = get_scheme(scheme_slug)
    state = drafts.load(scheme, lock=request.method == "POST")
    if state.status == "submitted":
        return redirect(url_for("public.confirmation", scheme_slug=scheme.slug), code=303)
    if state.status != "active" or not scheme.is_complete(state.answers):
        return not_here(scheme, state)
    if request.method == "POST":
        return send_application(scheme, state)
    analytics.once(state.draft, "reached", scheme.slug, page=CHECK)
    drafts.seen(state)
    shown = render_check_answers(scheme, state)
    db.session.commit()
    return shown


def render_check_answers(scheme: Scheme, state: drafts.DraftState, notice=None):
    return render_template(
        "public/check_answers.html",
        scheme=scheme,
        title=scheme.name,
        sections=scheme.sections(state.answers),
        notice=notice,
        back_link=page_url(scheme, scheme.previous_slug(CHECK, state.answers)),
        change_url=lambda slug: page_url(scheme, slug, change=True),
        seconds_left=drafts.seconds_left(state),
    )


def send_application(scheme: Scheme, state: drafts.DraftState):
    now = clock.utcnow()
    try:
        applications.submit(state.draft, scheme, now=now)
        analytics.record(
            "submitted",
            scheme.slug,
            at=now,
            value=analytics.time_bucket(clock.as_utc(state.draft.created_at), now),
        )
        db.session.commit()
    except applications.AlreadySubmitted:
        db.session.rollback()
    except DBAPIError as error:  # the database failed: nothing was sent, the draft is as it was
        db.session.rollback()
        # The error's text would carry the answers (the statement's parameters): not logged.
        current_app.logger.warning("Could not send an application: %s", type(error.orig).__name__)
        return render_template("public/send_failed.html", scheme=scheme), 503
    return redirect(url_for("public.confirmation", scheme_slug=scheme.slug), code=303)


class FeedbackForm(QuestionForm):
    score = ChoiceAnswer(
        _l("Overall, how did you feel about using this service? (optional)"),
        short=_l("Satisfaction"),
        choices=[
            ("5", _l("Very satisfied")),
            ("4", _l("Satisfied")),
            ("3", _l("Neither satisfied nor dissatisfied")),
            ("2", _l("Dissatisfied")),
            ("1", _l("Very dissatisfied")),
        ],
        required=_l("Select how you felt about using this service"),
        hint=_l("Your answer is not linked to your application."),
    )


@bp.route("/apply/<scheme_slug>/confirmation", methods=["GET", "POST"])
def confirmation(scheme_slug: str):
    """The reference, what happens next, and a one-question anonymous survey."""
    scheme = get_scheme(scheme_slug)
    state = drafts.load(scheme)
    if state.status != "submitted":
        return not_here(scheme, state)
    given = analytics.was_counted(state.draft, "satisfaction")
    form = FeedbackForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and not given and form.validate():
        # Once per application: the submitted draft remembers it (the cookie
        # alone could be replayed from before the answer).
        analytics.once(
            state.draft, "satisfaction", scheme.slug, page="", value=int(form.score.data)
        )
        db.session.commit()
        return redirect(
            url_for("public.confirmation", scheme_slug=scheme.slug) + "#feedback", code=303
        )
    return render_template(
        scheme.confirmation_template,
        scheme=scheme,
        reference=state.draft.application.reference,
        feedback=form,
        feedback_given=given,
        errors=form.error_list(),
    )


@bp.post("/apply/extend")
def extend():
    """The timeout warning's "Continue with your application" button."""
    live = drafts.live()
    if not live:
        return jsonify(extended=False), 410
    for state in live:
        drafts.touch(state)
        analytics.record("extended", state.draft.scheme)
    db.session.commit()
    return jsonify(extended=True, seconds_left=drafts.seconds_left(live[0]))


@bp.get("/answers-deleted")
def answers_deleted():
    minutes = current_app.config["DRAFT_IDLE_MINUTES"]
    return page_cache.render("public/answers_deleted.html", minutes=minutes)


# A refused post on a form (an expired token, too many posts) is shown again
# with the applicant's answers, rather than an error page that loses them.
again = errors.page_again_or
bp.register_error_handler(CSRFError, again(show_again, errors.csrf_error, "csrf"))
bp.register_error_handler(429, again(show_again, errors.too_many, "slow_down", 429))
bp.register_error_handler(
    UnreadableForm, again(show_saved_again, errors.unreadable, "unreadable", 400)
)
bp.register_error_handler(413, again(show_saved_again, errors.http_error, "too_large", 413))
