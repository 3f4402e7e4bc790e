"""Demand pages: thin views that parse a form, call ``services`` and render."""

from urllib.parse import quote

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user

from hubapp import clock
from hubapp.blueprints.auth.roles import ALL_ROLES, STAFF_ROLES, Role, roles_required, staff_required
from hubapp.blueprints.demands import bp, exports, forms, services
from hubapp.blueprints.demands.models import (
    HANDLING,
    KINDS,
    OPEN_STATES,
    STATES,
    TOPICS,
    TRANSFERRED,
)
from hubapp.blueprints.directory import services as directory
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import is_htmx, render

RAISERS = (*STAFF_ROLES, Role.GRID_WORKER)
ANSWERERS = (*STAFF_ROLES, Role.LIAISON)


def _show_error(form, error: services.DemandError) -> None:
    """Put a service's Chinese message next to the field it is about, or above the form."""
    if isinstance(error, services.NotAllowed):
        chinese_abort(403, error.message)
    form.add_error(error.message, error.field)


def _filters() -> services.Filters:
    args = request.args
    return services.Filters(
        kind=args.get("kind") if args.get("kind") in KINDS else None,
        status=args.get("status") if args.get("status") in STATES else None,
        department_id=args.get("department", type=int),
        grid_id=args.get("grid", type=int),
        overdue=args.get("overdue") == "1",
        search=args.get("q", ""),
    )


# --- staff lists ---------------------------------------------------------------------------


@bp.get("/")
@staff_required
def index():
    filters = _filters()
    page = db.paginate(services.demands_query(filters), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render(
        "demands/index.html",
        "demands/_rows.html",
        page=page,
        filters=filters,
        counts=services.kind_counts(filters),
        kinds=KINDS,
        states=STATES,
        departments=directory.departments(),
        grids=services.grids(),
        today=clock.today(),
    )


@bp.get("/export.xlsx")
@staff_required
def export():
    filters = _filters()
    rows = db.session.scalars(services.demands_query(filters)).unique().all()
    response = make_response(exports.demands_workbook(rows, clock.today()))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    label = KINDS.get(filters.kind or "", "全部")
    name = quote(f"企业诉求-{label}-{clock.today():%Y%m%d}.xlsx")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@bp.get("/statistics")
@staff_required
def statistics():
    years = services.demand_years()
    year = request.args.get("year", type=int)
    year = year if year in years else clock.today().year
    visited, enterprises = services.coverage_totals(services.month_start(clock.today()))
    return render(
        "demands/statistics.html",
        stats=services.statistics(year),
        years=years,
        kinds=KINDS,
        coverage={"visited": visited, "enterprises": enterprises},
    )


# --- visit ledger (走访台账) ----------------------------------------------------------------


def _ledger_month() -> tuple:
    """The month asked for, or this month with a message saying why the asked one was not shown."""
    this_month = services.month_start(clock.today())
    text = request.args.get("month", "").strip()
    if not text:
        return this_month, None
    month = services.parse_month(text)
    if month is None:
        return this_month, f"月份“{text[:20]}”无法识别（格式如 {this_month:%Y-%m}），已显示本月。"
    return month, None


@bp.get("/visits")
@staff_required
def visits():
    month, notice = _ledger_month()
    notices = [notice] if notice else []
    grid_id = request.args.get("grid", type=int)
    if (grid_id is None and request.args.get("grid")) or (grid_id and services.get_grid(grid_id) is None):
        notices.append("没有该网格，已显示全部网格的走访。")
        grid_id = None
    topic = request.args.get("topic") if request.args.get("topic") in TOPICS else None
    stmt = services.month_visits_query(month, grid_id, topic)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    this_month = services.month_start(clock.today())
    coverage = [] if is_htmx() else services.visit_coverage(month)
    return render(
        "demands/visits.html",
        "demands/_visit_rows.html",
        month=month,
        month_label=services.month_label(month),
        previous_month=services.shift_month(month, -1),
        next_month=services.shift_month(month, 1) if month < this_month else None,
        is_this_month=month == this_month,
        months=services.recent_months(this_month, month),
        notices=notices,
        coverage=coverage,
        page=page,
        grid_id=grid_id,
        topic=topic,
        grids=services.grids(),
        topics=TOPICS,
    )


@bp.get("/visits.xlsx")
@staff_required
def visits_export():
    text = request.args.get("month", "")
    month = services.parse_month(text) if text else services.month_start(clock.today())
    if month is None:
        chinese_abort(400, "月份格式不正确，应为“年-月”，如 2026-11。")
    rows = db.session.scalars(services.month_visits_query(month)).unique().all()
    label = services.month_label(month)
    response = make_response(exports.visits_workbook(rows, services.visit_coverage(month)))
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = quote(f"走访台账-{label}.xlsx")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


# --- raising a demand ----------------------------------------------------------------------


def _enterprise_choices(form) -> None:
    if current_user.role == Role.GRID_WORKER:
        enterprises = services.grid_enterprises(current_user.grid_id)
    else:
        enterprises = list(db.session.scalars(directory.enterprise_query()))
    form.enterprise_id.choices = options([(0, "请选择企业")] + [(e.id, e.name) for e in enterprises])


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*RAISERS)
def new():
    form = forms.DemandForm()
    _enterprise_choices(form)
    visit = services.get_visit(request.values.get("visit", type=int) or 0)
    if visit is not None and not (services.is_staff(current_user) or visit.grid_id == current_user.grid_id):
        visit = None
    if request.method == "GET":
        form.enterprise_id.data = request.args.get("enterprise", type=int) or (visit.enterprise_id if visit else 0)
        form.source.data = "visit" if visit or current_user.role == Role.GRID_WORKER else "walk_in"
        form.received_on.data = visit.visited_on if visit else clock.today()
        enterprise = directory.get_enterprise(form.enterprise_id.data or 0)
        if enterprise is not None:
            form.contact_name.data = enterprise.contact_name
            mobile = enterprise.contact_phone or ""
            form.contact_mobile.data = mobile if services.MOBILE.match(mobile) else ""
        return render("demands/form.html", form=form, visit=visit)
    if form.validate():
        try:
            demand = services.create_demand(
                current_user,
                enterprise_id=form.enterprise_id.data,
                kind=form.kind.data,
                title=form.title.data,
                description=form.description.data,
                contact_name=form.contact_name.data,
                contact_mobile=form.contact_mobile.data,
                source=form.source.data,
                received_on=form.received_on.data,
                deadline=form.deadline.data if services.is_staff(current_user) else None,
                visit_id=visit.id if visit else None,
            )
        except services.DemandError as error:
            _show_error(form, error)
        else:
            flash(f"已登记诉求 {demand.number}，办理时限{demand.deadline.month}月{demand.deadline.day}日。", "success")
            if current_user.role == Role.GRID_WORKER:
                return redirect(url_for("demands.grid"))
            return redirect(url_for("demands.detail", demand_id=demand.id))
    return render("demands/form.html", form=form, visit=visit, status=422)


