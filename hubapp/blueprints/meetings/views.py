"""Meeting pages: the list, the meeting form, the meeting page with its attendance and agenda
sections, the minutes workflow and the PDFs. Decisions, in a meeting and across meetings, are in
``decision_views``, which draws the meeting page with the helpers here.

Thin: parse the form, run the service in one unit of work (``hubapp.actions``), render the page
or, for htmx, the section that changed."""

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from hubapp import actions, clock, concurrency, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.meetings import bp, decisions, forms, minutes, planning, printing
from hubapp.blueprints.meetings.models import GROUPS, KINDS, AgendaItem, Meeting
from hubapp.downloads import pdf_response
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.forms import options
from hubapp.htmx import is_htmx, render
from hubapp.params import page_of


def form_page(template: str, form, outcome: actions.Outcome, **context):
    """A form again after a refused change, with what the user typed: a broken rule's message is
    already next to its field; someone else's change first (a conflict) is said above the form."""
    if outcome.conflict and not context.get("conflict"):
        form.add_error(outcome.message)
    return render(template, form=form, status=outcome.status, **context)


def locked(meeting: Meeting):
    """A page of edit forms for content that is locked would lose what the user types: send them
    back to the meeting with the reason instead."""
    reason = planning.lock_reason(meeting)
    if reason is None:
        return None
    flash(reason, "error")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


# --- meetings list and meeting form --------------------------------------------------------


@bp.get("/")
@staff_required
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    year = params.year_arg()
    search = request.args.get("q", "")
    return render(
        "meetings/index.html",
        "meetings/_meeting_rows.html",
        page=page_of(planning.meetings_query(kind, year, search, params.between_args())),
        kind=kind,
        year=year,
        search=search,
        kinds=KINDS,
        years=planning.meeting_years(),
    )


def _meeting_form(meeting: Meeting | None = None, saved: bool = False) -> forms.MeetingForm:
    """The meeting form: as submitted, or (on GET, or ``saved``) as ``meeting`` is saved now."""
    form = forms.MeetingForm(formdata=None) if saved else forms.MeetingForm()
    form.room_id.choices = holds.room_choices((forms.NONE, "不使用中心场地（填写其他地点）"))
    form.chair_user_id.choices = options(
        [(forms.NONE, "无（主持人没有账号）")] + [(user.id, user.display_name) for user in planning.staff_users()]
    )
    if meeting is not None and (saved or request.method == "GET"):
        concurrency.stamp(form, meeting)
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


