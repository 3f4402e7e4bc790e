"""Decision pages: 议定事项 written into a meeting's draft, and the 督办 list across meetings where
staff and the responsible units' liaisons report progress (推进中, 已延期, 已完成, 无法完成) row by
row, or reopen a closed one; each decision's page shows its whole progress history."""

from flask import abort, request, url_for
from flask_login import current_user

from hubapp import actions, clock, params
from hubapp.blueprints.auth.roles import Role, roles_required, staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.meetings import bp, decisions, forms
from hubapp.blueprints.meetings.models import COLOURS, DECISION_STATES, DUE_SOON_WORKING_DAYS, Decision, Meeting
from hubapp.blueprints.meetings.views import decision_form, form_page, locked, section_done, section_refused
from hubapp.extensions import db
from hubapp.htmx import is_htmx, render
from hubapp.params import page_of
from hubapp.security import safe_next

FOLLOW_UP_ROLES = (Role.ADMIN, Role.STAFF, Role.LIAISON)


def _decision_of(meeting_id: int, decision_id: int) -> Decision:
    """The decision of the URL, or 404 — also when it belongs to another meeting."""
    decision = db.get_or_404(Decision, decision_id)
    if decision.meeting_id != meeting_id:
        abort(404)
    return decision


# --- in the meeting's draft ----------------------------------------------------------------


@bp.post("/<int:meeting_id>/decisions")
@staff_required
def add_decision(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = decision_form()
    outcome = actions.submit(
        form,
        lambda: decisions.add_decision(
            current_user,
            meeting,
            form.text.data,
            form.department_id.data or None,
            form.unit_text.data,
            form.deadline.data,
            form.supporter_ids.data or (),
        ),
    )
    if not outcome.ok:
        return section_refused(meeting, "decisions", outcome, decision_form=form)
    return section_done(meeting, "decisions", "已添加议定事项。")


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_decision(meeting_id: int, decision_id: int):
    decision = _decision_of(meeting_id, decision_id)
    if request.method == "GET" and (back := locked(decision.meeting)):
        return back
    form = decision_form()
    if request.method == "GET":
        form.text.data = decision.text
        form.department_id.data = decision.department_id or forms.NONE
        form.unit_text.data = decision.unit_text
        form.deadline.data = decision.deadline
        form.supporter_ids.data = [s.department_id for s in decision.supporters]
        return render("meetings/decision_form.html", form=form, decision=decision)
    outcome = actions.submit(
        form,
        lambda: decisions.update_decision(
            current_user,
            decision,
            form.text.data,
            form.department_id.data or None,
            form.unit_text.data,
            form.deadline.data,
            form.supporter_ids.data or (),
        ),
    )
    if not outcome.ok:
        return form_page("meetings/decision_form.html", form, outcome, decision=decision)
    return actions.done(
        f"议定事项第{decision.number}项已保存。", url_for("meetings.detail", meeting_id=meeting_id) + "#decisions"
    )


@bp.post("/<int:meeting_id>/decisions/<int:decision_id>/delete")
@staff_required
def remove_decision(meeting_id: int, decision_id: int):
    decision = _decision_of(meeting_id, decision_id)
    meeting = decision.meeting
    outcome = actions.attempt(lambda: decisions.remove_decision(current_user, decision))
    if not outcome.ok:
        return section_refused(meeting, "decisions", outcome)
    return section_done(meeting, "decisions", "已删除议定事项。")


# --- decisions across meetings (督办) ---------------------------------------------------------

#: The status filter's options: the active ones together first (the default), then each state.
STATUS_FILTERS = {decisions.ACTIVE: "未办结（全部）"} | DECISION_STATES


def _list_context() -> dict:
    return dict(
        today=clock.today(),
        progress_form=forms.ProgressForm(formdata=None),
        reopen_form=forms.ReopenForm(formdata=None),
        colours=COLOURS,
        due_soon_days=DUE_SOON_WORKING_DAYS,
    )


@bp.get("/decisions", endpoint="decisions")
@roles_required(*FOLLOW_UP_ROLES)
def decision_list():
    """The 督办 list: decisions across meetings, filtered by state, unit and 三色 colour."""
    status = request.args.get("status", decisions.ACTIVE)
    status = status if status in STATUS_FILTERS else None
    department_id = params.int_arg("unit")
    colour = request.args.get("colour")
    colour = colour if colour in COLOURS else None
    stmt = decisions.decisions_query(current_user, status, department_id, colour=colour, between=params.between_args())
    return render(
        "meetings/decisions.html",
        "meetings/_decision_rows.html",
        page=page_of(stmt),
        counts=decisions.colour_counts(current_user, department_id),
        chosen_status=status,
        department_id=department_id,
        chosen_colour=colour,
        states=STATUS_FILTERS,
        departments=directory.departments(include_inactive=True),
        **_list_context(),
    )


@bp.get("/decisions/<int:decision_id>", endpoint="decision")
@roles_required(*FOLLOW_UP_ROLES)
def decision_page(decision_id: int):
    """One decision with its whole progress history and the report form."""
    decision = db.get_or_404(Decision, decision_id)
    if not decisions.may_follow_up(current_user, decision) or decision.meeting.latest_issued is None:
        abort(404)
    return render("meetings/decision.html", d=decision, **_list_context())


def _follow_up(decision_id: int, form, change, success: str):
    """Report progress or reopen, from the list or the decision's page: the row again for htmx,
    else back to the page the form names with the outcome as a flash. The note is checked by the
    service, which says which note is missing or too long and puts it next to its field; after a
    refusal the form keeps what was typed (for htmx in the row, else on the decision's page)."""
    decision = db.get_or_404(Decision, decision_id)
    outcome = actions.submit(form, lambda: change(decision))
    refused = {} if outcome.ok else {"progress_form" if isinstance(form, forms.ProgressForm) else "reopen_form": form}
    row_error = outcome.message if outcome.conflict else None

    def row(status: int = 200):
        context = _list_context() | refused
        return render("meetings/_decision_row.html", d=decision, row_error=row_error, status=status, **context)

    if outcome.ok:
        back = safe_next(request.form.get("next")) if request.form.get("next") else url_for("meetings.decisions")
        return actions.done(success, back, row)
    if is_htmx():
        return row(outcome.status)
    db.session.refresh(decision)
    context = _list_context() | refused
    return render("meetings/decision.html", d=decision, row_error=row_error, status=outcome.status, **context)


@bp.post("/decisions/<int:decision_id>/progress")
@roles_required(*FOLLOW_UP_ROLES)
def decision_progress(decision_id: int):
    form = forms.ProgressForm()
    return _follow_up(
        decision_id,
        form,
        lambda decision: decisions.report_progress(
            current_user,
            decision,
            decisions.ProgressReport(form.status.data, form.note.data, form.new_deadline.data),
        ),
        "已报告进展。",
    )


@bp.post("/decisions/<int:decision_id>/reopen")
@roles_required(*FOLLOW_UP_ROLES)
def decision_reopen(decision_id: int):
    form = forms.ReopenForm()
    return _follow_up(
        decision_id, form, lambda decision: decisions.reopen_decision(current_user, decision, form.note.data), "已重新打开。"
    )
