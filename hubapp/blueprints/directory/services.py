"""Reading the register. Other modules pick enterprises, departments and grids through here; the
pickers offer only enterprises in the register (``active``), while the register's own list shows
the deactivated ones too. Changes are made in ``register`` (enterprises), ``grids`` and
``departments``."""

from collections.abc import Iterable

from sqlalchemy import exists, func, or_, select

from hubapp import params
from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.extensions import db

#: The register list's status filter; the pickers always read ``ACTIVE``.
ACTIVE, INACTIVE, ALL = "active", "inactive", "all"
STATUS_FILTERS = {ALL: "全部", ACTIVE: "在册", INACTIVE: "已停用"}


def departments(members_only: bool = False, include_inactive: bool = False) -> list[Department]:
    """The departments a picker offers: those in use. Lists that filter history (a demand's or a
    decision's department) pass ``include_inactive``."""
    stmt = select(Department).order_by(Department.active.desc(), Department.sort_order, Department.id)
    if members_only:
        stmt = stmt.where(Department.joint_meeting_member.is_(True))
    if not include_inactive:
        stmt = stmt.where(Department.active.is_(True))
    return list(db.session.scalars(stmt))


def get_department(department_id: int) -> Department | None:
    return db.session.get(Department, department_id)


def department_by_name(text: str) -> Department | None:
    """A department named by its full or short name, or by its number in the register."""
    text = text.strip()
    condition = or_(Department.name == text, Department.short_name == text)
    number = params.id_from(text)
    if number is not None:
        condition = or_(condition, Department.id == number)
    return db.session.scalars(select(Department).where(condition).order_by(Department.id)).first()


def grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).order_by(Grid.number)))


def grids_by_id(grid_ids: Iterable[int]) -> list[Grid]:
    ids = set(grid_ids)
    return list(db.session.scalars(select(Grid).where(Grid.id.in_(ids)).order_by(Grid.number))) if ids else []


def grids_by_number(numbers: Iterable[int]) -> list[Grid]:
    wanted = set(numbers)
    return list(db.session.scalars(select(Grid).where(Grid.number.in_(wanted)).order_by(Grid.number))) if wanted else []


def enterprise_counts() -> dict[int, int]:
    """How many enterprises each grid holds, by grid id."""
    rows = db.session.execute(
        select(Enterprise.grid_id, func.count()).where(Enterprise.grid_id.is_not(None)).group_by(Enterprise.grid_id)
    )
    return {grid_id: count for grid_id, count in rows}


def enterprise_query(
    search: str = "",
    grid_id: int | None = None,
    status: str = ACTIVE,
    kind: str | None = None,
    above_size: bool = False,
):
    """Enterprises by name, short name or credit code (a part of it will do), in the register
    unless ``status`` asks for the deactivated ones or all of them."""
    stmt = select(Enterprise).order_by(Enterprise.active.desc(), Enterprise.name)
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(
            or_(
                Enterprise.name.ilike(pattern),
                Enterprise.short_name.ilike(pattern),
                Enterprise.uscc.contains(uscc.normalise(search)),
            )
        )
    if grid_id:
        stmt = stmt.where(Enterprise.grid_id == grid_id)
    if kind:
        stmt = stmt.where(Enterprise.kind == kind)
    if above_size:
        stmt = stmt.where(Enterprise.above_designated_size.is_(True))
    if status == ACTIVE:
        stmt = stmt.where(Enterprise.active.is_(True))
    elif status == INACTIVE:
        stmt = stmt.where(Enterprise.active.is_(False))
    return stmt


def grid_enterprises(grid_ids: Iterable[int]) -> list[Enterprise]:
    """The enterprises in the register of these grids (a grid worker's), by grid and name; none
    without a grid."""
    ids = set(grid_ids)
    if not ids:
        return []
    stmt = (
        select(Enterprise)
        .join(Grid, Enterprise.grid_id == Grid.id)
        .where(Enterprise.grid_id.in_(ids), Enterprise.active.is_(True))
        .order_by(Grid.number, Enterprise.name)
    )
    return list(db.session.scalars(stmt))


def search_enterprises(search: str, limit: int = 10, including: int | None = None) -> list[Enterprise]:
    """For pickers: enterprises in the register by name, short name or credit code. ``including``
    names the enterprise a record already has, kept on offer when editing that record even if it
    has been deactivated since."""
    found = list(db.session.scalars(enterprise_query(search).limit(limit)))
    if including and all(e.id != including for e in found):
        kept = db.session.get(Enterprise, including)
        if kept is not None:
            found.insert(0, kept)
    return found


def enterprise_by_uscc(code: str) -> Enterprise | None:
    """The enterprise registered under ``code``, deactivated or not: the code names one legal
    entity for good."""
    return db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc.normalise(code)))


def get_enterprise(enterprise_id: int) -> Enterprise | None:
    return db.session.get(Enterprise, enterprise_id)


def has_any(model) -> bool:
    """For the first-run checklist: the register holds at least one of these."""
    return bool(db.session.scalar(select(exists().where(model.id.is_not(None)))))


def industries() -> list[str]:
    """The industries the register uses, for the form's suggestions."""
    stmt = select(Enterprise.industry).where(Enterprise.industry.is_not(None)).distinct().order_by(Enterprise.industry)
    return list(db.session.scalars(stmt))


def has_enterprises() -> bool:
    return db.session.scalar(select(Enterprise.id).limit(1)) is not None
