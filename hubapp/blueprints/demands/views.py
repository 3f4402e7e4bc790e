"""Demand pages: thin views that read the request, ask ``reading``, ``moves``, ``visits`` or
``statistics``, and render. A view that changes something goes through ``hubapp.actions``; ``_act``
is how every action on a demand's page is written."""

from collections.abc import Callable

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, clock, downloads, params
from hubapp.blueprints.auth.roles import ALL_ROLES, STAFF_ROLES, Role, roles_required, staff_required
from hubapp.blueprints.cooperation import services as cooperation
from hubapp.blueprints.demands import (
    bp,
    breakdown,
    charts,
    cohandling,
    exports,
    forms,
    liaison,
    moves,
    outcomes,
    reading,
    statistics,
    topics,
    visits,
)
from hubapp.blueprints.demands.models import (
    DEMAND_STATES,
    HANDLING,
    KINDS,
    OPEN_STATES,
    TOPICS,
    TRANSFER,
    TRANSFERRED,
    Demand,
    Visit,
)
from hubapp.blueprints.directory import services as directory
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.formatting import days_label
from hubapp.forms import is_mobile, options
from hubapp.htmx import is_htmx, render
from hubapp.params import month_arg, page_of
from hubapp.workdays import add_working_days

RAISERS = (*STAFF_ROLES, Role.GRID_WORKER)
ANSWERERS = (*STAFF_ROLES, Role.LIAISON)


def _filters() -> reading.Filters:
    args = request.args
    return reading.Filters(
        kind=args.get("kind") if args.get("kind") in KINDS else None,
        status=args.get("status") if args.get("status") in DEMAND_STATES else None,
        department_id=params.int_arg("department"),
        grid_id=params.int_arg("grid"),
        topic_id=params.int_arg("topic"),
        overdue=args.get("overdue") == "1",
        due_soon=args.get("due") == "soon",
        unacknowledged=args.get("unack") == "1",
        extension_pending=args.get("ext") == "pending",
        search=args.get("q", ""),
        since=params.optional_day_arg("since"),
        until=params.optional_day_arg("until"),
        closed_on_time=args.get("on_time") == "1",
        funded=args.get("funded") == "1",
        hired=args.get("hired") == "1",
    )


# --- staff lists -----------------------------------------------------------------------------


@bp.get("/")
@staff_required
def index():
    filters = _filters()
    return render(
        "demands/index.html", "demands/_rows.html",
        page=page_of(reading.demands_query(filters)), filters=filters, counts=reading.kind_counts(filters),
        kinds=KINDS, states=DEMAND_STATES, departments=directory.departments(include_inactive=True), grids=directory.grids(),
        topics=topics.all_topics(), today=clock.today(),
    )  # fmt: skip


@bp.get("/export.xlsx")
@staff_required
def export():
    filters, today = _filters(), clock.today()
    rows = db.session.scalars(reading.demands_query(filters)).unique().all()
    label = KINDS.get(filters.kind or "", "全部")
    return downloads.xlsx_response(exports.demands_workbook(rows, today), f"企业诉求-{label}-{today:%Y%m%d}.xlsx")


@bp.get("/statistics", endpoint="statistics")
@staff_required
def statistics_page():
    """The year's statistics; ``?by=`` chooses the dimension of the breakdown table, which an
    htmx request swaps alone. With ``?since=&until=`` the table counts the demands received on
    those days instead of in the year: a report's 满意率 opens it so, and its 合计 is the figure."""
    years = statistics.demand_years()
    year = params.year_arg()
    year = year if year in years else clock.today().year
    dimension, notice = params.choice_arg("by", breakdown.DIMENSIONS, breakdown.DEFAULT_DIMENSION, "统计口径")
    table = breakdown.breakdown(dimension, year, received=params.between_args())
    if is_htmx():
        return render("demands/_breakdown.html", table=table, dimensions=breakdown.DIMENSIONS, notice=notice)
    visited, enterprises = visits.coverage_totals(clock.today().replace(day=1))
    stats = statistics.statistics(year)
    return render(
        "demands/statistics.html",
        stats=stats,
        table=table,
        dimensions=breakdown.DIMENSIONS,
        notice=notice,
        charts={
            "per_month": charts.per_month(stats),
            "per_list": charts.per_list(stats),
            "rates": charts.department_rates(stats.departments, f"{stats.year}年各部门按期办结率与满意率"),
        },
        years=years,
        coverage={"visited": visited, "enterprises": enterprises},
    )


