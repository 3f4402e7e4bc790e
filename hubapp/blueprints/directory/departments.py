"""Departments (部门与单位): the member units of the joint meeting and every other unit a demand
can be transferred to. One with history is deactivated, never deleted: its demands, decisions and
liaisons keep pointing at it, and it leaves the pickers."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hubapp import audit
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.directory.models import Department
from hubapp.extensions import db
from hubapp.forms import MOBILE_PATTERN
from hubapp.rules import Conflict, NotAllowed, RuleError

LIMITS = {"name": 60, "short_name": 20, "contact_name": 40, "phone": 20, "robot_webhook": 500}
LABELS = {
    "name": "单位名称",
    "short_name": "简称",
    "joint_meeting_member": "联席会议成员单位",
    "contact_name": "联系人",
    "phone": "联系电话",
    "sort_order": "排序",
    "robot_webhook": "企业微信群机器人地址",
}


@dataclass(frozen=True)
class DepartmentDetails:
    name: str
    short_name: str | None
    joint_meeting_member: bool
    contact_name: str | None
    phone: str | None
    sort_order: int | None = None
    #: The department's 企业微信 group robot, where its liaison is told of transferred demands.
    robot_webhook: str | None = None


def _check_staff(actor) -> None:
    """Staff keep the register; ``None`` is the system (demo data, commands)."""
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以维护部门与单位。")


def _clean(department: Department | None, details: DepartmentDetails) -> dict:
    values = {
        "name": (details.name or "").strip(),
        "short_name": (details.short_name or "").strip(),
        "joint_meeting_member": bool(details.joint_meeting_member),
        "contact_name": (details.contact_name or "").strip() or None,
        "phone": (details.phone or "").strip() or None,
        "robot_webhook": (details.robot_webhook or "").strip() or None,
    }
    if not values["name"]:
        raise RuleError("请填写单位名称。", "name")
    # The short name is what lists and the demand timeline show ("转税务分局"); the full name will do.
    values["short_name"] = values["short_name"] or values["name"][: LIMITS["short_name"]]
    for key, limit in LIMITS.items():
        if values[key] and len(values[key]) > limit:
            raise RuleError(f"{LABELS[key]}不超过{limit}字。", key)
    phone = values["phone"]
    if phone and not (MOBILE_PATTERN.match(phone) or _is_landline(phone)):
        raise RuleError("请填写手机号码或带区号的固定电话，如 0631-3981001。", "phone")
    webhook = values["robot_webhook"]
    if webhook and not webhook.startswith(("https://", "http://")):
        raise RuleError("请粘贴企业微信群机器人的完整 Webhook 地址，以 https:// 开头。", "robot_webhook")
    same_name = db.session.scalar(select(Department).where(func.lower(Department.name) == values["name"].lower()))
    if same_name is not None and same_name is not department:
        raise RuleError("已有同名的部门或单位。", "name")
    if details.sort_order is not None:
        values["sort_order"] = details.sort_order
    elif department is None:
        values["sort_order"] = (db.session.scalar(select(func.max(Department.sort_order))) or 0) + 1
    return values


def _is_landline(phone: str) -> bool:
    digits = phone.replace("-", "")
    return digits.isdigit() and 7 <= len(digits) <= 12 and phone.count("-") <= 2


def _flush_unique() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("刚刚已有人登记了同名的部门或单位，请刷新后查看。", "name") from None


def create_department(actor, details: DepartmentDetails) -> Department:
    _check_staff(actor)
    department = Department(active=True, **_clean(None, details))
    db.session.add(department)
    _flush_unique()
    audit.record(
        audit.actor_id(actor), "department.create", "department", department.id, None, "active", name=department.name
    )
    return department


def update_department(actor, department: Department, details: DepartmentDetails) -> Department:
    _check_staff(actor)
    values = _clean(department, details)
    changed = [key for key, value in values.items() if getattr(department, key) != value]
    if not changed:
        return department
    for key in changed:
        setattr(department, key, values[key])
    _flush_unique()
    audit.record(
        audit.actor_id(actor), "department.update", "department", department.id,
        name=department.name, changed="、".join(LABELS[key] for key in changed),
    )  # fmt: skip
    return department


def set_active(actor, department: Department, active: bool) -> Department:
    """Deactivate (or bring back) a department: a conditional UPDATE, so that two people clicking
    at once record one change."""
    _check_staff(actor)
    result = db.session.execute(
        Department.__table__.update()
        .where(Department.id == department.id, Department.active.is_(not active))
        .values(active=active)
    )
    if result.rowcount != 1:
        raise Conflict("该部门的状态刚刚已被他人修改，请刷新后查看。")
    db.session.expire(department, ["active"])
    before, after = ("inactive", "active") if active else ("active", "inactive")
    audit.record(
        audit.actor_id(actor), "department.activate" if active else "department.deactivate", "department",
        department.id, before, after, name=department.name,
    )  # fmt: skip
    return department


def delete_department(actor, department: Department) -> None:
    """Only one entered by mistake: anything that names it (a liaison, a demand, a decision, a
    session host) makes the database refuse, and it is deactivated instead."""
    _check_staff(actor)
    name, kept = department.name, audit.snapshot(department)
    try:
        with db.session.begin_nested():
            db.session.delete(department)
            db.session.flush()
    except IntegrityError:
        raise RuleError("该部门已有联络员账号、诉求或会议记录，不能删除；请改为停用，历史记录会保留。") from None
    audit.record(audit.actor_id(actor), "department.delete", "department", department.id, "active", None, name=name, record=kept)
