"""Casework: the queue, the case page, recording each stage, claiming and
assigning, possible duplicates, the audit trail, exports, and applications
keyed in by staff from a phone call or a front counter."""

from __future__ import annotations

import json

from flask import Response, abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal import applications, audit, clock, drafts, ids, spreadsheet
from portal.casework import clocks, engine, enquiries, facts, queries
from portal.casework.clocks import CLOCKS
from portal.casework.outcomes import RISK_LABELS
from portal.casework.stages import DEADLINES, STAGES, STATUS_LABELS
from portal.extensions import db
from portal.journeys.registry import SCHEMES, scheme_for
from portal.models import AuditEvent, Role, Staff
from portal.rendering import in_words

from . import bp
from .auth import role_required
from .forms import ConfirmForm
from .records import record_rows, record_values

caseworkers = role_required(Role.OFFICER, Role.SUPERVISOR)
supervisors = role_required(Role.SUPERVISOR)

KEY_IN_CHANNELS = [
    ("phone", _l("Phone call (101)")),
    ("front_counter", _l("Front counter")),
    ("officer", _l("Through an officer")),
]


def case_or_404(case_id: int, *, for_change: bool = False):
    case = queries.get_case(case_id, for_change=for_change)
    if case is None:
        abort(404)
    return case


def scheme_options() -> list[tuple[str, str]]:
    return [(f"{s.code}:{s.route}", str(s.name)) for s in SCHEMES.values()]