# --- visit ledger (走访台账) ------------------------------------------------------------------


@bp.get("/visits", endpoint="visits")
@staff_required
def ledger():
    """A month (``?month=``, by default this one) or, as a report's figure links to it, the days
    ``?since=&until=``."""
    days = params.between_args()
    shown = month_arg() if days is None else None
    start, end = (shown.month, shown.following) if shown else days
    notices = [shown.notice] if shown and shown.notice else []
    grids = directory.grids()
    grid_id = params.int_arg("grid")
    if request.args.get("grid") and grid_id not in {g.id for g in grids}:
        notices.append("没有该网格，已显示全部网格的走访。")
        grid_id = None
    topic = request.args.get("topic") if request.args.get("topic") in TOPICS else None
    this_month = clock.today().replace(day=1)
    # The address that keeps the month or the days shown, for the grid links and the filters.
    if shown:
        kept = {"month": f"{shown.month:%Y-%m}"}
    else:
        kept = {name: request.args[name] for name in ("since", "until") if request.args.get(name)}
    return render(
        "demands/visits.html", "demands/_visit_rows.html",
        month=shown.month if shown else None, period=shown.label if shown else days_label(start, end),
        previous_month=shown.previous if shown else None,
        next_month=shown.following if shown and shown.month < this_month else None,
        is_this_month=shown is not None and shown.month == this_month, kept=kept,
        months=visits.recent_months(this_month, shown.month if shown else this_month), notices=notices,
        # htmx asks for the rows only, after a filter changed: the coverage table stays as it is.
        coverage=[] if is_htmx() else visits.coverage_rows_between(start, end),
        page=page_of(visits.visits_between_query(start, end, grid_id, topic)),
        grid_id=grid_id, topic=topic, grids=grids, topics=TOPICS,
    )  # fmt: skip


@bp.get("/visits.xlsx")
@staff_required
def visits_export():
    """The month of ``?month=`` (by default this one) or the days ``?since=&until=``, as the ledger shows them."""
    days = params.days_for_download()
    rows = db.session.scalars(visits.visits_between_query(days.start, days.end)).unique().all()
    coverage = visits.coverage_rows_between(days.start, days.end)
    workbook = exports.visits_workbook(rows, coverage, "本月" if days.is_month else "期间")
    return downloads.xlsx_response(workbook, f"走访台账-{days.label}.xlsx")


# --- raising a demand ------------------------------------------------------------------------


def _scoped(form):
    """A grid worker picks among the enterprises of their own grids; staff among all."""
    if current_user.role == Role.GRID_WORKER:
        form.enterprise.grid_ids = sorted(current_user.grid_ids)
    return form


def _prefill(form: forms.DemandForm, visit: Visit | None) -> None:
    """A blank form: the enterprise asked for (or visited) with its contact, the source, the day."""
    enterprise = visit.enterprise if visit else directory.get_enterprise(params.int_arg("enterprise", 0))
    form.source.data = "visit" if visit or current_user.role == Role.GRID_WORKER else "walk_in"
    form.received_on.data = visit.visited_on if visit else clock.today()
    if enterprise is not None:
        form.enterprise.data = enterprise.name
        form.contact_name.data = enterprise.contact_name
        form.contact_mobile.data = enterprise.contact_phone if is_mobile(enterprise.contact_phone) else ""


