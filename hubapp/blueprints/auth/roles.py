"""Roles and the decorators that guard views by role."""

from enum import StrEnum
from functools import wraps

from flask import abort
from flask_login import current_user

from hubapp.extensions import login_manager


class Role(StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    GRID_WORKER = "grid_worker"
    LIAISON = "liaison"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "管理员",
    Role.STAFF: "中心工作人员",
    Role.GRID_WORKER: "网格员",
    Role.LIAISON: "部门联络员",
}

ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})
ADMIN_ONLY = frozenset({Role.ADMIN})


def public(view):
    """Mark a view as reachable without login (the stable public addresses)."""
    view.is_public = True
    return view


def roles_required(*roles: str):
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def staff_required(view):
    return roles_required(*STAFF_ROLES)(view)


def admin_required(view):
    return roles_required(Role.ADMIN)(view)
