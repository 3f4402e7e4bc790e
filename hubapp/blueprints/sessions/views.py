"""Staff pages: plan sessions, see sign-ups, run the door, record outcomes, print and export."""

from datetime import date

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from hubapp import clock, downloads
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.sessions import bp, exports, services
from hubapp.blueprints.sessions.forms import (
    AdvanceForm,
    CancelForm,
    CheckInForm,
    DeleteForm,
    FinancingForm,
    HostForm,
    OutcomeForm,
    QuestionForm,
    SessionForm,
    WalkInForm,
    theme_plan_form,
)
from hubapp.blueprints.sessions.models import (
    BANK,
    KINDS,
    REGISTRATION_STATES,
    FinancingMatch,
    HostOrganisation,
)
from hubapp.blueprints.sessions.services import SessionError, SessionPlan, SignupData
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import render


def _session_or_404(session_id: int):
    session = services.get_session(session_id)
    if session is None:
        abort(404)
    return session


def _month_arg() -> tuple[int, int]:
    text = request.args.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        if 2000 <= year <= 2100:
            date(year, month, 1)
            return year, month
    except ValueError:
        pass
    today = clock.today()
    return today.year, today.month


@bp.get("/")
@staff_required
def index():
    year, month = _month_arg()
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    sessions = services.month_sessions(year, month)
    return render(
        "sessions/index.html",
        sessions=sessions,
        year=year,
        month=month,
        previous=f"{previous[0]}-{previous[1]:02d}",
        following=f"{following[0]}-{following[1]:02d}",
        theme=services.theme_plan(year).get(month),
        attendance={s.id: services.attendance(s.id) for s in sessions},
        now=clock.now(),
    )