def _draft_from(form: forms.DemandForm, visit: Visit | None) -> moves.DemandDraft:
    return moves.DemandDraft(
        enterprise_id=form.enterprise.enterprise_id, kind=form.kind.data, title=form.title.data,
        description=form.description.data, contact_name=form.contact_name.data,
        contact_mobile=form.contact_mobile.data, source=form.source.data, received_on=form.received_on.data,
        # Staff may set the deadline; a grid worker's demand gets its list's default.
        deadline=form.deadline.data if reading.is_staff(current_user) else None,
        visit_id=visit.id if visit else None, topic_id=form.topic.data,
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*RAISERS)
def new():
    form = _scoped(forms.DemandForm())
    visit = visits.raised_from(current_user, params.int_arg("visit"))
    if request.method == "GET":
        _prefill(form, visit)
        return render("demands/form.html", form=form, visit=visit)
    outcome = actions.submit(form, lambda: moves.create_demand(current_user, _draft_from(form, visit)))
    if not outcome.ok:
        conflict = outcome.message if outcome.conflict else None
        return render("demands/form.html", form=form, visit=visit, conflict=conflict, status=outcome.status)
    demand = outcome.value
    message = f"已登记诉求 {demand.number}，办理时限{demand.deadline.month}月{demand.deadline.day}日。"
    if current_user.role == Role.GRID_WORKER:
        return actions.done(message, url_for("demands.grid"))
    return actions.done(message, url_for("demands.detail", demand_id=demand.id))


# --- one demand ------------------------------------------------------------------------------


def _visible(demand: Demand) -> Demand:
    """``demand``, when this user may see it; otherwise a 403 that says so."""
    if not reading.may_view(current_user, demand):
        chinese_abort(403, "您没有查看该诉求的权限。")
    return demand


def _with_choices(name: str, form, demand: Demand):
    """The options of an action form's select field: the same for a blank form and a posted one,
    which checks its choice against them and shows it picked again."""
    if name == "accept":
        form.handler_id.choices = options([(u.id, u.display_name) for u in reading.staff_users()])
    elif name == "transfer":
        departments = directory.departments()
        form.department_id.choices = options([(0, "请选择部门")] + [(d.id, d.name) for d in departments])
        form.cohandler_ids.choices = options([(d.id, d.short_name) for d in departments])
    elif name == "return" and demand.department_id is None:
        form.target.choices = options({HANDLING: "中心直办"})
    return form


def _blank_forms(demand: Demand) -> dict:
    today = clock.today()
    blank = {
        "accept": forms.AcceptForm(formdata=None, handler_id=current_user.id),
        "transfer": forms.TransferForm(
            formdata=None,
            department_id=demand.department_id or 0,
            deadline=demand.deadline if demand.deadline >= today else add_working_days(today, 5),
            cohandler_ids=[row.department_id for row in demand.cohandlers],
        ),
        "co_sign": forms.AcknowledgeForm(formdata=None),
        "co_opinion": forms.CohandlerOpinionForm(formdata=None),
        # The outcome entered with the answer shows again at closing, to be confirmed or corrected.
        "answer": forms.AnswerForm(formdata=None, obj=demand.outcome),
        "close": forms.CloseForm(formdata=None, obj=demand.outcome),
        "return": forms.ReturnForm(formdata=None, target=TRANSFERRED if demand.route == TRANSFER else HANDLING),
        "decline": forms.DeclineForm(formdata=None),
        "supervise": forms.SuperviseForm(formdata=None),
        "acknowledge": forms.AcknowledgeForm(formdata=None),
        "hand_back": forms.HandBackForm(formdata=None),
        "extension": forms.ExtensionForm(formdata=None),
        "grant_extension": forms.GrantExtensionForm(formdata=None),
        "refuse_extension": forms.RefuseExtensionForm(formdata=None),
    }
    return {name: _with_choices(name, form, demand) for name, form in blank.items()}


def _detail(demand: Demand, status: int = 200, **overrides):
    """The demand's page (its body for htmx); ``forms`` replaces blank action forms with posted ones."""
    action_forms = _blank_forms(demand) | overrides.pop("forms", {})
    return render(
        "demands/detail.html", "demands/_body.html",
        status=status, demand=demand, forms=action_forms, may_answer=reading.may_answer(current_user, demand),
        may_acknowledge=reading.may_acknowledge(current_user, demand),
        may_hand_back=reading.may_hand_back(current_user, demand),
        my_cohandling=reading.cohandler_of(current_user, demand) if reading.may_cohandle(current_user, demand) else None,
        pending_extension=liaison.pending_extension(demand),
        is_staff=reading.is_staff(current_user), open_states=OPEN_STATES, today=clock.today(),
        research_project=cooperation.project_for_demand(demand.id) if demand.kind == "tech" else None, **overrides,
    )  # fmt: skip


