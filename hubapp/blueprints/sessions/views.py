"""Staff pages: the month's sessions, planning a session, its sign-ups, its paper and files, the
year's theme plan and the host organisations. The door is in ``door_views``, outcomes in
``outcome_views``, the public pages in ``public_views``.

Thin: parse the form, run the service in one unit of work (``hubapp.actions``), render."""

from flask import abort, request, url_for
from flask_login import current_user

from hubapp import actions, clock, concurrency, downloads, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.sessions import bp, exports, feeds, outcomes, planning, printing, signup, signup_url
from hubapp.blueprints.sessions.forms import CancelForm, HostForm, QuestionForm, SessionForm, theme_plan_form
from hubapp.blueprints.sessions.models import KINDS, REGISTRATION_STATES, HostOrganisation, Session
from hubapp.blueprints.sessions.planning import HostData, SessionPlan
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.forms import options
from hubapp.htmx import render


def act(change, message, back: str):
    """A button on a page, with no form to show again: the change, then a flash and a 303 back to
    ``back``, or the refusal as a flash there. ``message`` may be a function of what ``change``
    returned."""
    outcome = actions.attempt(change)
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done(message(outcome.value) if callable(message) else message, back)


@bp.get("/")
@staff_required
def index():
    """A month's sessions; or, with ``?since=``/``?until=`` (a report's period), the sessions held
    in that range, a page at a time."""
    shown = params.month_arg()
    between = params.between_args()
    page = params.page_of(planning.held_query(*between)) if between else None
    sessions = page.items if page else planning.month_sessions(shown.month)
    return render(
        "sessions/index.html",
        sessions=sessions,
        page=page,
        shown=shown,
        theme=planning.theme_plan(shown.month.year).get(shown.month.month),
        attendance={s.id: outcomes.attendance(s.id) for s in sessions},
        now=clock.now(),
    )


# --- planning -----------------------------------------------------------------------------------


def _fill_choices(form: SessionForm, session: Session | None = None) -> None:
    hosts = planning.hosts(active_only=True)
    if session is not None and session.host is not None and session.host not in hosts:
        hosts.append(session.host)  # a host since retired still shows on its old sessions
    form.host_id.choices = options([(0, "（未指定）")] + [(h.id, h.name) for h in hosts])
    form.room_id.choices = holds.room_choices((0, "请选择场地"))


def _plan_from(form: SessionForm) -> SessionPlan:
    return SessionPlan(
        kind=form.kind.data,
        title=form.title.data or "",
        theme=form.theme.data,
        host_id=form.host_id.data or None,
        speakers=form.speakers.data,
        description=form.description.data,
        start=form.start_at.data,
        end=form.end_at.data,
        room_id=form.room_id.data,
        capacity=form.capacity.data,
        signup_opens_at=form.signup_opens_at.data,
        signup_closes_at=form.signup_closes_at.data,
        needs_approval=form.needs_approval.data,
        check_in_opens_minutes=form.check_in_opens_minutes.data,
    )


