"""Grids (网格): adding, editing and removing them, and which enterprises each one holds.

Who covers a grid is an account's property (``auth.services.assign_grid_workers``); what a grid
worker may see follows from the enterprises their grids hold, so moving an enterprise is audited
like any other change of who may act for it.
"""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.directory.models import Enterprise, Grid
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError

NAME_MAX, AREA_MAX = 40, 200


@dataclass(frozen=True)
class GridDetails:
    number: int | None
    name: str | None
    area: str | None


def _check_staff(actor) -> None:
    """Staff keep the register; ``None`` is the system (demo data, commands)."""
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以维护网格。")


def _clean(grid: Grid | None, details: GridDetails) -> tuple[int, str, str | None]:
    if details.number is None:
        raise RuleError("请填写网格编号。", "number")
    if not 1 <= details.number <= 9999:
        raise RuleError("网格编号应为1至9999之间的整数。", "number")
    taken = db.session.scalar(select(Grid).where(Grid.number == details.number))
    if taken is not None and taken is not grid:
        raise RuleError(f"第{details.number}网格已存在，请换一个编号。", "number")
    name = (details.name or "").strip() or f"第{details.number}网格"
    if len(name) > NAME_MAX:
        raise RuleError(f"网格名称不超过{NAME_MAX}字。", "name")
    area = (details.area or "").strip() or None
    if area and len(area) > AREA_MAX:
        raise RuleError(f"范围说明不超过{AREA_MAX}字。", "area")
    return details.number, name, area


def _flush_unique(message: str) -> None:
    """Flush in a savepoint: another writer may have taken the number between our check and now,
    and the unique constraint is the last word."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(message, "number") from None


def create_grid(actor, details: GridDetails) -> Grid:
    _check_staff(actor)
    number, name, area = _clean(None, details)
    grid = Grid(number=number, name=name, area=area)
    db.session.add(grid)
    _flush_unique(f"第{number}网格刚刚已被他人添加，请换一个编号。")
    audit.record(audit.actor_id(actor), "grid.create", "grid", grid.id, None, None, name=grid.label, area=area)
    return grid


def update_grid(actor, grid: Grid, details: GridDetails) -> Grid:
    _check_staff(actor)
    number, name, area = _clean(grid, details)
    before = {"number": grid.number, "name": grid.name, "area": grid.area}
    after = {"number": number, "name": name, "area": area}
    changed = [key for key in before if before[key] != after[key]]
    if not changed:
        return grid
    old_label = grid.label
    grid.number, grid.name, grid.area = number, name, area
    _flush_unique(f"第{number}网格刚刚已被他人使用，请换一个编号。")
    labels = {"number": "编号", "name": "名称", "area": "范围"}
    audit.record(
        audit.actor_id(actor), "grid.update", "grid", grid.id, old_label, grid.label,
        changed="、".join(labels[key] for key in changed),
    )  # fmt: skip
    return grid


def set_enterprises(actor, grid: Grid, chosen_ids: Collection[int], shown_ids: Collection[int]) -> tuple[int, int]:
    """The enterprises ticked belong to ``grid`` from now on (moved from wherever they were); those
    shown ticked (``shown_ids``) and no longer ticked leave it and belong to no grid until placed
    in another. What the page did not show as ticked is left alone, so that an enterprise someone
    else placed here meanwhile stays. Returns (moved in, moved out)."""
    _check_staff(actor)
    chosen, shown = set(chosen_ids), set(shown_ids)
    moved_in = moved_out = 0
    stmt = select(Enterprise).where(Enterprise.id.in_(chosen | shown)).order_by(Enterprise.id)
    enterprises = db.session.scalars(stmt).all()
    if not chosen <= {e.id for e in enterprises}:
        raise Conflict("所选企业中有的已不在企业名录中，请刷新页面后重新选择。")
    for enterprise in enterprises:
        if enterprise.id in chosen and enterprise.grid_id != grid.id:
            target, moved_in = grid, moved_in + 1
        elif enterprise.id in shown and enterprise.id not in chosen and enterprise.grid_id == grid.id:
            target, moved_out = None, moved_out + 1
        else:
            continue
        move_enterprise(actor, enterprise, target)
    return moved_in, moved_out


def move_enterprise(actor, enterprise: Enterprise, target: Grid | None) -> None:
    """Put ``enterprise`` in ``target`` (or in no grid): one conditional UPDATE from the grid it
    was read in, so that a move someone made meanwhile is a conflict, not overwritten. It raises
    the version too (``hubapp.concurrency``): the grid is in the enterprise's edit form, and a form
    opened before the move must not put the old grid back."""
    _check_staff(actor)
    old_grid = enterprise.grid
    result = db.session.execute(
        update(Enterprise)
        .where(Enterprise.id == enterprise.id, Enterprise.grid_id.is_(None) if old_grid is None else Enterprise.grid_id == old_grid.id)
        .values(grid_id=target.id if target else None, version=Enterprise.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(f"{enterprise.name}刚刚已被他人调整了网格，请刷新页面后再试。")
    db.session.expire(enterprise, ["grid_id", "grid", "version"])
    audit.record(
        audit.actor_id(actor), "enterprise.grid", "enterprise", enterprise.id,
        old_grid.label if old_grid else "未划分网格", target.label if target else "未划分网格", name=enterprise.name,
    )  # fmt: skip


def delete_grid(actor, grid: Grid) -> None:
    """A grid set up by mistake goes; one that holds enterprises or workers, or that demands and
    visits name, stays (the database refuses what the check here does not see)."""
    _check_staff(actor)
    if grid.enterprises:
        raise RuleError("该网格内还有企业，请先把企业调整到其他网格。")
    if accounts.grid_workers(grid.id, active_only=False):
        raise RuleError("该网格还有网格员，请先取消他们对该网格的负责。")
    label, kept = grid.label, audit.snapshot(grid)
    try:
        with db.session.begin_nested():
            db.session.delete(grid)
            db.session.flush()
    except IntegrityError:
        raise RuleError("该网格已有诉求或走访记录，不能删除；可以修改它的名称和范围。") from None
    audit.record(audit.actor_id(actor), "grid.delete", "grid", grid.id, label, None, record=kept)
