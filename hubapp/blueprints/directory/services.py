"""Reading the register. Other modules pick enterprises, departments and grids through here."""

from sqlalchemy import or_, select

from hubapp.blueprints.directory import uscc
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.extensions import db


def departments(members_only: bool = False) -> list[Department]:
    stmt = select(Department).order_by(Department.sort_order, Department.id)
    if members_only:
        stmt = stmt.where(Department.joint_meeting_member.is_(True))
    return list(db.session.scalars(stmt))


def grids() -> list[Grid]:
    return list(db.session.scalars(select(Grid).order_by(Grid.number)))


def enterprise_query(search: str = "", grid_id: int | None = None):
    stmt = select(Enterprise).order_by(Enterprise.name)
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(
            or_(Enterprise.name.ilike(pattern), Enterprise.short_name.ilike(pattern), Enterprise.uscc == search.upper())
        )
    if grid_id:
        stmt = stmt.where(Enterprise.grid_id == grid_id)
    return stmt


def search_enterprises(search: str, limit: int = 10) -> list[Enterprise]:
    """For pickers: by name, short name or the exact unified social credit code."""
    return list(db.session.scalars(enterprise_query(search).limit(limit)))


def enterprise_by_uscc(code: str) -> Enterprise | None:
    return db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc.normalise(code)))


def get_enterprise(enterprise_id: int) -> Enterprise | None:
    return db.session.get(Enterprise, enterprise_id)