@bp.get("/<int:demand_id>")
@roles_required(*ALL_ROLES)
def detail(demand_id: int):
    return _detail(_visible(db.get_or_404(Demand, demand_id)))


@bp.get("/<int:demand_id>/photos/<int:photo_id>.jpg")
@roles_required(*ALL_ROLES)
def photo(demand_id: int, photo_id: int):
    """A photo the enterprise attached, to whoever may see its demand."""
    return downloads.photo_response(_visible(db.get_or_404(Demand, demand_id)).photos, photo_id)


def _outcome_from(form: forms.OutcomeFields) -> outcomes.Outcome:
    return outcomes.Outcome(
        funding_amount=form.funding_amount.data, funding_instrument=form.funding_instrument.data,
        funding_source=form.funding_source.data, resolution=form.resolution.data, partner=form.partner.data,
        project_started=form.project_started.data, jobs_filled=form.jobs_filled.data,
    )  # fmt: skip


def _act(demand: Demand, name: str, form, change: Callable[[], object], message: str):
    """One action of the demand's page. ``change`` runs in one unit of work once ``form`` validates.
    Refused: the page again, with the message next to its field and the form as typed (422), or,
    when someone moved the demand first, as it is now with the news on top (409). Done: the page
    again for htmx, else a flash and a 303 back to it."""
    outcome = actions.submit(_with_choices(name, form, demand), change)
    if outcome.conflict:
        return _detail(demand, outcome.status, action_error=outcome.message)
    if not outcome.ok:
        return _detail(demand, outcome.status, forms={name: form})
    return actions.done(
        message, url_for("demands.detail", demand_id=demand.id), lambda: _detail(demand, done_message=message)
    )


