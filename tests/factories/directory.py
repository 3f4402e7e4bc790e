"""Departments, grids and enterprises of the register (departments and grids through the
directory's services, as staff add them)."""

from hubapp.blueprints.directory import departments, grids
from hubapp.blueprints.directory.departments import DepartmentDetails
from hubapp.blueprints.directory.grids import GridDetails
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.blueprints.directory.uscc import make_code
from hubapp.database import atomic
from hubapp.extensions import db

_serial = iter(range(1000, 10**6))


def department(
    name: str = "南海新区经济发展局",
    short_name: str = "经济发展局",
    sort_order: int = 1,
    *,
    member: bool = True,
    contact_name: str | None = None,
    phone: str | None = None,
    active: bool = True,
) -> Department:
    with atomic():
        details = DepartmentDetails(name, short_name, member, contact_name, phone, sort_order)
        made = departments.create_department(None, details)
        if not active:
            departments.set_active(None, made, False)
    return made


def grid(number: int = 1, name: str | None = None, area: str | None = None) -> Grid:
    with atomic():
        made = grids.create_grid(None, GridDetails(number, name or f"{number}号网格", area))
    return made


def enterprise(name: str = "威海汇科工控技术有限公司", short_name: str | None = "汇科工控", uscc: str | None = None,
               grid_id: int | None = None, **extra) -> Enterprise:  # fmt: skip
    """An enterprise with a valid unified social credit code (made up unless given)."""
    with atomic():
        made = Enterprise(
            name=name, short_name=short_name, uscc=uscc or make_code("371000", next(_serial)), grid_id=grid_id, **extra
        )
        db.session.add(made)
    return made
