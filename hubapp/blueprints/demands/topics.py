"""The topics an enterprise may pick when it raises a demand itself (就业创业、融资贷款…), kept by
staff: added, renamed, put in order, deactivated; deleted only while no demand names one.

Every change is checked against the version of the topic the page was drawn from
(``hubapp/concurrency.py``), and written to the audit log. Like every service, these functions only
flush: the caller's ``atomic()`` commits.
"""

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, concurrency
from hubapp.blueprints.demands.models import TOPIC_NAME_MAX, Demand, DemandTopic
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.rules import Conflict, RuleError

UP = "up"
DOWN = "down"
CHANGED_MEANWHILE = "您打开此页后，该主题已被他人修改，请查看现在的列表后再操作。"


@dataclass
class TopicRow:
    """A topic as the staff page lists it: with how many demands name it."""

    topic: DemandTopic
    uses: int


def active_topics() -> list[DemandTopic]:
    """What the public form offers, in staff's order."""
    return list(db.session.scalars(select(DemandTopic).where(DemandTopic.active).order_by(DemandTopic.position)))


def active_topic(topic_id: int | None) -> DemandTopic | None:
    topic = db.session.get(DemandTopic, topic_id) if topic_id else None
    return topic if topic is not None and topic.active else None


def all_topics() -> list[DemandTopic]:
    """Every topic, active first, for the staff list's filter."""
    return list(db.session.scalars(select(DemandTopic).order_by(DemandTopic.active.desc(), DemandTopic.position)))


def topic_rows() -> list[TopicRow]:
    uses = select(Demand.topic_id, func.count().label("uses")).group_by(Demand.topic_id).subquery()
    stmt = (
        select(DemandTopic, func.coalesce(uses.c.uses, 0))
        .outerjoin(uses, uses.c.topic_id == DemandTopic.id)
        .order_by(DemandTopic.position)
    )
    return [TopicRow(topic, count) for topic, count in db.session.execute(stmt)]


def uses(topic: DemandTopic) -> int:
    """How many demands name the topic."""
    return db.session.scalar(select(func.count()).select_from(Demand).where(Demand.topic_id == topic.id)) or 0


def _clean_name(name: str | None, exclude_id: int | None = None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise RuleError("请填写主题名称。", "name")
    if len(cleaned) > TOPIC_NAME_MAX:
        raise RuleError(f"主题名称不超过{TOPIC_NAME_MAX}字（现为{len(cleaned)}字）。", "name")
    same = db.session.scalar(select(DemandTopic).where(DemandTopic.name == cleaned, DemandTopic.id != (exclude_id or 0)))
    if same is not None:
        raise RuleError(f"已有名为{quoted(cleaned)}的主题{'' if same.active else '（已停用，可重新启用）'}。", "name")
    return cleaned


def _flush_named(topic: DemandTopic) -> None:
    """Flush inside a savepoint: two staff adding the same name at once are told so, not shown a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(topic)
            db.session.flush()
    except IntegrityError:
        raise RuleError(f"已有名为{quoted(topic.name)}的主题。", "name") from None


def add_topic(actor, name: str | None) -> DemandTopic:
    cleaned = _clean_name(name)
    last = db.session.scalar(select(func.max(DemandTopic.position))) or 0
    topic = DemandTopic(name=cleaned, position=last + 1, active=True)
    _flush_named(topic)
    audit.record(audit.actor_id(actor), "demand_topic.create", "demand_topic", topic.id, None, "active", name=cleaned)
    return topic


def rename_topic(actor, topic: DemandTopic, name: str | None, based_on: int | None) -> DemandTopic:
    cleaned = _clean_name(name, exclude_id=topic.id)
    if based_on is not None:
        concurrency.claim(topic, based_on, CHANGED_MEANWHILE)
    old = topic.name
    if cleaned == old:
        return topic
    topic.name = cleaned
    _flush_named(topic)
    audit.record(audit.actor_id(actor), "demand_topic.rename", "demand_topic", topic.id, old=old, name=cleaned)
    return topic


def set_active(actor, topic: DemandTopic, active: bool, based_on: int | None) -> DemandTopic:
    if based_on is not None:
        concurrency.claim(topic, based_on, CHANGED_MEANWHILE)
    if topic.active == active:
        return topic
    old = "active" if topic.active else "inactive"
    topic.active = active
    db.session.flush()
    new = "active" if active else "inactive"
    audit.record(audit.actor_id(actor), f"demand_topic.{'activate' if active else 'deactivate'}", "demand_topic", topic.id, old, new, name=topic.name)  # fmt: skip
    return topic


def move_topic(actor, topic: DemandTopic, direction: str, based_on: int | None) -> DemandTopic:
    """Swap the topic with its neighbour above or below; at either end nothing moves."""
    if direction not in (UP, DOWN):
        raise RuleError("无法识别的排序方向。")
    if based_on is not None:
        concurrency.claim(topic, based_on, CHANGED_MEANWHILE)
    if direction == UP:
        stmt = select(DemandTopic).where(DemandTopic.position < topic.position).order_by(DemandTopic.position.desc())
    else:
        stmt = select(DemandTopic).where(DemandTopic.position > topic.position).order_by(DemandTopic.position)
    neighbour = db.session.scalars(stmt.limit(1).with_for_update()).first()
    if neighbour is None:
        return topic
    mine, theirs = topic.position, neighbour.position
    # Positions are unique: the topic steps aside while its neighbour takes its place.
    for topic_id, position in ((topic.id, -mine), (neighbour.id, mine), (topic.id, theirs)):
        db.session.execute(
            update(DemandTopic).where(DemandTopic.id == topic_id).values(position=position),
            execution_options={"synchronize_session": False},
        )
    db.session.refresh(topic)
    db.session.refresh(neighbour)
    audit.record(audit.actor_id(actor), "demand_topic.move", "demand_topic", topic.id, name=topic.name, neighbour=neighbour.name)
    return topic


def delete_topic(actor, topic: DemandTopic, based_on: int | None) -> None:
    """Remove a topic no demand names: one added by mistake. A topic in use may only be deactivated,
    and the database refuses it too (the demand's foreign key)."""
    if based_on is not None:
        concurrency.claim(topic, based_on, CHANGED_MEANWHILE)
    used = uses(topic)
    if used:
        raise Conflict(f"已有{used}件诉求使用{quoted(topic.name)}，不能删除；不再使用时请停用。")
    name, topic_id = topic.name, topic.id
    try:
        with db.session.begin_nested():
            db.session.delete(topic)
            db.session.flush()
    except IntegrityError:
        raise Conflict(f"{quoted(name)}刚被诉求使用，不能删除；不再使用时请停用。") from None
    audit.record(audit.actor_id(actor), "demand_topic.delete", "demand_topic", topic_id, "active", None, name=name)