@bp.post("/<int:demand_id>/accept")
@staff_required
def accept(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.AcceptForm()
    return _act(
        demand, "accept", form,
        lambda: moves.accept(current_user, demand, form.handler_id.data, form.note.data), "已受理，由中心直办。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/transfer")
@staff_required
def transfer(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.TransferForm()
    return _act(
        demand, "transfer", form,
        lambda: moves.transfer(
            current_user, demand, form.department_id.data, form.note.data, form.deadline.data,
            cohandler_ids=form.cohandler_ids.data or (),
        ),
        "已转办承办部门。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/answer")
@roles_required(*ANSWERERS)
def answer(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.AnswerForm()

    def change():
        outcomes.record(current_user, demand, _outcome_from(form))
        return moves.answer(current_user, demand, form.answer.data)

    return _act(demand, "answer", form, change, "已反馈办理结果。")


@bp.post("/<int:demand_id>/close")
@staff_required
def close(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.CloseForm()

    def change():
        outcomes.record(current_user, demand, _outcome_from(form))
        return moves.close(current_user, demand, form.satisfaction.data, form.note.data)

    return _act(demand, "close", form, change, "已销号。")


@bp.post("/<int:demand_id>/return")
@staff_required
def send_back(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.ReturnForm()
    return _act(
        demand, "return", form,
        lambda: moves.send_back(current_user, demand, form.target.data, form.note.data, form.deadline.data),
        "已退回重办。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/decline")
@staff_required
def decline(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.DeclineForm()
    return _act(demand, "decline", form, lambda: moves.decline(current_user, demand, form.reason.data), "已作不予受理处理。")


@bp.post("/<int:demand_id>/supervise")
@staff_required
def supervise(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.SuperviseForm()
    return _act(demand, "supervise", form, lambda: moves.supervise(current_user, demand, form.note.data), "已督办。")


# --- liaisons --------------------------------------------------------------------------------
# 签收, 退单 and asking for 延期 are the department's; the services refuse anyone else with a
# Chinese 403, so the routes admit the roles that may see a transferred demand.


@bp.post("/<int:demand_id>/co-sign")
@roles_required(Role.LIAISON)
def co_sign(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.AcknowledgeForm()
    return _act(demand, "co_sign", form, lambda: cohandling.sign(current_user, demand), "已签收协办。")


@bp.post("/<int:demand_id>/co-opinion")
@roles_required(Role.LIAISON)
def co_opinion(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.CohandlerOpinionForm()
    return _act(
        demand, "co_opinion", form, lambda: cohandling.give_opinion(current_user, demand, form.opinion.data), "已提交协办意见。"
    )


@bp.post("/<int:demand_id>/acknowledge")
@roles_required(*ANSWERERS)
def acknowledge(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.AcknowledgeForm()
    return _act(demand, "acknowledge", form, lambda: liaison.acknowledge(current_user, demand), "已签收。")


@bp.post("/<int:demand_id>/hand-back")
@roles_required(*ANSWERERS)
def hand_back(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.HandBackForm()
    return _act(
        demand, "hand_back", form,
        lambda: liaison.hand_back(
            current_user, demand, form.reason.data, form.suggested_unit.data,
            supervisions_seen=params.count_from(form.supervisions_seen.data),
        ),
        "已退单，中心将另行安排承办单位。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/extension")
@roles_required(*ANSWERERS)
def ask_extension(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.ExtensionForm()
    return _act(
        demand, "extension", form,
        lambda: liaison.ask_extension(current_user, demand, form.new_deadline.data, form.reason.data),
        "已提交延期申请，等待中心审批。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/extension/grant")
@staff_required
def grant_extension(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.GrantExtensionForm()
    return _act(
        demand, "grant_extension", form, lambda: liaison.grant_extension(current_user, demand, form.note.data),
        "已同意延期。",
    )  # fmt: skip


@bp.post("/<int:demand_id>/extension/refuse")
@staff_required
def refuse_extension(demand_id: int):
    demand, form = _visible(db.get_or_404(Demand, demand_id)), forms.RefuseExtensionForm()
    return _act(
        demand, "refuse_extension", form, lambda: liaison.refuse_extension(current_user, demand, form.note.data),
        "已不同意延期，办理时限不变。",
    )  # fmt: skip



@bp.get("/department")
@roles_required(Role.LIAISON)
def department():
    show = request.args.get("show")
    answered, cohandling_tab = show == "answered", show == "cohandling"
    query = reading.cohandling_query(current_user) if cohandling_tab else reading.department_query(current_user, answered)
    return render(
        "demands/department.html",
        page=page_of(query),
        answered=answered,
        cohandling=cohandling_tab,
        today=clock.today(),
        counts=reading.home_counts(current_user),
    )


# --- grid workers ----------------------------------------------------------------------------


@bp.get("/grid")
@roles_required(Role.GRID_WORKER)
def grid():
    today = clock.today()
    this_month = db.session.scalars(visits.grid_visits(current_user.grid_ids, today.replace(day=1))).unique().all()
    return render(
        "demands/grid.html",
        enterprises=reading.grid_enterprises(current_user),
        visits=this_month,
        visited={v.enterprise_id for v in this_month},
        page=page_of(reading.raised_by_query(current_user)),
        today=today,
    )


@bp.route("/visits/new", methods=["GET", "POST"])
@roles_required(Role.GRID_WORKER)
def new_visit():
    form = _scoped(forms.VisitForm())
    if request.method == "GET":
        asked = directory.get_enterprise(params.int_arg("enterprise", 0))
        form.enterprise.data = asked.name if asked is not None and asked.grid_id in current_user.grid_ids else ""
        form.visited_on.data = clock.today()
        return render("demands/visit_form.html", form=form)
    outcome = actions.submit(
        form,
        lambda: visits.log_visit(
            current_user, form.enterprise.enterprise_id, form.visited_on.data, form.topics.data, form.notes.data
        ),
    )
    if not outcome.ok:
        return render("demands/visit_form.html", form=form, status=outcome.status)
    visit = outcome.value
    return actions.done(
        f"已记录对{visit.enterprise.short_name or visit.enterprise.name}的走访。企业有诉求的，请接着登记。",
        url_for("demands.new", visit=visit.id),
    )
