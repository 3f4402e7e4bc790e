"""Meeting pages: thin views that parse a form, call ``services`` and render."""

from datetime import datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from hubapp import clock
from hubapp.blueprints.auth.roles import Role, roles_required, staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.meetings import bp, forms, printing, services
from hubapp.blueprints.meetings.models import DECISION_STATES, GROUPS, KINDS, OPEN
from hubapp.downloads import pdf_response
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import is_htmx, render
from hubapp.pdf import render_pdf
from hubapp.security import safe_next

FOLLOW_UP_ROLES = (Role.ADMIN, Role.STAFF, Role.LIAISON)


def _meeting_or_404(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _show_error(form, error: services.MeetingError) -> None:
    """Put a service's Chinese message next to the field it is about, or above the form."""
    if isinstance(error, services.NotAllowed):
        chinese_abort(403, error.message)
    form.add_error(error.message, error.field)


# --- meetings list and meeting form --------------------------------------------------------


@bp.get("/")
@staff_required
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    year = request.args.get("year", type=int)
    search = request.args.get("q", "")
    page = db.paginate(
        services.meetings_query(kind, year, search), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render(
        "meetings/index.html",
        "meetings/_meeting_rows.html",
        page=page,
        kind=kind,
        year=year,
        search=search,
        kinds=KINDS,
        years=services.meeting_years(),
    )


def _meeting_form(meeting=None) -> forms.MeetingForm:
    form = forms.MeetingForm()
    form.room_id.choices = holds.room_choices((forms.NONE, "不使用中心场地（填写其他地点）"))
    form.chair_user_id.choices = options(
        [(forms.NONE, "无（主持人没有账号）")] + [(user.id, user.display_name) for user in services.staff_users()]
    )
    if meeting is not None and request.method == "GET":
        form.kind.data = meeting.kind
        form.theme.data = meeting.theme
        form.day.data = meeting.start_at.date()
        form.start_time.data = meeting.start_at.time()
        form.end_time.data = meeting.end_at.time()
        form.room_id.data = meeting.booking.room_id if holds.holds_room(meeting.booking) else forms.NONE
        form.place.data = meeting.place
        form.headcount.data = meeting.headcount
        form.chair_name.data = meeting.chair_name
        form.chair_user_id.data = meeting.chair_user_id or forms.NONE
        form.recorder_name.data = meeting.recorder_name
    elif meeting is None and request.method == "GET":
        form.chair_user_id.data = current_user.id
        form.recorder_name.data = current_user.display_name
        # The joint meeting's own room is the usual place; any other is one click away.
        usual = next((room.value for room in form.room_id.choices if room.label.startswith("会议室")), forms.NONE)
        form.room_id.data = usual
    return form


def _meeting_values(form: forms.MeetingForm) -> dict:
    return dict(
        kind=form.kind.data,
        theme=form.theme.data,
        start=datetime.combine(form.day.data, form.start_time.data),
        end=datetime.combine(form.day.data, form.end_time.data),
        room_id=form.room_id.data or None,
        place=form.place.data,
        headcount=form.headcount.data,
        chair_name=form.chair_name.data,
        chair_user_id=form.chair_user_id.data or None,
        recorder_name=form.recorder_name.data,
        actor_id=current_user.id,
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = _meeting_form()
    if request.method == "POST":
        if form.validate():
            try:
                meeting = services.create_meeting(**_meeting_values(form))
            except services.MeetingError as error:
                _show_error(form, error)
            else:
                flash(f"已创建{meeting.title}。", "success")
                return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        return render("meetings/meeting_form.html", form=form, meeting=None, status=422)
    return render("meetings/meeting_form.html", form=form, meeting=None)


def _locked(meeting):
    """A page of edit forms for content that is locked would lose what the user types: send them
    back to the meeting with the reason instead."""
    try:
        services.require_editable(meeting)
    except services.MeetingError as error:
        flash(error.message, "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return None


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET" and (back := _locked(meeting)):
        return back
    form = _meeting_form(meeting)
    if request.method == "POST":
        if form.validate():
            try:
                services.update_meeting(meeting, **_meeting_values(form))
            except services.MeetingError as error:
                _show_error(form, error)
            else:
                flash("会议信息已保存。", "success")
                return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        return render("meetings/meeting_form.html", form=form, meeting=meeting, status=422)
    return render("meetings/meeting_form.html", form=form, meeting=meeting)


@bp.post("/<int:meeting_id>/delete")
@staff_required
def delete(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    title = meeting.title
    try:
        services.delete_meeting(meeting, current_user.id)
    except services.MeetingError as error:
        flash(error.message, "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    flash(f"已删除{title}，会议室预约已释放。", "success")
    return redirect(url_for("meetings.index"))


# --- the meeting page and its sections ------------------------------------------------------


def _decision_form(blank: bool = False) -> forms.DecisionForm:
    form = forms.DecisionForm(formdata=None) if blank else forms.DecisionForm()
    form.department_id.choices = options(
        [(d.id, d.name) for d in directory.departments()] + [(forms.NONE, "其他单位（在右侧填写）")]
    )
    return form


def _detail(meeting, status: int = 200, fragment: str | None = None, **overrides):
    context = dict(
        meeting=meeting,
        attendee_form=forms.AttendeeForm(formdata=None),
        agenda_form=forms.AgendaForm(formdata=None),
        decision_form=_decision_form(blank=True),
        reason_form=forms.ReasonForm(formdata=None),
        issue_form=forms.IssueForm(formdata=None, copy_to=meeting.current_minutes.copy_to if meeting.current_minutes else None),
        groups=GROUPS,
        unit_options=[d.name for d in directory.departments()] + [e.name for e in directory.search_enterprises("", 100)],
        people_options=[u.display_name for u in services.staff_users()],
        may_approve=services.may_approve(current_user, meeting),
        today=clock.today(),
    )
    context.update(overrides)
    return render("meetings/detail.html", fragment, status=status, **context)


@bp.get("/<int:meeting_id>")
@staff_required
def detail(meeting_id: int):
    return _detail(_meeting_or_404(meeting_id))


def _section_done(meeting, section: str, message: str):
    """After a change: the section again for htmx, else back to the page at that section."""
    if is_htmx():
        return _detail(meeting, fragment=f"meetings/_{section}.html")
    flash(message, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + f"#{section}")


@bp.post("/<int:meeting_id>/attendees")
@staff_required
def add_attendee(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.AttendeeForm()
    if form.validate():
        try:
            services.add_attendee(meeting, form.group.data, form.unit.data, form.names.data, current_user.id)
        except services.MeetingError as error:
            _show_error(form, error)
        else:
            return _section_done(meeting, "attendance", "已添加参会单位。")
    return _detail(meeting, 422, "meetings/_attendance.html", attendee_form=form)


@bp.post("/<int:meeting_id>/attendees/<int:attendee_id>/delete")
@staff_required
def remove_attendee(meeting_id: int, attendee_id: int):
    meeting = _meeting_or_404(meeting_id)
    try:
        services.remove_attendee(meeting, attendee_id, current_user.id)
    except services.MeetingError as error:
        return _detail(meeting, 409, "meetings/_attendance.html", attendance_error=error.message)
    return _section_done(meeting, "attendance", "已移除。")


@bp.post("/<int:meeting_id>/agenda")
@staff_required
def add_agenda_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.AgendaForm()
    if form.validate():
        try:
            services.add_agenda_item(meeting, form.title.data, form.presenter.data, current_user.id)
        except services.MeetingError as error:
            _show_error(form, error)
        else:
            return _section_done(meeting, "agenda", "已添加议题。")
    return _detail(meeting, 422, "meetings/_agenda.html", agenda_form=form)


@bp.post("/<int:meeting_id>/agenda/<int:item_id>")
@staff_required
def save_agenda_item(meeting_id: int, item_id: int):
    """The plain save button and the editor's save-as-you-type both post here."""
    meeting = _meeting_or_404(meeting_id)
    item = services.get_agenda_item(meeting, item_id)
    if item is None:
        abort(404)
    form = forms.AgendaForm()
    error_message = None
    if form.validate():
        try:
            services.update_agenda_item(
                meeting, item, form.title.data, form.presenter.data, form.discussion.data, current_user.id
            )
        except services.MeetingError as error:
            error_message = error.message
    else:
        error_message = "；".join(e for errors in form.errors.values() for e in errors)
    if is_htmx():
        return render(
            "meetings/_save_status.html", item=item, error=error_message, status=422 if error_message else 200
        )
    if error_message:
        return _detail(meeting, 422, editing_item=item.id, editing_form=form, agenda_error=error_message)
    flash(f"议题“{item.title}”已保存。", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + f"#item-{item.id}")


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/delete")
@staff_required
def remove_agenda_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    try:
        services.remove_agenda_item(meeting, item_id, current_user.id)
    except services.MeetingError as error:
        return _detail(meeting, 409, "meetings/_agenda.html", agenda_error=error.message)
    return _section_done(meeting, "agenda", "已删除议题。")


def _decision_values(form: forms.DecisionForm) -> dict:
    return dict(
        text=form.text.data,
        department_id=form.department_id.data or None,
        unit_text=form.unit_text.data,
        deadline=form.deadline.data,
    )


@bp.post("/<int:meeting_id>/decisions")
@staff_required
def add_decision(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = _decision_form()
    if form.validate():
        try:
            services.add_decision(meeting, actor_id=current_user.id, **_decision_values(form))
        except services.MeetingError as error:
            _show_error(form, error)
        else:
            return _section_done(meeting, "decisions", "已添加议定事项。")
    return _detail(meeting, 422, "meetings/_decisions.html", decision_form=form)


def _decision_or_404(meeting_id: int, decision_id: int):
    decision = services.get_decision(decision_id)
    if decision is None or decision.meeting_id != meeting_id:
        abort(404)
    return decision


@bp.route("/<int:meeting_id>/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_decision(meeting_id: int, decision_id: int):
    decision = _decision_or_404(meeting_id, decision_id)
    form = _decision_form()
    if request.method == "GET" and (back := _locked(decision.meeting)):
        return back
    if request.method == "GET":
        form.text.data = decision.text
        form.department_id.data = decision.department_id or forms.NONE
        form.unit_text.data = decision.unit_text
        form.deadline.data = decision.deadline
        return render("meetings/decision_form.html", form=form, decision=decision)
    if form.validate():
        try:
            services.update_decision(decision, actor_id=current_user.id, **_decision_values(form))
        except services.MeetingError as error:
            _show_error(form, error)
        else:
            flash(f"议定事项第{decision.number}项已保存。", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting_id) + "#decisions")
    return render("meetings/decision_form.html", form=form, decision=decision, status=422)


@bp.post("/<int:meeting_id>/decisions/<int:decision_id>/delete")
@staff_required
def remove_decision(meeting_id: int, decision_id: int):
    decision = _decision_or_404(meeting_id, decision_id)
    meeting = decision.meeting
    try:
        services.remove_decision(decision, current_user.id)
    except services.MeetingError as error:
        return _detail(meeting, 409, "meetings/_decisions.html", decisions_error=error.message)
    return _section_done(meeting, "decisions", "已删除议定事项。")


# --- minutes workflow ----------------------------------------------------------------------


def _workflow(meeting, action, message: str, **forms_with_errors):
    try:
        action()
    except services.MeetingError as error:
        if isinstance(error, services.NotAllowed):
            chinese_abort(403, error.message)
        form = forms_with_errors.get("reason_form") or forms_with_errors.get("issue_form")
        if form is not None and error.field:
            _show_error(form, error)
            return _detail(meeting, 422, **forms_with_errors)
        return _detail(meeting, 409, minutes_error=error.message, **forms_with_errors)
    flash(message, "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#minutes")


@bp.post("/<int:meeting_id>/minutes/approve")
@staff_required
def approve(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    return _workflow(meeting, lambda: services.approve_minutes(meeting, current_user), "纪要已审定。")


@bp.post("/<int:meeting_id>/minutes/return")
@staff_required
def return_to_draft(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.ReasonForm()
    return _workflow(
        meeting, lambda: services.return_to_draft(meeting, current_user, form.reason.data), "纪要已退回草稿。", reason_form=form
    )


@bp.post("/<int:meeting_id>/minutes/issue")
@staff_required
def issue(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.IssueForm()
    if not form.validate():
        return _detail(meeting, 422, issue_form=form)

    def action():
        version = services.issue_minutes(meeting, current_user, form.copy_to.data)
        flash(f"纪要已印发，文号{version.doc_number}。", "success")

    return _workflow(meeting, action, "印发后的纪要已冻结，如需修改请发起更正。", issue_form=form)


@bp.post("/<int:meeting_id>/minutes/correct")
@staff_required
def correct(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.ReasonForm()
    return _workflow(
        meeting,
        lambda: services.start_correction(meeting, current_user, form.reason.data),
        "已新建更正稿，原印发版本仍可查阅。",
        reason_form=form,
    )


# --- PDFs ----------------------------------------------------------------------------------


@bp.get("/<int:meeting_id>/minutes.pdf")
@staff_required
def minutes_pdf(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    version = services.minutes_version(meeting, request.args.get("version", type=int))
    if version is None:
        abort(404)
    content = services.printed_minutes(meeting, version)
    data = printing.render_minutes("meetings/pdf/minutes.html", m=content, draft=version.status != "issued")
    return pdf_response(data, f"{content['title']}纪要（第{version.version}版）.pdf")


@bp.get("/<int:meeting_id>/signin.pdf")
@staff_required
def signin_pdf(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    data = render_pdf("meetings/pdf/signin.html", meeting=meeting, groups=GROUPS)
    return pdf_response(data, f"{meeting.title}签到表.pdf")


@bp.get("/<int:meeting_id>/agenda.pdf")
@staff_required
def agenda_pdf(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    data = render_pdf("meetings/pdf/agenda.html", meeting=meeting, groups=GROUPS)
    return pdf_response(data, f"{meeting.title}议程.pdf")


# --- decisions across meetings --------------------------------------------------------------


@bp.get("/decisions")
@roles_required(*FOLLOW_UP_ROLES)
def decisions():
    status = request.args.get("status", OPEN)
    status = status if status in DECISION_STATES else None
    department_id = request.args.get("unit", type=int)
    overdue = request.args.get("overdue") == "1"
    page = db.paginate(
        services.decisions_query(current_user, status, department_id, overdue),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render(
        "meetings/decisions.html",
        "meetings/_decision_rows.html",
        page=page,
        chosen_status=status,
        department_id=department_id,
        overdue=overdue,
        states=DECISION_STATES,
        departments=directory.departments(),
        today=clock.today(),
        note_form=forms.NoteForm(formdata=None),
    )


def _follow_up(decision_id: int, action, success: str):
    decision = services.get_decision(decision_id)
    if decision is None:
        abort(404)
    form = forms.NoteForm()
    error_message = None
    try:
        action(decision, form.note.data)
    except services.NotAllowed as error:
        chinese_abort(403, error.message)
    except services.MeetingError as error:
        error_message = error.message
    if is_htmx():
        return render(
            "meetings/_decision_row.html",
            d=decision,
            today=clock.today(),
            note_form=form,
            row_error=error_message,
            status=422 if error_message else 200,
        )
    flash(error_message or success, "error" if error_message else "success")
    return redirect(safe_next(request.form.get("next")) if request.form.get("next") else url_for("meetings.decisions"))


@bp.post("/decisions/<int:decision_id>/done")
@roles_required(*FOLLOW_UP_ROLES)
def decision_done(decision_id: int):
    return _follow_up(
        decision_id, lambda d, note: services.complete_decision(d, current_user, note), "已标记为完成。"
    )


@bp.post("/decisions/<int:decision_id>/reopen")
@roles_required(*FOLLOW_UP_ROLES)
def decision_reopen(decision_id: int):
    return _follow_up(
        decision_id, lambda d, note: services.reopen_decision(d, current_user, note), "已重新打开。"
    )
