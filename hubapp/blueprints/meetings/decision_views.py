"""Decision pages: 议定事项 written into a meeting's draft, and the list across meetings where staff
and the responsible units' liaisons follow them up (mark done, reopen) row by row."""

from flask import abort, request, url_for
from flask_login import current_user

from hubapp import actions, clock, params
from hubapp.blueprints.auth.roles import Role, roles_required, staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.meetings import bp, decisions, forms
from hubapp.blueprints.meetings.models import DECISION_STATES, OPEN, Decision, Meeting
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


# --- decisions across meetings --------------------------------------------------------------


@bp.get("/decisions", endpoint="decisions")
@roles_required(*FOLLOW_UP_ROLES)
def decision_list():
    status = request.args.get("status", OPEN)
    status = status if status in DECISION_STATES else None
    department_id = params.int_arg("unit")
    overdue = request.args.get("overdue") == "1"
    return render(
        "meetings/decisions.html",
        "meetings/_decision_rows.html",
        page=page_of(decisions.decisions_query(current_user, status, department_id, overdue)),
        chosen_status=status,
        department_id=department_id,
        overdue=overdue,
        states=DECISION_STATES,
        departments=directory.departments(include_inactive=True),
        today=clock.today(),
        note_form=forms.NoteForm(formdata=None),
    )


def _follow_up(decision_id: int, change, success: str):
    """Mark done or reopen from the list: the row again for htmx, else back to the list (or the
    page the form names) with the outcome as a flash. The note is checked by the service, which
    says which note is missing or too long."""
    decision = db.get_or_404(Decision, decision_id)
    form = forms.NoteForm()
    outcome = actions.attempt(lambda: change(decision, form.note.data))

    def row(status: int = 200):
        return render(
            "meetings/_decision_row.html",
            d=decision,
            today=clock.today(),
            note_form=form,
            row_error=outcome.message,
            status=status,
        )

    back = safe_next(request.form.get("next")) if request.form.get("next") else url_for("meetings.decisions")
    if not outcome.ok:
        return row(outcome.status) if is_htmx() else actions.refused(outcome.message, back)
    return actions.done(success, back, row)


@bp.post("/decisions/<int:decision_id>/done")
@roles_required(*FOLLOW_UP_ROLES)
def decision_done(decision_id: int):
    return _follow_up(
        decision_id, lambda decision, note: decisions.complete_decision(current_user, decision, note), "已标记为完成。"
    )


@bp.post("/decisions/<int:decision_id>/reopen")
@roles_required(*FOLLOW_UP_ROLES)
def decision_reopen(decision_id: int):
    return _follow_up(
        decision_id, lambda decision, note: decisions.reopen_decision(current_user, decision, note), "已重新打开。"
    )
