"""Grid pages (网格): the list, one grid with its workers, enterprises and the month's visits,
and the forms that add, edit and remove a grid, set its enterprises and its grid workers."""

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from hubapp import actions
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory import bp, grids, services
from hubapp.blueprints.directory.models import Enterprise, Grid
from hubapp.blueprints.directory.register_forms import GridEnterprisesForm, GridForm, GridWorkersForm
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import render
from hubapp.params import page_of


@bp.get("/grids", endpoint="grids")
@staff_required
def grid_list():
    workers: dict[int, list] = {}
    for worker in accounts.grid_workers():
        for grid in worker.grids:
            workers.setdefault(grid.id, []).append(worker)
    return render(
        "directory/grids.html",
        grids=services.grids(),
        workers=workers,
        counts=services.enterprise_counts(),
        unplaced=db.session.scalar(select(func.count()).where(Enterprise.grid_id.is_(None))),
    )


def _details(form: GridForm) -> grids.GridDetails:
    return grids.GridDetails(number=form.number.data, name=form.name.data, area=form.area.data)


@bp.route("/grids/new", methods=["GET", "POST"])
@staff_required
def new_grid():
    form = GridForm()
    if request.method == "GET":
        taken = [g.number for g in services.grids()]
        form.number.data = max(taken, default=0) + 1
        return render("directory/grid_form.html", form=form, grid=None)
    outcome = actions.submit(form, lambda: grids.create_grid(current_user, _details(form)))
    if not outcome.ok:
        return render("directory/grid_form.html", form=form, grid=None, status=outcome.status)
    grid = outcome.value
    return actions.done(f"已添加{grid.label}。接下来可以设置网格内企业和网格员。", url_for("directory.grid", grid_id=grid.id))


@bp.get("/grids/<int:grid_id>")
@staff_required
def grid(grid_id: int):
    grid = db.get_or_404(Grid, grid_id)
    panels = [panel(grid) for panel in current_app.extensions["hub_grid_panels"]]
    return render(
        "directory/grid.html",
        grid=grid,
        workers=accounts.grid_workers(grid.id),
        page=page_of(services.enterprise_query(grid_id=grid.id)),
        panels=[Markup(p) for p in panels if p],
    )


@bp.route("/grids/<int:grid_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_grid(grid_id: int):
    grid = db.get_or_404(Grid, grid_id)
    form = GridForm(obj=grid)
    if request.method == "GET":
        return render("directory/grid_form.html", form=form, grid=grid)
    outcome = actions.submit(form, lambda: grids.update_grid(current_user, grid, _details(form)))
    if not outcome.ok:
        return render("directory/grid_form.html", form=form, grid=grid, status=outcome.status)
    return actions.done(f"已保存{grid.label}。", url_for("directory.grid", grid_id=grid.id))


@bp.post("/grids/<int:grid_id>/delete")
@staff_required
def delete_grid(grid_id: int):
    grid = db.get_or_404(Grid, grid_id)
    label = grid.label
    outcome = actions.attempt(lambda: grids.delete_grid(current_user, grid))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("directory.grid", grid_id=grid_id))
    return actions.done(f"已删除{label}。", url_for("directory.grids"))


# --- which enterprises a grid holds ---------------------------------------------------------------


def _enterprise_groups(grid: Grid, form: GridEnterprisesForm) -> list[tuple[str, list]]:
    """The checkboxes by where each enterprise is now: this grid, no grid, then each other grid."""
    everyone = db.session.scalars(select(Enterprise).order_by(Enterprise.name)).all()
    form.enterprises.choices = options([(e.id, e.name) for e in everyone])
    boxes = {int(box.data): box for box in form.enterprises}
    labels = {g.id: g.label for g in services.grids()}
    groups: dict[str, list] = {f"{grid.label}（本网格）": [], "未划分网格": []}
    for enterprise in everyone:
        if enterprise.grid_id == grid.id:
            key = f"{grid.label}（本网格）"
        elif enterprise.grid_id is None:
            key = "未划分网格"
        else:
            key = f"现属{labels[enterprise.grid_id]}"
        groups.setdefault(key, []).append((enterprise, boxes[enterprise.id]))
    return [(label, items) for label, items in groups.items() if items or label.endswith("（本网格）")]


@bp.route("/grids/<int:grid_id>/enterprises", methods=["GET", "POST"])
@staff_required
def grid_enterprises(grid_id: int):
    grid = db.get_or_404(Grid, grid_id)
    form = GridEnterprisesForm()
    if request.method == "GET":
        form.enterprises.data = form.shown.data = [e.id for e in grid.enterprises]
        return render("directory/grid_enterprises.html", form=form, grid=grid, groups=_enterprise_groups(grid, form))
    outcome = actions.submit(
        form, lambda: grids.set_enterprises(current_user, grid, form.enterprises.data or [], form.shown.data or [])
    )
    if not outcome.ok:
        return render(
            "directory/grid_enterprises.html", form=form, grid=grid, groups=_enterprise_groups(grid, form),
            conflict=outcome.message if outcome.conflict else None, status=outcome.status,
        )  # fmt: skip
    moved_in, moved_out = outcome.value
    message = f"已保存{grid.label}的企业：移入{moved_in}家，移出{moved_out}家。" if moved_in or moved_out else "网格内企业没有变化。"
    return actions.done(message, url_for("directory.grid", grid_id=grid.id))


# --- who covers a grid -----------------------------------------------------------------------------


def _worker_boxes(form: GridWorkersForm) -> list[tuple]:
    everyone = accounts.grid_workers()
    form.workers.choices = options([(w.id, w.display_name) for w in everyone])
    boxes = {int(box.data): box for box in form.workers}
    return [(worker, boxes[worker.id]) for worker in everyone]


@bp.route("/grids/<int:grid_id>/workers", methods=["GET", "POST"])
@staff_required
def grid_workers(grid_id: int):
    grid = db.get_or_404(Grid, grid_id)
    form = GridWorkersForm()
    if request.method == "GET":
        form.workers.data = form.shown.data = [w.id for w in accounts.grid_workers(grid.id)]
        return render("directory/grid_workers.html", form=form, grid=grid, boxes=_worker_boxes(form))
    outcome = actions.submit(
        form,
        lambda: accounts.assign_grid_workers(current_user, grid, form.workers.data or [], form.shown.data or []),
    )
    if not outcome.ok:
        return render("directory/grid_workers.html", form=form, grid=grid, boxes=_worker_boxes(form), status=outcome.status)
    message = f"已保存{grid.label}的网格员。" if outcome.value else "网格员没有变化。"
    return actions.done(message, url_for("directory.grid", grid_id=grid.id))
