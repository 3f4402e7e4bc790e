"""Accounts: authentication, creation, roles and their links (a liaison's department, a grid
worker's grids), deactivation, passwords.

Like every service these only flush; the caller's ``atomic()`` commits (see docs/architecture.md).
"""

import secrets
import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User, user_grid
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.directory import services as directory
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError

MIN_PASSWORD_LENGTH = 8
#: Letters and digits that cannot be misread on paper or a screen (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


@dataclass(frozen=True)
class Profile:
    """What an admin sets on an account besides its username and password."""

    display_name: str
    role: str
    #: A liaison's department; ignored for other roles.
    department_id: int | None = None
    #: A grid worker's grids, one or more; ignored for other roles.
    grid_ids: tuple[int, ...] = ()
    phone: str | None = None


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


def log_out_everywhere(actor: User) -> None:
    """Logging out ends every session of the actor, on every device, not only this one."""
    actor.end_sessions()
    audit.record(actor.id, "user.logout", "user", actor.id)
    db.session.flush()


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleError(f"密码至少需要{MIN_PASSWORD_LENGTH}位。", field)
    if password.isdigit() or password.isalpha():
        raise RuleError("密码需同时包含字母和数字。", field)


def random_password(length: int = 12) -> str:
    """A password to hand over once (a new admin, a reset from the command line); it passes
    ``check_password_strength``."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def grids_text(grids: Iterable) -> str:
    """第1、3网格 — how the audit trail and lists name a worker's grids."""
    numbers = sorted(grid.number for grid in grids)
    return f"第{'、'.join(map(str, numbers))}网格" if numbers else "无"


def _links(user: User | None, profile: Profile):
    """The department and grids ``profile`` gives its role, checked against the register."""
    if profile.role not in Role.__members__.values():
        raise RuleError("未知的角色。", "role")
    department, grids = None, []
    if profile.role == Role.LIAISON:
        department = directory.get_department(profile.department_id) if profile.department_id else None
        if department is None:
            raise RuleError("部门联络员必须选择所属部门。", "department_id")
        # A liaison of a department deactivated since keeps it; nobody new joins it.
        if not department.active and (user is None or user.department_id != department.id):
            raise RuleError(f"{department.name}已停用，请选择其他部门。", "department_id")
    if profile.role == Role.GRID_WORKER:
        if not profile.grid_ids:
            raise RuleError("网格员必须选择所属网格，可以选择多个。", "grid_ids")
        grids = directory.grids_by_id(profile.grid_ids)
        if len(grids) != len(set(profile.grid_ids)):
            raise RuleError("所选网格不存在，请刷新页面后重新选择。", "grid_ids")
    return department, grids


def create_user(actor, username: str, password: str, profile: Profile, must_change_password: bool = False) -> User:
    username = username.strip()
    if find_by_username(username):
        raise RuleError("该用户名已被使用。", "username")
    check_password_strength(password)
    department, grids = _links(None, profile)
    user = User(
        username=username,
        display_name=profile.display_name.strip(),
        role=profile.role,
        department_id=department.id if department else None,
        phone=profile.phone or None,
        active=True,
        must_change_password=must_change_password,
        created_at=clock.now(),
    )
    user.grids = grids
    user.set_password(password)
    db.session.add(user)
    try:
        # Two admins creating the same username at once: the unique constraint has the last word.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise RuleError("该用户名已被使用。", "username") from None
    audit.record(
        audit.actor_id(actor), "user.create", "user", user.id, None, profile.role,
        username=username, **_link_detail(department, grids),
    )  # fmt: skip
    return user


def _link_detail(department, grids) -> dict:
    detail = {}
    if department is not None:
        detail["department"] = department.name
    if grids:
        detail["grids"] = grids_text(grids)
    return detail


def update_user(actor, user: User, profile: Profile) -> User:
    department, grids = _links(user, profile)
    if user.id == audit.actor_id(actor) and profile.role != user.role:
        raise RuleError("不能修改自己的角色。", "role")
    old_role, old_department, old_grids = user.role, user.department, list(user.grids)
    user.display_name = profile.display_name.strip()
    user.role = profile.role
    user.department_id = department.id if department else None
    user.grids = grids
    user.phone = profile.phone or None
    detail = {}
    if old_department is not department:
        detail["department"] = f"{old_department.name if old_department else '无'} → {department.name if department else '无'}"
    if {g.id for g in old_grids} != {g.id for g in grids}:
        detail["grids"] = f"{grids_text(old_grids)} → {grids_text(grids)}"
    audit.record(audit.actor_id(actor), "user.update", "user", user.id, old_role, profile.role, **detail)
    db.session.flush()
    return user


