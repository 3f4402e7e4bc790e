"""The 标准化规范化 pages: the board of branches (furthest behind first), one branch's checklist
for a year with its tick forms, and the items the centre keeps."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, clock, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.party import bp, checklist, forms
from hubapp.blueprints.party.models import ChecklistItem, PartyOrganisation
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.htmx import render


def _year() -> int:
    return params.year_arg(default=clock.today().year)


@bp.get("/checklist")
@staff_required
def checklist_board():
    year = _year()
    return render("party/checklist.html", year=year, rows=checklist.board(year), items=checklist.items())


def _branch_page(organisation: PartyOrganisation, year: int, status: int = 200, failed: dict | None = None):
    """One branch's checklist; ``failed`` is the tick form that was refused, by item id, as typed."""
    ticks = checklist.ticks(organisation, year)
    tick_forms = {}
    for item in checklist.items():
        form = (failed or {}).get(item.id) or forms.TickForm(formdata=None, prefix=_prefix(item))
        if item.id not in (failed or {}):
            form.done_on.data = ticks[item.id].done_on if item.id in ticks else None
            form.note.data = ticks[item.id].note if item.id in ticks else None
        tick_forms[item.id] = form
    return render(
        "party/checklist_branch.html",
        organisation=organisation,
        year=year,
        items=checklist.items(),
        ticks=ticks,
        tick_forms=tick_forms,
        activities=checklist.activity_counts(year).get(organisation.id, 0),
        status=status,
    )


def _prefix(item: ChecklistItem) -> str:
    """Each item's tick form on the branch's page has field names (and ids) of its own."""
    return f"item{item.id}"


@bp.get("/checklist/<int:organisation_id>")
@staff_required
def checklist_branch(organisation_id: int):
    return _branch_page(db.get_or_404(PartyOrganisation, organisation_id), _year())


@bp.post("/checklist/<int:organisation_id>/<int:item_id>/tick")
@staff_required
def tick(organisation_id: int, item_id: int):
    organisation = db.get_or_404(PartyOrganisation, organisation_id)
    item = db.get_or_404(ChecklistItem, item_id)
    year = _year()
    form = forms.TickForm(prefix=_prefix(item))
    outcome = actions.submit(
        form, lambda: checklist.tick(current_user, organisation, item, year, form.done_on.data, form.note.data)
    )
    if not outcome.ok:
        if outcome.message and not form.errors:
            form.form_errors.append(outcome.message)
        return _branch_page(organisation, year, outcome.status, failed={item.id: form})
    url = url_for("party.checklist_branch", organisation_id=organisation.id, year=year)
    return actions.done(f"已勾选{quoted(item.title)}。", url)


@bp.post("/checklist/<int:organisation_id>/<int:item_id>/untick")
@staff_required
def untick(organisation_id: int, item_id: int):
    organisation = db.get_or_404(PartyOrganisation, organisation_id)
    item = db.get_or_404(ChecklistItem, item_id)
    year = _year()
    url = url_for("party.checklist_branch", organisation_id=organisation.id, year=year)
    outcome = actions.attempt(lambda: checklist.untick(current_user, organisation, item, year))
    if not outcome.ok:
        return actions.refused(outcome.message, url)
    return actions.done(f"已取消{quoted(item.title)}。", url)


@bp.route("/checklist/items", methods=["GET", "POST"])
@staff_required
def checklist_items():
    form = forms.ChecklistItemForm()
    if request.method == "POST":
        outcome = actions.submit(
            form, lambda: checklist.create_item(current_user, form.title.data, form.sort_order.data or 0)
        )
        if outcome.ok:
            return actions.done(f"已新增{quoted(outcome.value.title)}。", url_for("party.checklist_items"))
        status = outcome.status
    else:
        status = 200
    return render("party/checklist_items.html", form=form, items=checklist.items(include_inactive=True), status=status)


@bp.post("/checklist/items/<int:item_id>/active")
@staff_required
def checklist_item_active(item_id: int):
    item = db.get_or_404(ChecklistItem, item_id)
    active = request.form.get("active") == "1"
    outcome = actions.attempt(lambda: checklist.update_item(current_user, item, item.title, item.sort_order, active))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("party.checklist_items"))
    return actions.done(f"{quoted(item.title)}已{'恢复' if active else '停用'}。", url_for("party.checklist_items"))
