"""Accounts: authentication, creation, role changes, deactivation, passwords.

Like every service these only flush; the caller's ``atomic()`` commits (see docs/architecture.md).
"""

from sqlalchemy import func, select

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError

MIN_PASSWORD_LENGTH = 8


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    user = find_by_username(username)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = clock.now()
    audit.record(user.id, "user.login", "user", user.id)
    db.session.flush()
    return user


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleError(f"密码至少需要{MIN_PASSWORD_LENGTH}位。", field)
    if password.isdigit() or password.isalpha():
        raise RuleError("密码需同时包含字母和数字。", field)


def _check_role_links(role: str, department_id: int | None, grid_id: int | None) -> None:
    if role not in Role.__members__.values():
        raise RuleError("未知的角色。", "role")
    if role == Role.LIAISON and not department_id:
        raise RuleError("部门联络员必须选择所属部门。", "department_id")
    if role == Role.GRID_WORKER and not grid_id:
        raise RuleError("网格员必须选择所属网格。", "grid_id")


def create_user(
    actor,
    username: str,
    display_name: str,
    password: str,
    role: str,
    department_id: int | None = None,
    grid_id: int | None = None,
    phone: str | None = None,
) -> User:
    username = username.strip()
    if find_by_username(username):
        raise RuleError("该用户名已被使用。", "username")
    check_password_strength(password)
    _check_role_links(role, department_id, grid_id)
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        department_id=department_id if role == Role.LIAISON else None,
        grid_id=grid_id if role == Role.GRID_WORKER else None,
        phone=phone or None,
        active=True,
        created_at=clock.now(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(audit.actor_id(actor), "user.create", "user", user.id, None, role, username=username)
    return user


def update_user(
    actor,
    user: User,
    display_name: str,
    role: str,
    department_id: int | None,
    grid_id: int | None,
    phone: str | None,
) -> User:
    _check_role_links(role, department_id, grid_id)
    if user.id == audit.actor_id(actor) and role != user.role:
        raise RuleError("不能修改自己的角色。", "role")
    old_role = user.role
    user.display_name = display_name.strip()
    user.role = role
    user.department_id = department_id if role == Role.LIAISON else None
    user.grid_id = grid_id if role == Role.GRID_WORKER else None
    user.phone = phone or None
    audit.record(audit.actor_id(actor), "user.update", "user", user.id, old_role, role)
    db.session.flush()
    return user


def set_active(actor, user: User, active: bool) -> User:
    if user.id == audit.actor_id(actor) and not active:
        raise Conflict("不能停用自己的账号。", "active")
    if user.active == active:
        return user
    before, after = ("停用", "启用") if active else ("启用", "停用")
    user.active = active
    audit.record(audit.actor_id(actor), "user.activate" if active else "user.deactivate", "user", user.id, before, after)
    db.session.flush()
    return user


def reset_password(actor, user: User, new_password: str) -> None:
    check_password_strength(new_password, "new_password")
    user.set_password(new_password)
    audit.record(audit.actor_id(actor), "user.reset_password", "user", user.id)
    db.session.flush()


def change_own_password(actor: User, current_password: str, new_password: str) -> None:
    """The actor changes their own password, proving they know the current one."""
    user = actor
    if not user.check_password(current_password):
        raise RuleError("当前密码不正确。", "current_password")
    check_password_strength(new_password, "new_password")
    user.set_password(new_password)
    audit.record(user.id, "user.change_password", "user", user.id)
    db.session.flush()


def list_users(role: str | None = None) -> list[User]:
    stmt = select(User).order_by(User.role, User.username)
    if role:
        stmt = stmt.where(User.role == role)
    return list(db.session.scalars(stmt))


def display_names(user_ids) -> dict[int, str]:
    """Names by user id, for pages of other modules that show who made a change."""
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