def assign_grid_workers(actor, grid, chosen_ids: Collection[int], shown_ids: Collection[int]) -> list[User]:
    """From a grid's page: the grid workers ticked cover ``grid`` too; those that were shown ticked
    (``shown_ids``) and are no longer stop covering it. Workers the page did not show as ticked
    keep what they have, so that two people editing at once do not undo each other's choices.
    Returns the workers whose grids changed."""
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以调整网格员。")
    chosen, shown = set(chosen_ids), set(shown_ids)
    workers = db.session.scalars(
        select(User).options(selectinload(User.grids)).where(User.id.in_(chosen | shown))
    ).all()
    changed = []
    for worker in sorted(workers, key=lambda u: u.id):
        before = list(worker.grids)
        covers = grid.id in {g.id for g in before}
        if worker.id in chosen and not covers:
            if worker.role != Role.GRID_WORKER or not worker.active:
                raise RuleError(f"{worker.display_name}不是在岗的网格员。", "workers")
            worker.grids = [*before, grid]
        elif worker.id in shown and worker.id not in chosen and covers:
            remaining = [g for g in before if g.id != grid.id]
            if not remaining and worker.active:
                raise RuleError(
                    f"{worker.display_name}只负责这一个网格，不能移出：请先在其他网格为其勾选，或在用户管理中停用该账号。",
                    "workers",
                )
            worker.grids = remaining
        else:
            continue
        audit.record(
            audit.actor_id(actor), "user.grids", "user", worker.id, grids=f"{grids_text(before)} → {grids_text(worker.grids)}"
        )
        changed.append(worker)
    db.session.flush()
    return changed


def set_active(actor, user: User, active: bool) -> User:
    if user.id == audit.actor_id(actor) and not active:
        raise Conflict("不能停用自己的账号。", "active")
    if user.active == active:
        return user
    if active and user.role == Role.GRID_WORKER and not user.grids:
        raise RuleError("该网格员没有所属网格：请先在上方勾选网格并保存，再启用账号。")
    before, after = ("停用", "启用") if active else ("启用", "停用")
    user.active = active
    audit.record(audit.actor_id(actor), "user.activate" if active else "user.deactivate", "user", user.id, before, after)
    db.session.flush()
    return user


def reset_password(actor, user: User, new_password: str, must_change: bool) -> None:
    """An admin gives ``user`` a new password; with ``must_change`` the user has to choose their own
    at their next login before anything else. Whoever was logged in as ``user`` is logged out."""
    check_password_strength(new_password, "new_password")
    user.set_password(new_password)
    user.end_sessions()
    user.must_change_password = must_change
    audit.record(
        audit.actor_id(actor), "user.reset_password", "user", user.id, must_change="是" if must_change else "否"
    )
    db.session.flush()


def change_own_password(actor: User, current_password: str, new_password: str) -> None:
    """The actor changes their own password, proving they know the current one. Their other
    sessions end (someone who learnt the old password is logged out); the caller logs this one in
    again with the new session version."""
    user = actor
    if not user.check_password(current_password):
        raise RuleError("当前密码不正确。", "current_password")
    check_password_strength(new_password, "new_password")
    if new_password == current_password:
        raise RuleError("新密码不能与当前密码相同。", "new_password")
    user.set_password(new_password)
    user.end_sessions()
    user.must_change_password = False
    audit.record(user.id, "user.change_password", "user", user.id)
    db.session.flush()


# --- reading -------------------------------------------------------------------------------------


def users_query(role: str | None = None, search: str = ""):
    """The user list: by role, then username; ``search`` matches a username or a name."""
    stmt = select(User).options(selectinload(User.grids), selectinload(User.department)).order_by(User.role, User.username)
    if role:
        stmt = stmt.where(User.role == role)
    search = search.strip()
    if search:
        pattern = f"%{search}%"
        stmt = stmt.where(or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
    return stmt


def list_users(role: str | None = None) -> list[User]:
    return list(db.session.scalars(users_query(role)))


def grid_workers(grid_id: int | None = None, active_only: bool = True) -> list[User]:
    """Grid workers, with their grids loaded; only those covering ``grid_id`` when it is given."""
    stmt = (
        select(User)
        .options(selectinload(User.grids))
        .where(User.role == Role.GRID_WORKER)
        .order_by(User.display_name, User.id)
    )
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    if grid_id is not None:
        stmt = stmt.where(User.id.in_(select(user_grid.c.user_id).where(user_grid.c.grid_id == grid_id)))
    return list(db.session.scalars(stmt))


def liaisons(department_id: int) -> list[User]:
    """A department's liaison accounts, those in use first."""
    stmt = (
        select(User)
        .where(User.role == Role.LIAISON, User.department_id == department_id)
        .order_by(User.active.desc(), User.display_name)
    )
    return list(db.session.scalars(stmt))


def has_accounts_besides_admins() -> bool:
    """For the first-run checklist: someone other than an admin can log in."""
    return bool(db.session.scalar(select(exists().where(User.role != Role.ADMIN, User.active.is_(True)))))


def display_names(user_ids) -> dict[int, str]:
    """Names by user id, for pages of other modules that show who made a change."""
    ids = {user_id for user_id in user_ids if user_id}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