@bp.get("/cases")
@caseworkers
def case_queue():
    args = request.args
    page = args.get("page", 1, type=ids.page_number)
    filters, sort = queue_filters(args)
    cases = queries.queue(page=page, sort=sort, **filters)
    counts = filter_counts(filters)
    total = counts.pop("all")
    return render_template(
        "admin/cases/queue.html",
        cases=cases,
        total=total,
        counts=counts,
        duplicated=queries.with_possible_duplicates([each.id for each in cases]),
        risks=list(in_words(RISK_LABELS).items()),
        sort=sort,
        officers=queries.staff_choices() if current_user.role == Role.SUPERVISOR.value else [],
        page=page,
        pages=max(1, -(-total // queries.PER_PAGE)),
        args=args,
        schemes=scheme_options(),
        stages=in_words(STATUS_LABELS),
        deadline_labels=in_words({name: each.label for name, each in DEADLINES.items()}),
        clock_labels=in_words({name: each.label for name, each in CLOCKS.items()}),
        next_due=engine.next_due,
        clocks_due=clocks.due_today,
        clock_filters=[(f"due_{name}", each.filter_label) for name, each in CLOCKS.items()],
        now=clock.utcnow(),
    )


def queue_filters(args) -> tuple[dict, str]:
    """The queue's filters and order from the address: the page and its CSV alike."""
    officer = (
        args.get("officer", type=ids.row_id) if current_user.role == Role.SUPERVISOR.value else None
    )
    filters = {
        "scheme": args.get("scheme") or None,
        "stage": args.get("stage") or None,
        "assigned_to": current_user.id if args.get("mine") else officer,
        "unassigned": bool(args.get("unassigned")),
        "overdue": bool(args.get("overdue")),
        "reference": args.get("reference") or None,
        "risk": args.get("risk") or None,
        "clocks": tuple(name for name in CLOCKS if args.get(f"due_{name}")),
    }
    sort = args.get("sort") if args.get("sort") in queries.QUEUE_ORDERS else "due"
    return filters, sort


def filter_counts(filters: dict) -> dict[str, int]:
    """How many open cases the filters leave ("all"), and how many each "show
    only" choice would leave, with the other filters as they are."""
    base = {**filters, "assigned_to": None, "unassigned": False, "overdue": False, "clocks": ()}
    choices = {
        "all": filters,
        "mine": {"assigned_to": current_user.id},
        "unassigned": {"unassigned": True},
        "overdue": {"overdue": True},
        **{f"due_{name}": {"clocks": (name,)} for name in CLOCKS},
    }
    return queries.counts(base, choices)


@bp.get("/cases/<int:case_id>")
@caseworkers
def case_view(case_id: int):
    case = case_or_404(case_id)
    audit.record("case_viewed", actor=current_user, application_id=case.id)
    db.session.commit()
    return render_template(
        "admin/cases/case.html",
        **case_page(case),
        refusal=lambda kind: engine.refusal(case, STAGES[kind], current_user),
        returned=facts.return_of(case),
        departures=engine.departures(case),
        duplicates=queries.possible_duplicates(case),
        duplicates_of=queries.duplicates_of(case),
        next_due=engine.next_due(case),
        clocks_running=clocks.running(case, clock.utcnow()),
        marac_needed=facts.marac_referral_needed(case),
        risk_history=facts.risk_history(case),
        risk_labels=RISK_LABELS,
        form=ConfirmForm(),
    )


def case_page(case) -> dict:
    """What the case page and its print view both show."""
    scheme = scheme_for(case)
    return {
        "case": case,
        "scheme": scheme,
        "sections": scheme.sections(case.answers),
        "stages": STAGES,
        "records": [(r, record_rows(r)) for r in facts.records(case)],
        "stage_labels": STATUS_LABELS,
        "deadlines": DEADLINES.values(),
        "now": clock.utcnow(),
        "enquiries_suggested": enquiries.suggested(case),
        "enquiries": list(enquiries.recorded(case).values()),
        "support_consent_label": support_consent_label(case),
        "support_referral": facts.latest(case, "support_referral"),
        "record_values": record_values,
    }


def support_consent_label(case) -> str:
    if case.support_consent is None:
        return str(_l("Not asked"))
    if case.support_consent == "unanswered":
        return str(_l("Asked, not answered"))
    form = scheme_for(case).page("support").form(formdata=None, meta={"csrf": False})
    return form.consent.display(case.support_consent)


@bp.route("/cases/<int:case_id>/record/<kind>", methods=["GET", "POST"])
@caseworkers
def case_record(case_id: int, kind: str):
    stage = STAGES.get(kind)
    if stage is None:
        abort(404)
    case = case_or_404(case_id, for_change=request.method == "POST")
    refused = engine.refusal(case, stage, current_user)
    if refused:
        return refused_page(case, refused)
    now = clock.utcnow()
    if request.method == "GET":
        return record_page(case, stage, stage_form(case, stage, now, prefill=request.args))
    form = stage_form(case, stage, now, request.form)
    if form.validate():
        data = form.answers()
        if stage.shows:
            data[stage.shows] = request.form.get(stage.shows, "")
        result = engine.act(case, kind, data, current_user, now)
        if result.record is not None:
            db.session.commit()
            return redirect(url_for("admin.case_view", case_id=case.id))
        if result.refused:
            return refused_page(case, result.refused)
        if stage.shows in result.problems:  # what the page showed has changed: show it anew
            return record_page(case, stage, stage_form(case, stage, now), changed=True), 409
        for name, message in result.problems.items():
            form[name].errors.append(message)
    return record_page(case, stage, form)


def stage_form(case, stage, now, formdata=None, prefill=None):
    """The stage's form, without the reasons the rules show are not needed. A
    link may fill in the choices the stage declares (`prefill`), with a value
    among their choices only."""
    form = stage.form(formdata=formdata)
    for name in engine.unasked(case, stage, now):
        del form[name]
    for name in stage.prefill:
        value = (prefill or {}).get(name)
        if name in form and value in {choice for choice, _label in form[name].choices}:
            form[name].data = value
    return form


def record_page(case, stage, form, changed: bool = False):
    return render_template(
        "admin/cases/record.html",
        case=case,
        stage=stage,
        form=form,
        errors=form.error_list(),
        changed=changed,
        shown=facts.current_decision(case) if stage.shows == "decision" else None,
        checks=facts.checks(case),
        record_rows=record_rows,
        record_values=record_values,
        sections=scheme_for(case).sections(case.answers) if stage.kind == "contact" else [],
        back_link=url_for("admin.case_view", case_id=case.id),
    )


def refused_page(case, message: str):
    return render_template("admin/cases/refused.html", case=case, message=message), 409


@bp.post("/cases/<int:case_id>/claim")
@caseworkers
def case_claim(case_id: int):
    case_or_404(case_id)
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    won = queries.claim(case_id, current_user)
    db.session.commit()
    if not won:
        case = queries.get_case(case_id)
        db.session.refresh(case)
        owner = case.assigned_to.name if case.assigned_to else ""
        return render_template(
            "admin/cases/refused.html",
            case=case,
            message=str(_l("%(name)s has already taken this case.", name=owner)),
        ), 409
    return redirect(url_for("admin.case_view", case_id=case_id))


@bp.route("/cases/<int:case_id>/assign", methods=["GET", "POST"])
@supervisors
def case_assign(case_id: int):
    case = case_or_404(case_id, for_change=request.method == "POST")
    staff = queries.staff_choices()
    error = None
    if request.method == "POST":
        if not ConfirmForm(formdata=request.form).validate():
            abort(400)
        chosen = request.form.get("assign_to", "")
        target = next((s for s in staff if str(s.id) == chosen), None)
        if target is None and chosen != "nobody":
            error = str(_l("Select who to assign the case to"))
        else:
            queries.assign(case, target, current_user, request.form.get("reason") or None)
            db.session.commit()
            return redirect(url_for("admin.case_view", case_id=case.id))
    return render_template(
        "admin/cases/assign.html",
        case=case,
        staff=staff,
        error=error,
        errors=[{"text": error, "href": "#assign_to"}] if error else [],
        back_link=url_for("admin.case_view", case_id=case.id),
    )


@bp.post("/cases/<int:case_id>/not-duplicate/<int:other_id>")
@caseworkers
def case_not_duplicate(case_id: int, other_id: int):
    case, other = case_or_404(case_id, for_change=True), case_or_404(other_id)
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    queries.dismiss_duplicate(case, other, current_user)
    db.session.commit()
    return redirect(url_for("admin.case_view", case_id=case.id))


@bp.get("/cases/<int:case_id>/audit")
@supervisors
def case_audit(case_id: int):
    case = case_or_404(case_id)
    query = select(AuditEvent).where(AuditEvent.application_id == case.id)
    events = list(db.session.scalars(query.order_by(AuditEvent.id)))
    return render_template(
        "admin/cases/audit.html",
        case=case,
        events=events,
        names=staff_names(events),
        reasons=queries.audit_reasons(events),
        title=case.reference,
        back_link=url_for("admin.case_view", case_id=case.id),
    )


@bp.get("/staff/<int:staff_id>/audit")
@supervisors
def staff_audit(staff_id: int):
    staff = db.session.get(Staff, staff_id)
    if staff is None:
        abort(404)
    query = select(AuditEvent).where(AuditEvent.actor_id == staff.id)
    events = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(500)))
    return render_template(
        "admin/cases/audit.html",
        case=None,
        events=events,
        names=staff_names(events),
        reasons=queries.audit_reasons(events),
        title=staff.name,
        back_link=url_for("admin.case_queue"),
    )