def _fill_choices(form: SessionForm, session=None) -> None:
    hosts = services.hosts(active_only=True)
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
    )


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = SessionForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            session = services.create_session(_plan_from(form), current_user.id)
        except SessionError as error:
            form.add_error(error.message, error.field)
        else:
            flash(f"已创建活动“{session.title}”，并预约了{session.room.name}。", "success")
            return redirect(url_for(".detail", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render("sessions/form.html", form=form, session=None, status=status)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(session_id: int):
    session = _session_or_404(session_id)
    form = SessionForm(obj=session)
    _fill_choices(form, session)
    if request.method == "GET":
        form.host_id.data = session.host_id or 0
    if form.validate_on_submit():
        try:
            services.update_session(session, _plan_from(form), current_user.id)
        except SessionError as error:
            db.session.refresh(session)
            form.add_error(error.message, error.field)
        else:
            flash("活动已保存；时间或场地的变化已同步到场地预约。", "success")
            return redirect(url_for(".detail", session_id=session.id))
    status = 422 if request.method == "POST" else 200
    return render("sessions/form.html", form=form, session=session, status=status)


@bp.post("/<int:session_id>/cancel")
@staff_required
def cancel(session_id: int):
    session = _session_or_404(session_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_session(session, current_user.id, form.reason.data)
        except SessionError as error:
            flash(error.message, "error")
        else:
            flash("活动已取消，场地预约已一并取消。", "success")
    else:
        flash("取消活动需要填写原因。", "error")
    return redirect(url_for(".detail", session_id=session.id))


def _registrations_page(session_id: int):
    search = request.args.get("q", "")
    status = request.args.get("status", "")
    if status not in REGISTRATION_STATES:
        status = ""
    page = db.paginate(
        services.registrations_query(session_id, search, status),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return page, search, status


@bp.get("/<int:session_id>")
@staff_required
def detail(session_id: int):
    session = _session_or_404(session_id)
    page, search, status = _registrations_page(session.id)
    return render(
        "sessions/detail.html",
        "sessions/_registration_rows.html",
        session=session,
        page=page,
        search=search,
        status_filter=status,
        states=REGISTRATION_STATES,
        attendance=services.attendance(session.id),
        closed_reason=services.signup_closed_reason(session),
        public_url=_public_url(session.id),
        question_form=QuestionForm(),
        cancel_form=CancelForm(),
    )


def _public_url(session_id: int) -> str:
    from hubapp import qr

    return qr.public_url(url_for("sessions_public.signup", session_id=session_id))


@bp.post("/<int:session_id>/questions")
@staff_required
def add_question(session_id: int):
    session = _session_or_404(session_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(session, form.label.data, form.required.data, current_user.id)
            flash("已添加报名问题。", "success")
        except SessionError as error:
            flash(error.message, "error")
    else:
        flash("请填写问题。", "error")
    return redirect(url_for(".detail", session_id=session.id) + "#questions")


@bp.post("/<int:session_id>/questions/<int:question_id>/delete")
@staff_required
def delete_question(session_id: int, question_id: int):
    session = _session_or_404(session_id)
    question = next((q for q in session.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    services.delete_question(question, current_user.id)
    flash("已删除报名问题（已收集的回答仍保留在报名记录中）。", "success")
    return redirect(url_for(".detail", session_id=session.id) + "#questions")


REGISTRATION_ACTIONS = {
    "approve": (services.approve_registration, "已审核通过。"),
    "reject": (services.reject_registration, "已驳回该报名。"),
    "cancel": (services.cancel_registration, "已取消该报名。"),
}


@bp.post("/<int:session_id>/registrations/<int:registration_id>/<action>")
@staff_required
def registration_action(session_id: int, registration_id: int, action: str):
    session = _session_or_404(session_id)
    registration = services.get_registration(session.id, registration_id)
    if registration is None or action not in REGISTRATION_ACTIONS:
        abort(404)
    change, message = REGISTRATION_ACTIONS[action]
    try:
        change(registration, current_user.id)
    except SessionError as error:
        flash(error.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for(".detail", session_id=session.id))


# --- at the door --------------------------------------------------------------------------------


def _door(session, status=200, result=None, error=None, walk_in_form=None, fragment="sessions/_checkin_rows.html"):
    """The door page; htmx gets the list (searching) or the scan result (scanning) alone."""
    search = request.args.get("q", "")
    stmt = services.registrations_query(session.id, search)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render(
        "sessions/checkin.html",
        fragment,
        status=status,
        session=session,
        page=page,
        search=search,
        result=result,
        error=error,
        form=CheckInForm(formdata=None),
        walk_in_form=walk_in_form or WalkInForm(formdata=None),
        attendance=services.attendance(session.id),
    )


@bp.get("/<int:session_id>/checkin")
@staff_required
def checkin(session_id: int):
    return _door(_session_or_404(session_id))


@bp.post("/<int:session_id>/checkin")
@staff_required
def checkin_post(session_id: int):
    session = _session_or_404(session_id)
    form = CheckInForm()
    result_only = "sessions/_door_result.html"
    if not form.validate_on_submit():
        return _door(session, status=422, error="请求无效，请刷新页面后重试。", fragment=result_only)
    registration = None
    if form.registration_id.data and form.registration_id.data.isdigit():
        registration = services.get_registration(session.id, int(form.registration_id.data))
    elif form.code.data:
        registration = services.registration_by_token(session.id, services.token_from_scan(form.code.data))
    if registration is None:
        message = "未找到该签到码对应的报名，请确认是本场活动的签到码，或在名单中搜索。"
        return _door(session, status=422, error=message, fragment=result_only)
    check_in = services.admit_at_door if form.admit.data == "1" else services.check_in
    try:
        result = check_in(registration, current_user.id)
    except SessionError as error:
        return _door(session, status=409, error=error.message, fragment=result_only)
    response = _door(session, result=result, fragment=result_only)
    response.headers["HX-Trigger"] = "checked-in"
    return response


@bp.get("/<int:session_id>/checkin/<token>")
@staff_required
def checkin_scanned(session_id: int, token: str):
    """Where a check-in QR leads when scanned with the phone's own camera: confirm with one tap."""
    session = _session_or_404(session_id)
    registration = services.registration_by_token(session.id, token)
    if registration is None:
        abort(404)
    return render("sessions/checkin_scanned.html", session=session, registration=registration, form=CheckInForm())


@bp.post("/<int:session_id>/walkin")
@staff_required
def walk_in(session_id: int):
    session = _session_or_404(session_id)
    form = WalkInForm()
    if form.validate_on_submit():
        data = SignupData(
            enterprise_name=form.enterprise_name.data,
            attendee_name=form.attendee_name.data,
            phone=form.phone.data.strip(),
            position=form.position.data,
        )
        try:
            registration = services.add_walk_in(session, data, current_user.id)
        except SessionError as error:
            form.add_error(error.message, error.field)
        else:
            flash(f"已登记并签到：{registration.attendee_name}（{registration.enterprise_name}）。", "success")
            return redirect(url_for(".checkin", session_id=session.id))
    return _door(session, status=422, walk_in_form=form)


# --- outcomes -----------------------------------------------------------------------------------


def _financing_form(formdata=True) -> FinancingForm:
    form = FinancingForm() if formdata else FinancingForm(formdata=None)
    form.bank_id.choices = options([(0, "请选择银行")] + [(b.id, b.name) for b in services.banks()])
    return form


def _outcome(session, status=200, outcome_form=None, financing_form=None):
    matches = services.financing_matches(session.id)
    return render(
        "sessions/outcome.html",
        status=status,
        session=session,
        attendance=services.attendance(session.id),
        questions=services.collected_questions(session.id),
        needs=services.financing_needs(session.id) if session.kind == BANK else [],
        matches=matches,
        report=services.financing_report(matches),
        outcome_form=outcome_form or OutcomeForm(formdata=None, obj=session),
        financing_form=financing_form or _financing_form(formdata=False),
        advance_form=AdvanceForm(formdata=None),
        wan=services.wan,
    )


@bp.get("/<int:session_id>/outcome")
@staff_required
def outcome(session_id: int):
    return _outcome(_session_or_404(session_id))


@bp.post("/<int:session_id>/outcome")
@staff_required
def outcome_post(session_id: int):
    session = _session_or_404(session_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _outcome(session, status=422, outcome_form=form)
    services.save_outcome_summary(session, form.outcome_summary.data, current_user.id)
    flash("活动成效已保存。", "success")
    return redirect(url_for(".outcome", session_id=session.id))


@bp.post("/<int:session_id>/financing")
@staff_required
def add_financing(session_id: int):
    session = _session_or_404(session_id)
    form = _financing_form()
    if form.validate_on_submit():
        try:
            services.add_financing(
                session,
                current_user.id,
                enterprise_name=form.enterprise_name.data,
                bank_id=form.bank_id.data,
                amount=form.amount.data,
                status=form.status.data,
                notes=form.notes.data,
            )
        except SessionError as error:
            form.add_error(error.message, error.field)
        else:
            flash("已记录融资对接成果。", "success")
            return redirect(url_for(".outcome", session_id=session.id) + "#financing")
    return _outcome(session, status=422, financing_form=form)


@bp.post("/<int:session_id>/financing/<int:match_id>")
@staff_required
def advance_financing(session_id: int, match_id: int):
    session = _session_or_404(session_id)
    match = db.session.get(FinancingMatch, match_id)
    if match is None or match.session_id != session.id:
        abort(404)
    form = AdvanceForm()
    if form.validate_on_submit():
        try:
            services.advance_financing(match, form.status.data, current_user.id)
            flash(f"融资进展已更新为“{match.status_label}”。", "success")
        except SessionError as error:
            flash(error.message, "error")
    return redirect(url_for(".outcome", session_id=session.id) + "#financing")


@bp.post("/<int:session_id>/financing/<int:match_id>/delete")
@staff_required
def delete_financing(session_id: int, match_id: int):
    session = _session_or_404(session_id)
    match = db.session.get(FinancingMatch, match_id)
    if match is None or match.session_id != session.id:
        abort(404)
    if DeleteForm().validate_on_submit():
        services.delete_financing(match, current_user.id)
        flash("已删除该条融资对接成果。", "success")
    return redirect(url_for(".outcome", session_id=session.id) + "#financing")


# --- paper and files ----------------------------------------------------------------------------


@bp.get("/<int:session_id>/signin.pdf")
@staff_required
def signin_sheet(session_id: int):
    session = _session_or_404(session_id)
    return downloads.pdf_response(exports.signin_sheet_pdf(session), f"签到表-{session.title}.pdf")


@bp.get("/<int:session_id>/poster.pdf")
@staff_required
def poster(session_id: int):
    session = _session_or_404(session_id)
    return downloads.pdf_response(exports.poster_pdf(session), f"海报-{session.title}.pdf")


@bp.get("/<int:session_id>/registrations.xlsx")
@staff_required
def export_xlsx(session_id: int):
    session = _session_or_404(session_id)
    return exports.xlsx_response(exports.registrations_xlsx(session), f"报名及成果-{session.title}.xlsx")


@bp.get("/<int:session_id>/session.ics")
@staff_required
def ical(session_id: int):
    session = _session_or_404(session_id)
    return exports.ics_response(exports.session_ics(session), f"session-{session.id}.ics")


# --- theme plan and hosts -----------------------------------------------------------------------


@bp.route("/themes", methods=["GET", "POST"])
@staff_required
def themes():
    year = request.args.get("year", type=int) or clock.today().year
    if not 2000 <= year <= 2100:
        abort(404)
    form = theme_plan_form(services.theme_plan(year))
    if form.validate_on_submit():
        services.save_theme_plan(current_user.id, year, {m: getattr(form, f"m{m}").data for m in range(1, 13)})
        flash(f"{year}年主题计划已保存。", "success")
        return redirect(url_for(".themes", year=year))
    counts = services.sessions_per_month(year)
    status = 422 if request.method == "POST" else 200
    return render("sessions/themes.html", form=form, year=year, counts=counts, status=status)


@bp.get("/hosts")
@staff_required
def hosts():
    return render("sessions/hosts.html", hosts=services.hosts())


@bp.route("/hosts/new", methods=["GET", "POST"], defaults={"host_id": None})
@bp.route("/hosts/<int:host_id>/edit", methods=["GET", "POST"])
@staff_required
def host_form(host_id: int | None):
    host = db.session.get(HostOrganisation, host_id) if host_id else None
    if host_id and host is None:
        abort(404)
    form = HostForm(obj=host)
    form.department_id.choices = options([(0, "（无）")] + [(d.id, d.name) for d in directory.departments()])
    if request.method == "GET" and host is not None:
        form.department_id.data = host.department_id or 0
    if form.validate_on_submit():
        try:
            services.save_host(
                current_user.id,
                host=host,
                name=form.name.data,
                kind=form.kind.data,
                department_id=form.department_id.data or None,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                active=form.active.data,
            )
        except SessionError as error:
            form.add_error(error.message, error.field)
        else:
            flash("主办机构已保存。", "success")
            return redirect(url_for(".hosts"))
    status = 422 if request.method == "POST" else 200
    return render("sessions/host_form.html", form=form, host=host, status=status)


@bp.app_template_global("session_kinds")
def session_kinds():
    return KINDS
