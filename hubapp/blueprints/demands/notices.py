"""Who hears of a demand's moves, and what they read: queued in the outbox by ``moves`` in the
same unit of work as the move, so that a move that is refused or rolled back tells nobody.

- registered: the centre's staff robot (NOTIFY_STAFF_WEBHOOK); the enterprise's contact by SMS;
- transferred (吹哨): the department's robot, @-mentioning its liaisons' mobiles; so too each
  co-handling department (协办单位), told who leads;
- answered: the enterprise's contact by SMS, and the grid worker who registered it;
- closed (销号): the enterprise's contact by SMS.
"""

from flask import current_app
from sqlalchemy import select

from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import Role
from hubapp.blueprints.auth.services import liaisons
from hubapp.blueprints.demands.models import Demand, DemandCohandler
from hubapp.blueprints.directory.models import Department
from hubapp.blueprints.notify.outbox import Message, queue
from hubapp.extensions import db
from hubapp.formatting import chinese_date


def _staff_page(demand: Demand) -> str:
    return f"/demands/{demand.id}"


def _enterprise_page(demand: Demand) -> str | None:
    """The enterprise's own page of the demand (its follow link, where it also rates the answer);
    a demand staff registered has none: the enterprise finds it on 我的办件 by number and mobile."""
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
    queue(
        Message(
            "wecom", current_app.config["NOTIFY_STAFF_WEBHOOK"],
            f"新诉求 {demand.number}：{enterprise}“{demand.title}”，{chinese_date(demand.deadline)}前办结。",
            "demand.created", "demand", demand.id, _staff_page(demand),
        )
    )  # fmt: skip
    _sms(demand, "created", f"您反映的“{demand.title}”已登记，编号{demand.number}，我们将尽快办理。")


def moved(demand: Demand, action: str) -> None:
    """After ``_move``: the messages of the moves someone outside the centre waits for."""
    if action == "transfer":
        _transferred(demand)
    elif action == "answer":
        _sms(demand, "answered", f"您反映的“{demand.title}”（{demand.number}）已有办理结果，请查看并评价。", _answer_round(demand))
        _tell_grid_worker(demand)
    elif action == "close":
        _sms(demand, "closed", f"您反映的“{demand.title}”（{demand.number}）已办结，感谢您的评价。")


def _transferred(demand: Demand) -> None:
    department = db.session.get(Department, demand.department_id)
    mobiles = tuple(user.phone for user in liaisons(department.id) if user.active and user.phone)
    queue(
        Message(
            "wecom", department.robot_webhook or "",
            f"诉求 {demand.number} 转{department.short_name}办理：“{demand.title}”，"
            f"请于{chinese_date(demand.deadline)}前反馈办理结果。",
            "demand.transferred", "demand", demand.id, _staff_page(demand), mobiles,
            # A demand sent back to the same department is transferred again: a new message.
            occasion=demand.transferred_at.isoformat() if demand.transferred_at else "",
        )
    )  # fmt: skip
    cohandlers = db.session.scalars(select(DemandCohandler).where(DemandCohandler.demand_id == demand.id)).all()
    for row in cohandlers:
        helper = row.department
        queue(
            Message(
                "wecom", helper.robot_webhook or "",
                f"诉求 {demand.number} 转{department.short_name}主办、{helper.short_name}协办：“{demand.title}”，"
                f"请签收并于{chinese_date(demand.deadline)}前提出协办意见。",
                "demand.transferred", "demand", demand.id, _staff_page(demand),
                tuple(user.phone for user in liaisons(helper.id) if user.active and user.phone),
                occasion=f"cohandler:{helper.id}:" + (demand.transferred_at.isoformat() if demand.transferred_at else ""),
            )
        )  # fmt: skip


def _tell_grid_worker(demand: Demand) -> None:
    raised_by = db.session.get(User, demand.raised_by_id) if demand.raised_by_id else None
    if raised_by is None or raised_by.role != Role.GRID_WORKER or not raised_by.active:
        return
    queue(
        Message(
            "sms", raised_by.phone or "",
            f"您登记的诉求 {demand.number}“{demand.title}”已有办理结果，请转告企业。",
            "demand.answered", "demand", demand.id, _staff_page(demand),
            occasion="grid_worker:" + _answer_round(demand),
        )
    )  # fmt: skip