def staff_names(events) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(ids))).all())


@bp.get("/cases/<int:case_id>/print")
@caseworkers
def case_print(case_id: int):
    """The case on paper, for the face-to-face meeting: audited like an export."""
    case = case_or_404(case_id)
    audit.record("case_printed", actor=current_user, application_id=case.id)
    db.session.commit()
    return render_template("admin/cases/print.html", **case_page(case))


@bp.get("/cases/<int:case_id>/export.json")
@supervisors
def case_export(case_id: int):
    case = case_or_404(case_id)
    audit.record("case_exported", actor=current_user, application_id=case.id, format="json")
    db.session.commit()
    body = json.dumps(export_case(case), indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{case.reference}.json"'},
    )


def export_case(case) -> dict:
    names = (
        "reference",
        "scheme",
        "route",
        "channel",
        "applicant_type",
        "submitted_at",
        "triage_due_at",
        "first_contact_due_at",
        "completion_due_at",
        "stage",
        "triaged_at",
        "first_contact_at",
        "decision_signed_off_at",
        "disclosed_at",
        "closed_at",
        "outcome",
        "deviations",
        "current_risk",
        "last_contact_on",
        "update_due_at",
        "review_due_at",
        "risk_raised_at",
        "plan_recorded_at",
        "enquiry_reply_due_at",
        "support_consent",
        "support_referral",
        "language",
        "answers",
    )
    exported = {name: getattr(case, name) for name in names}
    exported["records"] = [
        {
            "kind": r.kind,
            "recorded_at": r.recorded_at,
            "recorded_by": r.recorded_by.email,
            "data": r.data,
        }
        for r in facts.records(case)
    ]
    return exported


