"""Accounts (the auth domain), through its services as an admin makes them."""

from collections.abc import Sequence

from conftest import PASSWORD

from hubapp.blueprints.auth import services
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.directory.models import Department, Grid
from hubapp.database import atomic


def account(
    username: str,
    role: str = "staff",
    *,
    name: str | None = None,
    grids: Sequence[Grid] = (),
    department: Department | None = None,
    password: str = PASSWORD,
    must_change_password: bool = False,
    phone: str | None = None,
) -> User:
    """An account; a grid worker needs ``grids`` (one or more), a liaison a ``department``."""
    profile = services.Profile(
        display_name=name or username,
        role=role,
        department_id=department.id if department else None,
        grid_ids=tuple(g.id for g in grids),
        phone=phone,
    )
    with atomic():
        made = services.create_user(None, username, password, profile, must_change_password)
    return made
