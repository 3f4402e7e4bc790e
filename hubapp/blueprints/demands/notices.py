"""Who hears of a demand's moves, and what they read: queued in the outbox by ``moves`` in the
same unit of work as the move, so that a move that is refused or rolled back tells nobody.

- registered: the centre's staff robot (NOTIFY_STAFF_WEBHOOK); the enterprise's contact by SMS;
- transferred (吹哨): the department's robot, @-mentioning its liaisons' mobiles; so too each
  co-handling department (协办单位), told who leads;
- answered: the enterprise's contact by SMS, and the grid worker who registered it;
- closed (销号): the enterprise's contact by SMS;
- a 延期 request granted or refused: the liaison who asked, in the app, and the department's
  robot @-mentioning them.

The clock adds two more, queued by the sender before each round (``deadlines_due``): a transferred
demand's deadline three working days away (即将到期), and the deadline passed (已超期) — each to the
department's robot @-mentioning its liaisons, once per deadline (an extension sets a new one).
"""

from datetime import datetime

from sqlalchemy import select

from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.auth.services import liaisons
from hubapp.blueprints.demands.models import (
    GRANTED,
    TRANSFERRED,
    Demand,
    DemandCohandler,
    DemandExtension,
    due_soon_limit,
)
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.notify import preferences
from hubapp.blueprints.notify.outbox import Message, queue, tell_staff
from hubapp.extensions import db
from hubapp.formatting import chinese_date, quoted


def _staff_page(demand: Demand) -> str:
    return f"/demands/{demand.id}"


def _enterprise_page(demand: Demand) -> str | None:
    """The enterprise's own page of the demand (its follow link, where it also rates the answer);
    a demand registered before every demand had one is looked up on 我的办件."""
    return f"/e/follow/{demand.follow_token}" if demand.follow_token else "/e/mine"


def _sms(demand: Demand, event: str, text: str, occasion: str = "") -> None:
    queue(
        Message(
            "sms", demand.contact_mobile, text, f"demand.{event}", "demand", demand.id, _enterprise_page(demand),
            occasion=occasion,
        )
    )  # fmt: skip


def _answer_round(demand: Demand) -> str:
    """A demand sent back and answered again is a new answer to tell of."""
    return demand.answered_at.isoformat() if demand.answered_at else ""


def registered(demand: Demand) -> None:
    enterprise = demand.enterprise.name
    tell_staff(
        f"新诉求 {demand.number}：{enterprise}{quoted(demand.title)}，{chinese_date(demand.deadline)}前办结。",
        "demand.created", "demand", demand.id, _staff_page(demand),
    )  # fmt: skip
    _sms(demand, "created", f"您反映的{quoted(demand.title)}已登记，编号{demand.number}，我们将尽快办理。")


def moved(demand: Demand, action: str) -> None:
    """After ``_move``: the messages of the moves someone outside the centre waits for."""
    if action == "transfer":
        _transferred(demand)
    elif action == "answer":
        _sms(demand, "answered", f"您反映的{quoted(demand.title)}（{demand.number}）已有办理结果，请查看并评价。", _answer_round(demand))
        _tell_grid_worker(demand)
    elif action == "close":
        _sms(demand, "closed", f"您反映的{quoted(demand.title)}（{demand.number}）已办结，感谢您的评价。")


def _liaisons_in_service(department: Department) -> list[User]:
    return [user for user in liaisons(department.id) if user.active]


def _mobiles(people: list[User]) -> tuple[str, ...]:
    return tuple(user.phone for user in people if user.phone)


