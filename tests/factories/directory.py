"""Departments, grids and enterprises of the register (departments and grids through the
directory's services, as staff add them)."""

from hubapp.blueprints.directory import departments, grids, register
from hubapp.blueprints.directory.departments import DepartmentDetails
from hubapp.blueprints.directory.grids import GridDetails
from hubapp.blueprints.directory.models import Department, Enterprise, Grid
from hubapp.blueprints.directory.register import EnterpriseData
from hubapp.blueprints.directory.uscc import make_code
from hubapp.database import atomic

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


def code() -> str:
    """A valid unified social credit code no other factory call hands out."""
    return make_code("371000", next(_serial))


def enterprise(name: str = "威海汇科工控技术有限公司", short_name: str | None = "汇科工控", uscc: str | None = None,
               grid_id: int | None = None, kind: str = "nearby", actor=None, **extra) -> Enterprise:  # fmt: skip
    """An enterprise added through the register's service, with a valid unified social credit
    code (made up unless given); ``extra`` sets other fields of ``EnterpriseData``."""
    data = EnterpriseData(name=name, uscc=uscc or code(), kind=kind, short_name=short_name, grid_id=grid_id, **extra)
    with atomic():
        return register.create_enterprise(actor, data)


def deactivated(made: Enterprise, reason: str = "已迁出园区", actor=None) -> Enterprise:
    with atomic():
        return register.deactivate(actor, made, reason)