# --- one demand ----------------------------------------------------------------------------


def _demand_or_404(demand_id: int):
    demand = services.get_demand(demand_id)
    if demand is None:
        abort(404)
    if not services.may_view(current_user, demand):
        chinese_abort(403, "您没有查看该诉求的权限。")
    return demand


def _blank_forms(demand) -> dict:
    today = clock.today()
    accept = forms.AcceptForm(formdata=None, handler_id=current_user.id)
    accept.handler_id.choices = options([(u.id, u.display_name) for u in services.staff_users()])
    transfer = forms.TransferForm(
        formdata=None,
        department_id=demand.department_id or 0,
        deadline=demand.deadline if demand.deadline >= today else services.add_working_days(today, 5),
    )
    transfer.department_id.choices = options([(0, "请选择部门")] + [(d.id, d.name) for d in directory.departments()])
    back = forms.ReturnForm(formdata=None, target=TRANSFERRED if demand.route == "transfer" else HANDLING)
    if demand.department_id is None:
        back.target.choices = options({HANDLING: "中心直办"})
    return {
        "accept": accept,
        "transfer": transfer,
        "answer": forms.AnswerForm(formdata=None),
        "close": forms.CloseForm(formdata=None),
        "return": back,
        "decline": forms.DeclineForm(formdata=None),
        "supervise": forms.SuperviseForm(formdata=None),
    }


def _detail(demand, status: int = 200, **overrides):
    action_forms = _blank_forms(demand)
    action_forms.update(overrides.pop("forms", {}))
    return render(
        "demands/detail.html",
        "demands/_body.html",
        status=status,
        demand=demand,
        forms=action_forms,
        may_answer=services.may_answer(current_user, demand),
        is_staff=services.is_staff(current_user),
        open_states=OPEN_STATES,
        today=clock.today(),
        **overrides,
    )


@bp.get("/<int:demand_id>")
@roles_required(*ALL_ROLES)
def detail(demand_id: int):
    return _detail(_demand_or_404(demand_id))