def _plan_from(form: forms.MeetingForm) -> planning.MeetingPlan:
    return planning.MeetingPlan(
        kind=form.kind.data,
        theme=form.theme.data,
        start=datetime.combine(form.day.data, form.start_time.data),
        end=datetime.combine(form.day.data, form.end_time.data),
        chair_name=form.chair_name.data,
        recorder_name=form.recorder_name.data,
        room_id=form.room_id.data or None,
        place=form.place.data,
        chair_user_id=form.chair_user_id.data or None,
        headcount=form.headcount.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = _meeting_form()
    if request.method == "GET":
        return render("meetings/meeting_form.html", form=form, meeting=None)
    outcome = actions.submit(form, lambda: decisions.open_meeting(current_user, _plan_from(form)))
    if not outcome.ok:
        return form_page("meetings/meeting_form.html", form, outcome, meeting=None)
    meeting = outcome.value
    return actions.done(f"已创建{meeting.title}。", url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    if request.method == "GET" and (back := locked(meeting)):
        return back
    form = _meeting_form(meeting)
    if request.method == "GET":
        return render("meetings/meeting_form.html", form=form, meeting=meeting)
    outcome = actions.submit(
        form, lambda: planning.update_meeting(current_user, meeting, _plan_from(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _meeting_form(meeting, saved=True))
        return form_page("meetings/meeting_form.html", form, outcome, meeting=meeting, conflict=conflict)
    return actions.done("会议信息已保存。", url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/delete")
@staff_required
def delete(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    title = meeting.title
    outcome = actions.attempt(lambda: planning.delete_meeting(current_user, meeting))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("meetings.detail", meeting_id=meeting_id))
    return actions.done(f"已删除{title}，会议室预约已释放。", url_for("meetings.index"))


# --- the meeting page and its sections ------------------------------------------------------


def decision_form(blank: bool = False) -> forms.DecisionForm:
    form = forms.DecisionForm(formdata=None) if blank else forms.DecisionForm()
    departments = [(d.id, d.name) for d in directory.departments()]
    form.department_id.choices = options(departments + [(forms.NONE, "其他单位（在右侧填写）")])
    form.supporter_ids.choices = options(departments)
    return form


def detail_page(meeting: Meeting, status: int = 200, fragment: str | None = None, **overrides):
    """The meeting page, or for htmx its section ``fragment``; ``overrides`` carry the forms as
    the user filled them and the messages of a refused change."""
    current = meeting.current_minutes
    context = dict(
        meeting=meeting,
        # A booking given back (cancelled or rejected in the room calendar) is named as such.
        room_released=meeting.booking is not None and not holds.holds_room(meeting.booking),
        attendee_form=forms.AttendeeForm(formdata=None),
        agenda_form=forms.AgendaForm(formdata=None),
        decision_form=decision_form(blank=True),
        reason_form=forms.ReasonForm(formdata=None),
        issue_form=forms.IssueForm(formdata=None, copy_to=current.copy_to if current else None),
        groups=GROUPS,
        unit_options=[d.name for d in directory.departments()]
        + [e.name for e in directory.search_enterprises("", 100)],
        people_options=[u.display_name for u in planning.staff_users()],
        may_approve=minutes.may_approve(current_user, meeting),
        delete_refusal=planning.delete_refusal(meeting),
        today=clock.today(),
    )
    context.update(overrides)
    return render("meetings/detail.html", fragment, status=status, **context)


def section_done(meeting: Meeting, section: str, message: str):
    """After a change: the section again for htmx, else back to the page at that section."""
    return actions.done(
        message,
        url_for("meetings.detail", meeting_id=meeting.id) + f"#{section}",
        lambda: detail_page(meeting, fragment=f"meetings/_{section}.html"),
    )


def section_refused(meeting: Meeting, section: str, outcome: actions.Outcome, **forms_shown):
    """The page (for htmx the section) again after a refused change. A broken rule's message is in
    the form the user filled (``forms_shown``); a conflict's, or that of a button without a form,
    is said at the top of the section."""
    message = outcome.message if outcome.conflict or not forms_shown else None
    return detail_page(
        meeting, outcome.status, f"meetings/_{section}.html", **{f"{section}_error": message}, **forms_shown
    )


@bp.get("/<int:meeting_id>")
@staff_required
def detail(meeting_id: int):
    return detail_page(db.get_or_404(Meeting, meeting_id))


@bp.post("/<int:meeting_id>/attendees")
@staff_required
def add_attendee(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = forms.AttendeeForm()
    outcome = actions.submit(
        form, lambda: planning.add_attendee(current_user, meeting, form.group.data, form.unit.data, form.names.data)
    )
    if not outcome.ok:
        return section_refused(meeting, "attendance", outcome, attendee_form=form)
    return section_done(meeting, "attendance", "已添加参会单位。")


@bp.post("/<int:meeting_id>/attendees/<int:attendee_id>/delete")
@staff_required
def remove_attendee(meeting_id: int, attendee_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    outcome = actions.attempt(lambda: planning.remove_attendee(current_user, meeting, attendee_id))
    if not outcome.ok:
        return section_refused(meeting, "attendance", outcome)
    return section_done(meeting, "attendance", "已移除。")


@bp.post("/<int:meeting_id>/agenda")
@staff_required
def add_agenda_item(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = forms.AgendaForm()
    outcome = actions.submit(
        form, lambda: planning.add_agenda_item(current_user, meeting, form.title.data, form.presenter.data)
    )
    if not outcome.ok:
        return section_refused(meeting, "agenda", outcome, agenda_form=form)
    return section_done(meeting, "agenda", "已添加议题。")


@bp.post("/<int:meeting_id>/agenda/<int:item_id>")
@staff_required
def save_agenda_item(meeting_id: int, item_id: int):
    """The plain save button and the editor's save-as-you-type both post here: the editor gets
    the line that says whether it was saved."""
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting_id:
        abort(404)
    form = forms.AgendaForm()
    outcome = actions.submit(
        form,
        lambda: planning.update_agenda_item(
            current_user, item, form.title.data, form.presenter.data, form.discussion.data, concurrency.submitted(form)
        ),
    )

    def save_status(error: str | None = None, status: int = 200):
        return render("meetings/_save_status.html", item=item, error=error, status=status)

    conflict = concurrency.table_for(outcome, form, lambda: _saved_agenda_form(item))
    if conflict:
        # Even for the editor's save-as-you-type: the whole section, with the table beside the item
        # and the text typed still in its editor, instead of a status line easy to miss.
        page = detail_page(item.meeting, outcome.status, "meetings/_agenda.html" if is_htmx() else None,
                           editing_item=item.id, editing_form=form, agenda_conflict=conflict)  # fmt: skip
        if is_htmx():
            page.headers["HX-Retarget"], page.headers["HX-Reswap"] = "#agenda", "outerHTML"
        return page
    if not outcome.ok:
        error = outcome.message or "；".join(e for errors in form.errors.values() for e in errors)
        if is_htmx():
            return save_status(error, outcome.status)
        return detail_page(item.meeting, outcome.status, editing_item=item.id, editing_form=form, agenda_error=error)
    return actions.done(
        f"议题{quoted(item.title)}已保存。",
        url_for("meetings.detail", meeting_id=meeting_id) + f"#item-{item.id}",
        save_status,
    )


def _saved_agenda_form(item: AgendaItem) -> forms.AgendaForm:
    form = forms.AgendaForm(formdata=None, obj=item)
    concurrency.stamp(form, item)
    return form


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/refresh")
@staff_required
def refresh_follow_up(meeting_id: int, item_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    based_on = concurrency.based_on(request.form.get("version"))
    outcome = actions.attempt(lambda: decisions.refresh_follow_up(current_user, meeting, item_id, based_on))
    if not outcome.ok:
        return section_refused(meeting, "agenda", outcome)
    return section_done(meeting, "agenda", "已按各议定事项的最新进展重新生成落实情况。")


@bp.post("/<int:meeting_id>/agenda/<int:item_id>/delete")
@staff_required
def remove_agenda_item(meeting_id: int, item_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    outcome = actions.attempt(lambda: planning.remove_agenda_item(current_user, meeting, item_id))
    if not outcome.ok:
        return section_refused(meeting, "agenda", outcome)
    return section_done(meeting, "agenda", "已删除议题。")


# --- minutes workflow ----------------------------------------------------------------------


def _workflow(meeting: Meeting, outcome: actions.Outcome, message, **forms_shown):
    """After a step of the minutes workflow: the meeting page at its minutes with ``message``
    (or what ``message`` says of the version the step returned), or the reason it was refused."""
    if not outcome.ok:
        return section_refused(meeting, "minutes", outcome, **forms_shown)
    return section_done(meeting, "minutes", message(outcome.value) if callable(message) else message)


@bp.post("/<int:meeting_id>/minutes/approve")
@staff_required
def approve(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    outcome = actions.attempt(lambda: minutes.approve_minutes(current_user, meeting))
    return _workflow(meeting, outcome, "纪要已审定。")


@bp.post("/<int:meeting_id>/minutes/return")
@staff_required
def return_to_draft(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = forms.ReasonForm()
    outcome = actions.attempt(lambda: minutes.return_to_draft(current_user, meeting, form.reason.data), form)
    return _workflow(meeting, outcome, "纪要已退回草稿。", reason_form=form)


@bp.post("/<int:meeting_id>/minutes/issue")
@staff_required
def issue(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = forms.IssueForm()
    outcome = actions.submit(form, lambda: minutes.issue_minutes(current_user, meeting, form.copy_to.data))
    return _workflow(
        meeting, outcome, lambda version: f"纪要已印发，文号{version.doc_number}。印发后的纪要已冻结，如需修改请发起更正。",
        issue_form=form,
    )  # fmt: skip


@bp.post("/<int:meeting_id>/minutes/correct")
@staff_required
def correct(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = forms.ReasonForm()
    outcome = actions.attempt(lambda: minutes.start_correction(current_user, meeting, form.reason.data), form)
    return _workflow(meeting, outcome, "已新建更正稿，原印发版本仍可查阅。", reason_form=form)


# --- PDFs ----------------------------------------------------------------------------------


@bp.get("/<int:meeting_id>/minutes.pdf")
@staff_required
def minutes_pdf(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    version = minutes.minutes_version(meeting, params.int_arg("version"))
    if version is None:
        abort(404)
    return pdf_response(*printing.minutes_pdf(meeting, version))


@bp.get("/<int:meeting_id>/signin.pdf")
@staff_required
def signin_pdf(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    return pdf_response(printing.signin_pdf(meeting), f"{meeting.title}签到表.pdf")


@bp.get("/<int:meeting_id>/agenda.pdf")
@staff_required
def agenda_pdf(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    return pdf_response(printing.agenda_pdf(meeting), f"{meeting.title}议程.pdf")
