"""产学研 pages: the year's figures with partners, the projects and placements lists, and their
forms. Thin: parse the form, run the service in one unit of work (``hubapp.actions``), render."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, clock, concurrency, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.cooperation import bp, forms, placement_import, services
from hubapp.blueprints.cooperation.models import PROJECT_KINDS, Partner, Placement, Project
from hubapp.blueprints.demands.models import Demand
from hubapp.blueprints.directory import services as directory
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.forms import options
from hubapp.htmx import render


@bp.get("/")
@staff_required
def index():
    year = params.year_arg(default=clock.today().year)
    return render(
        "cooperation/index.html", year=year, figures=services.year_figures(year), partners=services.partners(),
        kinds=PROJECT_KINDS,
    )  # fmt: skip


# --- partners --------------------------------------------------------------------------------


def _partner_form(partner: Partner | None = None, saved: bool = False) -> forms.PartnerForm:
    form = forms.PartnerForm(formdata=None) if saved else forms.PartnerForm()
    if partner is not None and (saved or request.method == "GET"):
        concurrency.stamp(form, partner)
        for name in ("name", "kind", "contact_name", "contact_phone", "agreement", "agreement_signed_on",
                     "agreement_ends_on", "notes"):  # fmt: skip
            form[name].data = getattr(partner, name)
    return form


def _partner_details(form: forms.PartnerForm) -> services.PartnerDetails:
    return services.PartnerDetails(
        name=form.name.data, kind=form.kind.data, contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, agreement=form.agreement.data,
        agreement_signed_on=form.agreement_signed_on.data, agreement_ends_on=form.agreement_ends_on.data,
        notes=form.notes.data,
    )  # fmt: skip


def _partner_page(form, partner, outcome=None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render("cooperation/partner_form.html", form=form, partner=partner, conflict=conflict, status=status)


@bp.route("/partners/new", methods=["GET", "POST"])
@staff_required
def new_partner():
    form = _partner_form()
    if request.method == "GET":
        return _partner_page(form, None)
    outcome = actions.submit(form, lambda: services.create_partner(current_user, _partner_details(form)))
    if not outcome.ok:
        return _partner_page(form, None, outcome)
    return actions.done(f"已新增合作单位{quoted(outcome.value.name)}。", url_for("cooperation.index"))


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_partner(partner_id: int):
    found = db.get_or_404(Partner, partner_id)
    form = _partner_form(found)
    if request.method == "GET":
        return _partner_page(form, found)
    outcome = actions.submit(
        form, lambda: services.update_partner(current_user, found, _partner_details(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _partner_form(found, saved=True))
        return _partner_page(form, found, outcome, conflict)
    return actions.done("合作单位已保存。", url_for("cooperation.index"))


# --- choices shared by the project and placement forms ---------------------------------------


def _partner_choices():
    return options([(forms.NONE, "请选择")] + [(p.id, p.name) for p in services.partners()])


def _with_choices(form, none_label: str | None = None, keep_enterprise=None):
    form.partner_id.choices = _partner_choices()
    enterprises = list(db.session.scalars(directory.enterprise_query()))
    if keep_enterprise is not None and keep_enterprise not in enterprises:
        # An enterprise that has left the register since stays on the record it is part of.
        enterprises.append(keep_enterprise)
    form.enterprise_id.choices = options(
        [(forms.NONE, none_label or "请选择")] + [(e.id, e.name) for e in enterprises]
    )
    return form


# --- projects --------------------------------------------------------------------------------


@bp.get("/projects")
@staff_required
def projects():
    kind = request.args.get("kind") if request.args.get("kind") in PROJECT_KINDS else None
    year = params.year_arg()
    return render(
        "cooperation/projects.html", "cooperation/_project_rows.html",
        page=params.page_of(services.projects_query(kind, year, params.between_args())), kinds=PROJECT_KINDS, kind=kind, year=year,
        has_partners=bool(services.partners()),
    )  # fmt: skip


def _project_form(project: Project | None = None, saved: bool = False) -> forms.ProjectForm:
    form = forms.ProjectForm(formdata=None) if saved else forms.ProjectForm()
    _with_choices(form, "（职业技能培训可不选）", project.enterprise if project is not None else None)
    if project is not None and (saved or request.method == "GET"):
        concurrency.stamp(form, project)
        for name in ("kind", "partner_id", "title", "status", "started_on", "qualified"):
            form[name].data = getattr(project, name)
        form.enterprise_id.data = project.enterprise_id or forms.NONE
    elif project is None and request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in PROJECT_KINDS else None
        form.status.data = "active"
    return form


def _project_details(form: forms.ProjectForm) -> services.ProjectDetails:
    return services.ProjectDetails(
        kind=form.kind.data, partner_id=form.partner_id.data, title=form.title.data, status=form.status.data,
        started_on=form.started_on.data, enterprise_id=form.enterprise_id.data or None, qualified=form.qualified.data,
    )  # fmt: skip


def _project_page(form, project, outcome=None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render(
        "cooperation/project_form.html", form=form, project=project, conflict=conflict, status=status,
        has_partners=bool(form.partner_id.choices[1:]),
    )  # fmt: skip


@bp.route("/projects/new", methods=["GET", "POST"])
@staff_required
def new_project():
    form = _project_form()
    if request.method == "GET":
        return _project_page(form, None)
    outcome = actions.submit(form, lambda: services.create_project(current_user, _project_details(form)))
    if not outcome.ok:
        return _project_page(form, None, outcome)
    return actions.done("合作项目已登记。", url_for("cooperation.projects"))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_project(project_id: int):
    found = db.get_or_404(Project, project_id)
    form = _project_form(found)
    if request.method == "GET":
        return _project_page(form, found)
    outcome = actions.submit(
        form, lambda: services.update_project(current_user, found, _project_details(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _project_form(found, saved=True))
        return _project_page(form, found, outcome, conflict)
    return actions.done("合作项目已保存。", url_for("cooperation.projects"))


# --- a 技术需求 demand matched to a partner ----------------------------------------------------


@bp.route("/match/<int:demand_id>", methods=["GET", "POST"])
@staff_required
def match_demand(demand_id: int):
    demand = db.get_or_404(Demand, demand_id)
    existing = services.project_for_demand(demand.id)
    form = forms.MatchForm()
    form.partner_id.choices = _partner_choices()
    if request.method == "GET":
        form.title.data, form.status.data, form.started_on.data = demand.title, "negotiating", clock.today()
    page = dict(demand=demand, form=form, existing=existing, has_partners=bool(form.partner_id.choices[1:]))
    if request.method == "GET":
        return render("cooperation/match_form.html", **page)
    details = services.MatchDetails(
        partner_id=form.partner_id.data, title=form.title.data, status=form.status.data, started_on=form.started_on.data
    )
    outcome = actions.submit(form, lambda: services.match_demand(current_user, demand, details))
    if not outcome.ok:
        if outcome.conflict:
            form.add_error(outcome.message)
        return render("cooperation/match_form.html", status=outcome.status, **page)
    project = outcome.value
    return actions.done(
        f"已为{demand.number}对接{quoted(project.partner.name)}，并登记科研对接项目。",
        url_for("demands.detail", demand_id=demand.id),
    )


# --- placements ------------------------------------------------------------------------------


@bp.get("/placements")
@staff_required
def placements():
    year = params.year_arg()
    enterprise_id = params.int_arg("enterprise")
    return render(
        "cooperation/placements.html", "cooperation/_placement_rows.html",
        page=params.page_of(services.placements_query(year, enterprise_id, params.between_args())), year=year, enterprise_id=enterprise_id,
        has_partners=bool(services.partners()),
    )  # fmt: skip


@bp.route("/placements/new", methods=["GET", "POST"])
@staff_required
def new_placement():
    form = _with_choices(forms.PlacementForm())
    if request.method == "GET":
        return render("cooperation/placement_form.html", form=form, has_partners=bool(form.partner_id.choices[1:]))
    details = services.PlacementDetails(
        partner_id=form.partner_id.data, enterprise_id=form.enterprise_id.data, start_on=form.start_on.data,
        end_on=form.end_on.data, students=form.students.data, note=form.note.data,
    )  # fmt: skip
    outcome = actions.submit(form, lambda: services.create_placement(current_user, details))
    if not outcome.ok:
        return render(
            "cooperation/placement_form.html", form=form, has_partners=bool(form.partner_id.choices[1:]),
            status=outcome.status,
        )  # fmt: skip
    return actions.done(f"已登记实习实训{outcome.value.students}人次。", url_for("cooperation.placements"))


@bp.post("/placements/<int:placement_id>/delete")
@staff_required
def delete_placement(placement_id: int):
    found = db.get_or_404(Placement, placement_id)
    outcome = actions.attempt(lambda: services.delete_placement(current_user, found))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("cooperation.placements"))
    return actions.done("实习实训记录已删除。", url_for("cooperation.placements"))


@bp.route("/placements/import", methods=["GET", "POST"])
@staff_required
def import_placements():
    form = forms.PlacementImportForm()
    form.partner_id.choices = _partner_choices()
    if request.method == "GET":
        return render("cooperation/placement_import.html", form=form, columns=placement_import.LABELS.values())
    data = form.file.data.read() if form.file.data else b""
    outcome = actions.submit(form, lambda: placement_import.import_placements(current_user, form.partner_id.data, data))
    if not outcome.ok:
        return render(
            "cooperation/placement_import.html", form=form, columns=placement_import.LABELS.values(),
            status=outcome.status,
        )  # fmt: skip
    result = outcome.value
    skipped = f"；{result.skipped}条此前已导入，未重复计入" if result.skipped else ""
    return actions.done(
        f"已导入{result.added}条实习实训记录，共{result.person_times}人次{skipped}。", url_for("cooperation.placements")
    )
