"""Accounts: authentication, creation, role changes, deactivation, passwords."""

from sqlalchemy import func, select

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.extensions import db

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A rule about accounts was broken; the message is Chinese and names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    user = find_by_username(username)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = clock.now()
    audit.record(user.id, "user.login", "user", user.id)
    db.session.commit()
    return user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"密码至少需要{MIN_PASSWORD_LENGTH}位。")
    if password.isdigit() or password.isalpha():
        raise AccountError("password", "密码需同时包含字母和数字。")


def _check_role_links(role: str, department_id: int | None, grid_id: int | None) -> None:
    if role not in Role.__members__.values():
        raise AccountError("role", "未知的角色。")
    if role == Role.LIAISON and not department_id:
        raise AccountError("department_id", "部门联络员必须选择所属部门。")
    if role == Role.GRID_WORKER and not grid_id:
        raise AccountError("grid_id", "网格员必须选择所属网格。")


def create_user(
    actor_id: int | None,
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
        raise AccountError("username", "该用户名已被使用。")
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
    audit.record(actor_id, "user.create", "user", user.id, None, role, username=username)
    db.session.commit()
    return user


def update_user(
    actor_id: int,
    user: User,
    display_name: str,
    role: str,
    department_id: int | None,
    grid_id: int | None,
    phone: str | None,
) -> User:
    _check_role_links(role, department_id, grid_id)
    if user.id == actor_id and role != user.role:
        raise AccountError("role", "不能修改自己的角色。")
    old_role = user.role
    user.display_name = display_name.strip()
    user.role = role
    user.department_id = department_id if role == Role.LIAISON else None
    user.grid_id = grid_id if role == Role.GRID_WORKER else None
    user.phone = phone or None
    audit.record(actor_id, "user.update", "user", user.id, old_role, role)
    db.session.commit()
    return user


def set_active(actor_id: int, user: User, active: bool) -> User:
    if user.id == actor_id and not active:
        raise AccountError("active", "不能停用自己的账号。")
    if user.active == active:
        return user
    before, after = ("停用", "启用") if active else ("启用", "停用")
    user.active = active
    audit.record(actor_id, "user.activate" if active else "user.deactivate", "user", user.id, before, after)
    db.session.commit()
    return user


def reset_password(actor_id: int, user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.set_password(new_password)
    audit.record(actor_id, "user.reset_password", "user", user.id)
    db.session.commit()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise AccountError("current_password", "当前密码不正确。")
    check_password_strength(new_password)
    user.set_password(new_password)
    audit.record(user.id, "user.change_password", "user", user.id)
    db.session.commit()


def list_users(role: str | None = None) -> list[User]:
    stmt = select(User).order_by(User.role, User.username)
    if role:
        stmt = stmt.where(User.role == role)
    return list(db.session.scalars(stmt))
