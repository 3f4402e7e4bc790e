"""协办: what a co-handling department's liaison does with a demand transferred to another
department (the lead) with theirs beside it — 签收, then its opinion (协办意见), once, while the lead
has not answered yet. Staff choose the co-handlers with the transfer (``moves.transfer``).

As every move: one conditional UPDATE on what was read, so that of two people acting at once the
second is told (``Conflict``); with its timeline row and audit row in the caller's unit of work.
"""

from datetime import datetime

from sqlalchemy import select, update

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands.models import TRANSFERRED, Demand, DemandCohandler
from hubapp.blueprints.demands.moves import _event, _required_text
from hubapp.blueprints.demands.reading import cohandler_of
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.rules import Conflict, NotAllowed


def _row_for(actor: User, demand: Demand, message: str) -> DemandCohandler:
    row = cohandler_of(actor, demand)
    if row is None:
        raise NotAllowed(message)
    if demand.status != TRANSFERRED:
        raise Conflict(f"该诉求当前为“{demand.status_label}”，协办已结束。")
    return row


def sign(actor: User, demand: Demand, at: datetime | None = None) -> DemandCohandler:
    """协办签收: the co-handler confirms the demand reached it; once per transfer."""
    row = _row_for(actor, demand, "只有协办单位的联络员可以签收协办。")
    if row.acknowledged_at is not None:
        raise Conflict(f"本单位已于{chinese_date(row.acknowledged_at.date())}签收。")
    at = at or clock.now()
    signed = db.session.execute(
        update(DemandCohandler)
        .where(DemandCohandler.id == row.id, DemandCohandler.acknowledged_at.is_(None))
        .values(acknowledged_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if signed != 1:
        raise Conflict("本单位刚刚已签收，请刷新后查看。")
    department = row.department.short_name
    _event(actor, demand, "co_sign", at, TRANSFERRED, TRANSFERRED, f"{department}（协办）{actor.display_name}签收")
    audit.record(
        audit.actor_id(actor), "demand.co_sign", "demand", demand.id, TRANSFERRED, TRANSFERRED,
        number=demand.number, department=department,
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(row)
    return row


def give_opinion(actor: User, demand: Demand, opinion: str | None, at: datetime | None = None) -> DemandCohandler:
    """协办意见: what the co-handler has to say for the lead's answer; one per co-handler, given
    after signing and before the lead answers."""
    row = _row_for(actor, demand, "只有协办单位的联络员可以提出协办意见。")
    opinion = _required_text(opinion, "请填写协办意见。", "opinion")
    if row.opinion is not None:
        raise Conflict("本单位已提出协办意见，不能重复提交。")
    at = at or clock.now()
    # Giving the opinion signs for the demand too, if the liaison had not yet.
    written = db.session.execute(
        update(DemandCohandler)
        .where(DemandCohandler.id == row.id, DemandCohandler.opinion.is_(None))
        .values(opinion=opinion, opinion_at=at, opinion_by_id=actor.id, acknowledged_at=row.acknowledged_at or at)
        .execution_options(synchronize_session=False)
    ).rowcount
    if written != 1:
        raise Conflict("本单位刚刚已提出协办意见，请刷新后查看。")
    # The lead may have answered meanwhile: the opinion then comes too late to be read.
    if db.session.scalar(select(Demand.status).where(Demand.id == demand.id)) != TRANSFERRED:
        raise Conflict("主办部门刚刚已反馈办理结果，协办已结束。")
    department = row.department.short_name
    _event(actor, demand, "co_opinion", at, TRANSFERRED, TRANSFERRED, f"{department}（协办）：{opinion}")
    audit.record(
        audit.actor_id(actor), "demand.co_opinion", "demand", demand.id, TRANSFERRED, TRANSFERRED,
        number=demand.number, department=department, note=opinion,
    )  # fmt: skip
    db.session.flush()
    db.session.refresh(row)
    return row