def _transferred(demand: Demand) -> None:
    department = db.session.get(Department, demand.department_id)
    in_service = _liaisons_in_service(department)
    queue(
        Message(
            "wecom", department.robot_webhook or "",
            f"诉求 {demand.number} 转{department.short_name}办理：{quoted(demand.title)}，"
            f"请于{chinese_date(demand.deadline)}前反馈办理结果。",
            "demand.transferred", "demand", demand.id, _staff_page(demand), _mobiles(in_service),
            # A demand sent back to the same department is transferred again: a new message.
            occasion=demand.transferred_at.isoformat() if demand.transferred_at else "",
            users=tuple(user.id for user in in_service),
        )
    )  # fmt: skip
    cohandlers = db.session.scalars(select(DemandCohandler).where(DemandCohandler.demand_id == demand.id)).all()
    for row in cohandlers:
        helper = row.department
        helpers_in_service = _liaisons_in_service(helper)
        queue(
            Message(
                "wecom", helper.robot_webhook or "",
                f"诉求 {demand.number} 转{department.short_name}主办、{helper.short_name}协办：{quoted(demand.title)}，"
                f"请签收并于{chinese_date(demand.deadline)}前提出协办意见。",
                "demand.transferred", "demand", demand.id, _staff_page(demand), _mobiles(helpers_in_service),
                occasion=f"cohandler:{helper.id}:" + (demand.transferred_at.isoformat() if demand.transferred_at else ""),
                users=tuple(user.id for user in helpers_in_service),
            )
        )  # fmt: skip


def extension_decided(demand: Demand, extension: DemandExtension) -> None:
    """After staff grant or refuse a 延期 request: the liaison who asked reads the outcome in the
    app; the department's group hears it too, since the deadline is the whole unit's."""
    department = db.session.get(Department, demand.department_id) if demand.department_id else None
    asker = db.session.get(User, extension.asked_by_id)
    readers = [asker] if asker is not None and asker.active else []
    if extension.status == GRANTED:
        event = "demand.extend_grant"
        text = (
            f"诉求 {demand.number}{quoted(demand.title)}的延期申请已同意：办理时限由"
            f"{chinese_date(extension.old_deadline)}延至{chinese_date(extension.new_deadline)}。"
        )
    else:
        event = "demand.extend_deny"
        reason = (extension.decision_note or "").rstrip("。；;. ")
        text = (
            f"诉求 {demand.number}{quoted(demand.title)}的延期申请未获同意，理由：{reason}。"
            f"办理时限仍为{chinese_date(extension.old_deadline)}。"
        )
    queue(
        Message(
            "wecom", (department.robot_webhook if department else "") or "", text, event, "demand", demand.id,
            _staff_page(demand), _mobiles(readers), occasion=f"extension:{extension.id}",
            users=tuple(user.id for user in readers),
        )
    )  # fmt: skip


def _tell_grid_worker(demand: Demand) -> None:
    raised_by = db.session.get(User, demand.raised_by_id) if demand.raised_by_id else None
    if raised_by is None or raised_by.role != Role.GRID_WORKER or not raised_by.active:
        return
    # Switching the SMS off leaves the message in the app: no mobile, no outbox row.
    mobile = (raised_by.phone or "") if preferences.wants_sms_of_answers(raised_by) else ""
    queue(
        Message(
            "sms", mobile,
            f"您登记的诉求 {demand.number}{quoted(demand.title)}已有办理结果，请转告企业。",
            "demand.answered", "demand", demand.id, _staff_page(demand),
            occasion="grid_worker:" + _answer_round(demand), users=(raised_by.id,),
        )
    )  # fmt: skip


def deadlines_due(now: datetime) -> None:
    """Demands waiting on a department whose deadline is near or past: its robot is told, once
    for each deadline and each of the two warnings."""
    today = now.date()
    waiting = db.session.scalars(
        select(Demand)
        .where(Demand.status == TRANSFERRED, Demand.department_id.is_not(None), Demand.deadline <= due_soon_limit(today))
        .order_by(Demand.deadline, Demand.id)
    )
    for demand in waiting.all():
        department = demand.department
        in_service = _liaisons_in_service(department)
        if demand.deadline < today:
            event = "demand.overdue"
            text = (
                f"诉求 {demand.number}{quoted(demand.title)}已超期：办理时限{chinese_date(demand.deadline)}，"
                f"请{department.short_name}尽快反馈办理结果。"
            )
        else:
            event = "demand.due_soon"
            text = (
                f"诉求 {demand.number}{quoted(demand.title)}即将到期：请{department.short_name}于"
                f"{chinese_date(demand.deadline)}前反馈办理结果。"
            )
        queue(
            Message(
                "wecom", department.robot_webhook or "", text, event, "demand", demand.id, _staff_page(demand),
                _mobiles(in_service), occasion=demand.deadline.isoformat(), users=tuple(user.id for user in in_service),
            )
        )  # fmt: skip