QUEUE_COLUMNS = (
    "reference",
    "scheme",
    "route",
    "channel",
    "language",
    "submitted_at",
    "stage",
    "triage_due_at",
    "first_contact_due_at",
    "completion_due_at",
    "outcome",
)


@bp.get("/cases/export.csv")
@supervisors
def queue_export():
    """Every case the queue's filters select (not one page), streamed a batch
    at a time. The audit says which filters were used, never their values."""
    filters, sort = queue_filters(request.args)
    total = queries.count(queries.queue_query(**filters))
    used = sorted(name for name, value in filters.items() if value)
    audit.record(
        "queue_exported", actor=current_user, format="csv", rows=total, filters=used, sort=sort
    )
    db.session.commit()
    return spreadsheet.csv_stream(
        [*QUEUE_COLUMNS, "assigned_to"],
        lambda: queries.queue_rows(QUEUE_COLUMNS, sort=sort, **filters),
        "open-cases",
    )


@bp.route("/cases/key-in", methods=["GET", "POST"])
@caseworkers
def case_key_in():
    """An application taken by phone or in person, keyed in through the same
    journey as online, with its channel recorded."""
    error = None
    if request.method == "POST":
        if not ConfirmForm(formdata=request.form).validate():
            abort(400)
        scheme = SCHEMES.get(request.form.get("scheme", ""))
        channel = request.form.get("channel", "")
        if scheme and channel in dict(KEY_IN_CHANNELS):
            start_keyed_draft(scheme, channel)
            return redirect(url_for("public.question", scheme_slug=scheme.slug, slug=scheme.first))
        error = str(_l("Select the scheme and how the application was received"))
    return render_template(
        "admin/cases/key_in.html",
        schemes=SCHEMES.values(),
        channels=KEY_IN_CHANNELS,
        error=error,
        errors=[{"text": error, "href": "#scheme"}] if error else [],
        stopped=request.args.get("stopped") == "1",
        back_link=url_for("admin.case_queue"),
    )


@bp.post("/cases/key-in/stop")
@caseworkers
def case_key_in_stop():
    """The keying-in banner's "Stop and delete these answers": every draft
    this browser holds is deleted and the member of staff stays signed in
    (Exit this page, by contrast, signs them out)."""
    if not ConfirmForm(formdata=request.form).validate():
        abort(400)
    deleted = drafts.discard_all("exited")
    audit.record("keyed_in_answers_deleted", actor=current_user, count=deleted)
    db.session.commit()
    return redirect(url_for("admin.case_key_in", stopped=1))


def start_keyed_draft(scheme, channel: str) -> None:
    now = clock.utcnow()
    token, draft = applications.new_draft(scheme=scheme.slug, now=now, idle=drafts.idle_period())
    draft.channel = channel
    audit.record("application_keyed_in", actor=current_user, channel=channel, scheme=scheme.slug)
    db.session.commit()
    drafts.remember(token, draft)
    session.modified = True