def _act(demand_id: int, name: str, form, action, done: str):
    """Validate ``form``, run ``action(demand)``; on success the page again (or the body for htmx),
    on a bad field 422 with the message next to it, when someone was quicker 409."""
    demand = _demand_or_404(demand_id)
    blank = _blank_forms(demand)[name]
    for field_name in ("handler_id", "department_id", "target"):
        if hasattr(form, field_name):
            getattr(form, field_name).choices = getattr(blank, field_name).choices
    if not form.validate():
        return _detail(demand, 422, forms={name: form}, open_form=name)
    try:
        action(demand)
    except services.Conflict as error:
        return _detail(demand, 409, action_error=error.message)
    except services.DemandError as error:
        _show_error(form, error)
        return _detail(demand, 422, forms={name: form}, open_form=name)
    if is_htmx():
        return _detail(demand, done_message=done)
    flash(done, "success")
    return redirect(url_for("demands.detail", demand_id=demand.id))


@bp.post("/<int:demand_id>/accept")
@staff_required
def accept(demand_id: int):
    form = forms.AcceptForm()
    return _act(
        demand_id, "accept", form,
        lambda d: services.accept(d, current_user, form.handler_id.data, form.note.data), "已受理，由中心直办。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/transfer")
@staff_required
def transfer(demand_id: int):
    form = forms.TransferForm()
    return _act(
        demand_id, "transfer", form,
        lambda d: services.transfer(d, current_user, form.department_id.data, form.note.data, form.deadline.data),
        "已转办承办部门。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/answer")
@roles_required(*ANSWERERS)
def answer(demand_id: int):
    form = forms.AnswerForm()
    return _act(demand_id, "answer", form, lambda d: services.answer(d, current_user, form.answer.data), "已反馈办理结果。")


@bp.post("/<int:demand_id>/close")
@staff_required
def close(demand_id: int):
    form = forms.CloseForm()
    return _act(
        demand_id, "close", form, lambda d: services.close(d, current_user, form.satisfaction.data, form.note.data), "已销号。"
    )


@bp.post("/<int:demand_id>/return")
@staff_required
def send_back(demand_id: int):
    form = forms.ReturnForm()
    return _act(
        demand_id, "return", form,
        lambda d: services.send_back(d, current_user, form.target.data, form.note.data, form.deadline.data),
        "已退回重办。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/decline")
@staff_required
def decline(demand_id: int):
    form = forms.DeclineForm()
    return _act(demand_id, "decline", form, lambda d: services.decline(d, current_user, form.reason.data), "已作不予受理处理。")


@bp.post("/<int:demand_id>/supervise")
@staff_required
def supervise(demand_id: int):
    form = forms.SuperviseForm()
    return _act(demand_id, "supervise", form, lambda d: services.supervise(d, current_user, form.note.data), "已督办。")


# --- liaisons ------------------------------------------------------------------------------


@bp.get("/department")
@roles_required(Role.LIAISON)
def department():
    answered = request.args.get("show") == "answered"
    page = db.paginate(
        services.department_query(current_user, answered), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render(
        "demands/department.html", page=page, answered=answered, today=clock.today(), counts=services.home_counts(current_user)
    )


# --- grid workers --------------------------------------------------------------------------


@bp.get("/grid")
@roles_required(Role.GRID_WORKER)
def grid():
    today = clock.today()
    since = services.month_start(today)
    visits = db.session.scalars(services.visits_query(current_user.grid_id, since)).unique().all()
    visited = {v.enterprise_id for v in visits}
    page = db.paginate(services.raised_by_query(current_user), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render(
        "demands/grid.html",
        enterprises=services.grid_enterprises(current_user.grid_id),
        visits=visits,
        visited=visited,
        page=page,
        today=today,
        topics=TOPICS,
    )


@bp.route("/visits/new", methods=["GET", "POST"])
@roles_required(Role.GRID_WORKER)
def new_visit():
    form = forms.VisitForm()
    form.enterprise_id.choices = options(
        [(0, "请选择企业")] + [(e.id, e.name) for e in services.grid_enterprises(current_user.grid_id)]
    )
    if request.method == "GET":
        form.enterprise_id.data = request.args.get("enterprise", type=int) or 0
        form.visited_on.data = clock.today()
        return render("demands/visit_form.html", form=form)
    if form.validate():
        try:
            visit = services.log_visit(current_user, form.enterprise_id.data, form.visited_on.data, form.topics.data, form.notes.data)
        except services.DemandError as error:
            _show_error(form, error)
        else:
            flash(f"已记录对{visit.enterprise.short_name or visit.enterprise.name}的走访。企业有诉求的，请接着登记。", "success")
            return redirect(url_for("demands.new", visit=visit.id))
    return render("demands/visit_form.html", form=form, status=422)