def _form_page(form: SessionForm, session: Session | None, outcome: actions.Outcome | None = None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render("sessions/form.html", form=form, session=session, status=status, conflict=conflict)


def _saved_form(session: Session) -> SessionForm:
    """The session form as the session is saved now, with its version."""
    form = SessionForm(formdata=None, obj=session)
    _fill_choices(form, session)
    form.host_id.data = session.host_id or 0
    concurrency.stamp(form, session)
    return form


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = SessionForm()
    _fill_choices(form)
    if request.method == "GET":
        return _form_page(form, None)
    outcome = actions.submit(form, lambda: planning.create_session(current_user, _plan_from(form)))
    if not outcome.ok:
        return _form_page(form, None, outcome)
    session = outcome.value
    return actions.done(f"已创建活动{quoted(session.title)}，并预约了{session.room.name}。", url_for(".detail", session_id=session.id))


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = _saved_form(session) if request.method == "GET" else SessionForm(obj=session)
    _fill_choices(form, session)
    if request.method == "GET":
        return _form_page(form, session)
    outcome = actions.submit(
        form, lambda: planning.update_session(current_user, session, _plan_from(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        return _form_page(form, session, outcome, concurrency.table_for(outcome, form, lambda: _saved_form(session)))
    return actions.done("活动已保存；时间或场地的变化已同步到场地预约。", url_for(".detail", session_id=session.id))


@bp.post("/<int:session_id>/cancel")
@staff_required
def cancel(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = CancelForm()
    back = url_for(".detail", session_id=session.id)
    if not form.validate():
        return actions.refused("取消活动需要填写原因。", back)
    return act(lambda: planning.cancel_session(current_user, session, form.reason.data), "活动已取消，场地预约已一并取消。", back)


# --- sign-ups -----------------------------------------------------------------------------------


@bp.get("/<int:session_id>")
@staff_required
def detail(session_id: int):
    session = db.get_or_404(Session, session_id)
    search = request.args.get("q", "")
    status = request.args.get("status", "")
    if status not in REGISTRATION_STATES:
        status = ""
    return render(
        "sessions/detail.html",
        "sessions/_registration_rows.html",
        session=session,
        page=params.page_of(signup.registrations_query(session.id, search, status)),
        search=search,
        status_filter=status,
        states=REGISTRATION_STATES,
        attendance=outcomes.attendance(session.id),
        closed_reason=signup.signup_closed_reason(session),
        public_url=signup_url(session.id),
        question_form=QuestionForm(),
        cancel_form=CancelForm(),
    )


@bp.post("/<int:session_id>/questions")
@staff_required
def add_question(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = QuestionForm()
    back = url_for(".detail", session_id=session.id) + "#questions"
    if not form.validate():
        return actions.refused("请填写问题。", back)
    return act(lambda: planning.add_question(current_user, session, form.label.data, form.required.data), "已添加报名问题。", back)


@bp.post("/<int:session_id>/questions/<int:question_id>/delete")
@staff_required
def delete_question(session_id: int, question_id: int):
    session = db.get_or_404(Session, session_id)
    question = next((q for q in session.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return act(
        lambda: planning.delete_question(current_user, session, question),
        "已删除报名问题（已收集的回答仍保留在报名记录中）。",
        url_for(".detail", session_id=session.id) + "#questions",
    )


REGISTRATION_ACTIONS = {
    "approve": (signup.approve_registration, "已审核通过。"),
    "reject": (signup.reject_registration, "已驳回该报名。"),
    "cancel": (signup.cancel_registration, "已取消该报名。"),
}


@bp.post("/<int:session_id>/registrations/<int:registration_id>/<action>")
@staff_required
def registration_action(session_id: int, registration_id: int, action: str):
    session = db.get_or_404(Session, session_id)
    registration = signup.get_registration(session.id, registration_id)
    if registration is None or action not in REGISTRATION_ACTIONS:
        abort(404)
    change, message = REGISTRATION_ACTIONS[action]
    return act(lambda: change(current_user, registration), message, url_for(".detail", session_id=session.id))


# --- paper and files ----------------------------------------------------------------------------


@bp.get("/<int:session_id>/signin.pdf")
@staff_required
def signin_sheet(session_id: int):
    session = db.get_or_404(Session, session_id)
    return downloads.pdf_response(printing.signin_sheet_pdf(session), f"签到表-{session.title}.pdf")


@bp.get("/<int:session_id>/poster.pdf")
@staff_required
def poster(session_id: int):
    session = db.get_or_404(Session, session_id)
    return downloads.pdf_response(printing.poster_pdf(session), f"海报-{session.title}.pdf")


@bp.get("/<int:session_id>/registrations.xlsx")
@staff_required
def export_xlsx(session_id: int):
    session = db.get_or_404(Session, session_id)
    return downloads.xlsx_response(exports.registrations_xlsx(session), f"报名及成果-{session.title}.xlsx")


@bp.get("/<int:session_id>/session.ics")
@staff_required
def ical(session_id: int):
    session = db.get_or_404(Session, session_id)
    return downloads.ics_response(feeds.session_ics(session), f"session-{session.id}.ics", feed=False)


# --- theme plan and hosts -----------------------------------------------------------------------


def _themes_from(form) -> dict[int, str]:
    return {month: getattr(form, f"m{month}").data for month in range(1, 13)}


@bp.route("/themes", methods=["GET", "POST"])
@staff_required
def themes():
    year = params.year_arg(default=clock.today().year)
    form = theme_plan_form(planning.theme_plan(year))
    status = 200
    if request.method == "POST":
        outcome = actions.submit(form, lambda: planning.save_theme_plan(current_user, year, _themes_from(form)))
        if outcome.ok:
            return actions.done(f"{year}年主题计划已保存。", url_for(".themes", year=year))
        status = outcome.status
    counts = planning.sessions_per_month(year)
    return render("sessions/themes.html", form=form, year=year, counts=counts, status=status)


@bp.get("/hosts")
@staff_required
def hosts():
    return render("sessions/hosts.html", hosts=planning.hosts())


def _host_from(form: HostForm) -> HostData:
    return HostData(
        name=form.name.data,
        kind=form.kind.data,
        department_id=form.department_id.data or None,
        contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data,
        active=form.active.data,
    )


@bp.route("/hosts/new", methods=["GET", "POST"], defaults={"host_id": None})
@bp.route("/hosts/<int:host_id>/edit", methods=["GET", "POST"])
@staff_required
def host_form(host_id: int | None):
    host = db.get_or_404(HostOrganisation, host_id) if host_id else None
    form = HostForm(obj=host)
    form.department_id.choices = options([(0, "（无）")] + [(d.id, d.name) for d in directory.departments()])
    if request.method == "GET":
        if host is not None:
            form.department_id.data = host.department_id or 0
        return render("sessions/host_form.html", form=form, host=host)
    outcome = actions.submit(form, lambda: planning.save_host(current_user, host, _host_from(form)))
    if not outcome.ok:
        return render("sessions/host_form.html", form=form, host=host, status=outcome.status)
    return actions.done("主办机构已保存。", url_for(".hosts"))


@bp.app_template_global("session_kinds")
def session_kinds():
    return KINDS
