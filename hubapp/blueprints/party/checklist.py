"""The 标准化规范化 checklist: items the centre keeps, ticked per branch and year with a date and
a note. The board puts the branches furthest behind first, with the joint activities each took
part in that year, so that "主题党日 monthly" can be read from the ledger."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select

from hubapp import audit
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.party import organisations
from hubapp.blueprints.party.models import (
    ChecklistItem,
    ChecklistTick,
    PartyActivity,
    PartyOrganisation,
    activity_organisation,
)
from hubapp.extensions import db
from hubapp.rules import NotAllowed, RuleError


def _check_staff(actor) -> None:
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以维护标准化规范化清单。")


# --- reading -------------------------------------------------------------------------------


def items(include_inactive: bool = False) -> list[ChecklistItem]:
    stmt = select(ChecklistItem).order_by(ChecklistItem.sort_order, ChecklistItem.id)
    if not include_inactive:
        stmt = stmt.where(ChecklistItem.active.is_(True))
    return list(db.session.scalars(stmt))


def ticks(organisation: PartyOrganisation, year: int) -> dict[int, ChecklistTick]:
    """The branch's ticks of ``year``, by item id."""
    stmt = select(ChecklistTick).where(ChecklistTick.organisation_id == organisation.id, ChecklistTick.year == year)
    return {tick.item_id: tick for tick in db.session.scalars(stmt)}


def activity_counts(year: int) -> dict[int, int]:
    """How many joint activities each branch took part in during ``year``, by organisation id."""
    stmt = (
        select(activity_organisation.c.organisation_id, func.count())
        .join(PartyActivity, PartyActivity.id == activity_organisation.c.activity_id)
        .where(extract("year", PartyActivity.start_at) == year)
        .group_by(activity_organisation.c.organisation_id)
    )
    return dict(db.session.execute(stmt).all())


@dataclass
class Progress:
    organisation: PartyOrganisation
    done: int
    total: int
    activities: int

    @property
    def missing(self) -> int:
        return self.total - self.done


def board(year: int) -> list[Progress]:
    """Every branch in the register with the items it has met in ``year``; furthest behind first."""
    kept = items()
    kept_ids = {item.id for item in kept}
    done = dict(
        db.session.execute(
            select(ChecklistTick.organisation_id, func.count())
            .where(ChecklistTick.year == year, ChecklistTick.item_id.in_(kept_ids))
            .group_by(ChecklistTick.organisation_id)
        ).all()
    ) if kept_ids else {}  # fmt: skip
    taken_part = activity_counts(year)
    rows = [
        Progress(organisation, done.get(organisation.id, 0), len(kept), taken_part.get(organisation.id, 0))
        for organisation in organisations.organisations(include_inactive=False)
    ]
    return sorted(rows, key=lambda row: (-row.missing, row.activities, row.organisation.name))


# --- changes -------------------------------------------------------------------------------


def _title(title: str, item: ChecklistItem | None) -> str:
    title = (title or "").strip()
    if not title:
        raise RuleError("请填写项目名称。", "title")
    taken = db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.title == title))
    if taken is not None and (item is None or taken != item.id):
        raise RuleError("清单中已有该项目。", "title")
    return title


def create_item(actor, title: str, sort_order: int = 0) -> ChecklistItem:
    _check_staff(actor)
    item = ChecklistItem(title=_title(title, None), sort_order=sort_order or 0, active=True)
    db.session.add(item)
    db.session.flush()
    audit.record(audit.actor_id(actor), "party_checklist.item.create", "party_checklist", item.id, item=item.title)
    return item


def update_item(actor, item: ChecklistItem, title: str, sort_order: int, active: bool) -> ChecklistItem:
    """Rename, reorder, or take an item off the list (its past ticks stay)."""
    _check_staff(actor)
    before = item.title
    item.title = _title(title, item)
    item.sort_order = sort_order or 0
    item.active = active
    db.session.flush()
    audit.record(
        audit.actor_id(actor),
        "party_checklist.item.update",
        "party_checklist",
        item.id,
        item=item.title,
        changes=f"{before} → {item.title}；{'在用' if active else '停用'}",
    )
    return item


def tick(actor, organisation: PartyOrganisation, item: ChecklistItem, year: int, done_on: date, note: str | None) -> ChecklistTick:
    """Mark ``item`` met by the branch in ``year``; ticking again corrects the date and note."""
    _check_staff(actor)
    if not organisation.active:
        raise RuleError("该党组织已撤销，不再勾选清单。")
    if not item.active:
        raise RuleError("该项目已停用。")
    if done_on.year != year:
        raise RuleError(f"完成日期须在{year}年内。", "done_on")
    found = ticks(organisation, year).get(item.id)
    if found is None:
        found = ChecklistTick(organisation_id=organisation.id, item_id=item.id, year=year)
        db.session.add(found)
    found.done_on = done_on
    found.note = (note or "").strip() or None
    found.ticked_by_id = audit.actor_id(actor)
    db.session.flush()
    audit.record(
        audit.actor_id(actor),
        "party_checklist.tick",
        "party_checklist",
        item.id,
        organisation=organisation.name,
        item=item.title,
        year=year,
        done_on=done_on.isoformat(),
        note=found.note,
    )
    return found


def untick(actor, organisation: PartyOrganisation, item: ChecklistItem, year: int) -> None:
    _check_staff(actor)
    found = ticks(organisation, year).get(item.id)
    if found is None:
        return
    audit.record(
        audit.actor_id(actor),
        "party_checklist.untick",
        "party_checklist",
        item.id,
        organisation=organisation.name,
        item=item.title,
        year=year,
        record=audit.snapshot(found),
    )
    db.session.delete(found)
    db.session.flush()
