"""The 党建联建 ledger: joint activities of the branches, with the room held through facilities'
``holds`` (as sessions and meetings hold theirs), its photos and its sign-in list. Like every
service these only flush: the caller's ``atomic()`` writes an activity and its room booking
together or not at all.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from hubapp import audit, clock, concurrency
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.demands.selfreport import cleaned_photo
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.party.models import (
    ACTIVITY_KINDS,
    MAX_ACTIVITY_PHOTOS,
    ActivityAttendee,
    ActivityPhoto,
    PartyActivity,
    PartyOrganisation,
    activity_organisation,
)
from hubapp.database import take_turns
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text


@dataclass
class ActivityPlan:
    """What staff fill in for a joint activity: a room of the centre (``room_id``) or a ``place``."""

    kind: str
    theme: str
    start: datetime
    end: datetime
    organiser: str
    organisation_ids: list[int] = field(default_factory=list)
    attendance: int = 0
    room_id: int | None = None
    place: str | None = None
    summary: str | None = None

    @property
    def title(self) -> str:
        """What the room's calendar shows for the activity."""
        return f"{ACTIVITY_KINDS.get(self.kind, '党建联建')}：{self.theme.strip()}"


#: The activity form's names for what a refusal of its room booking can be about.
ROOM_FIELDS = holds.FormFields({"start_at": "start_at", "end_at": "end_at", "headcount": "attendance"}, other="room_id")


def _check_staff(actor) -> None:
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以登记党建联建活动。")


# --- reading -------------------------------------------------------------------------------


def totals_between(start: date, end: date) -> tuple[int, int]:
    """(activities, their attendance summed) starting from ``start`` up to ``end``."""
    count, attendance = db.session.execute(
        select(func.count(PartyActivity.id), func.coalesce(func.sum(PartyActivity.attendance), 0)).where(
            *_held_between(start, end)
        )
    ).one()
    return count, int(attendance)


def _held_between(start: date, end: date) -> tuple:
    return PartyActivity.start_at >= datetime.combine(start, time()), PartyActivity.start_at < datetime.combine(
        end, time()
    )


def attendance_by_month(start: date, end: date) -> dict[tuple[int, int], int]:
    """The attendance of the activities starting from ``start`` up to ``end``, summed by (year,
    month), as ``totals_between`` sums it."""
    year, month = extract("year", PartyActivity.start_at), extract("month", PartyActivity.start_at)
    rows = db.session.execute(
        select(year, month, func.sum(PartyActivity.attendance)).where(*_held_between(start, end)).group_by(year, month)
    )
    return {(int(y), int(m)): int(n) for y, m, n in rows}


def activities_query(
    year: int | None = None,
    kind: str | None = None,
    organisation_id: int | None = None,
    between: tuple[date, date] | None = None,
):
    """The ledger, the latest first; ``between`` keeps those starting from a day up to another
    (exclusive), as a report's period counts them."""
    stmt = (
        select(PartyActivity)
        .options(selectinload(PartyActivity.organisations), holds.with_room(PartyActivity.booking))
        .order_by(PartyActivity.start_at.desc(), PartyActivity.id.desc())
    )
    if year:
        stmt = stmt.where(extract("year", PartyActivity.start_at) == year)
    if kind:
        stmt = stmt.where(PartyActivity.kind == kind)
    if between:
        stmt = stmt.where(*_held_between(*between))
    if organisation_id:
        stmt = stmt.where(
            PartyActivity.id.in_(
                select(activity_organisation.c.activity_id).where(
                    activity_organisation.c.organisation_id == organisation_id
                )
            )
        )
    return stmt


def location(activity: PartyActivity) -> str:
    if holds.holds_room(activity.booking):
        return activity.booking.room.name
    return activity.place or "—"


# --- changes -------------------------------------------------------------------------------


def _organisations(plan: ActivityPlan) -> list[PartyOrganisation]:
    ids = list(dict.fromkeys(plan.organisation_ids))
    found = list(db.session.scalars(select(PartyOrganisation).where(PartyOrganisation.id.in_(ids)))) if ids else []
    if len(found) != len(ids):
        raise RuleError("所选支部不存在，请重新选择。", "organisation_ids")
    return sorted(found, key=lambda organisation: organisation.name)


def _check(plan: ActivityPlan, activity: PartyActivity | None = None) -> list[PartyOrganisation]:
    if plan.kind not in ACTIVITY_KINDS:
        raise RuleError("请选择活动类型。", "kind")
    if not clean_text(plan.theme):
        raise RuleError("请填写活动主题。", "theme")
    if plan.end <= plan.start:
        raise RuleError("结束时间必须晚于开始时间。", "end_at")
    if not clean_text(plan.organiser):
        raise RuleError("请填写组织单位。", "organiser")
    if plan.attendance < 0:
        raise RuleError("参加人数不能为负数。", "attendance")
    if activity is not None and plan.attendance < len(activity.attendees):
        raise RuleError(f"签到名单已有{len(activity.attendees)}人，参加人数不能少于此数。", "attendance")
    if not plan.room_id and not clean_text(plan.place):
        raise RuleError("请选择中心场地，或填写活动地点。", "room_id")
    chosen = _organisations(plan)
    if not chosen:
        raise RuleError("请至少选择一个参加支部。", "organisation_ids")
    if activity is not None:
        signed = {attendee.organisation.name for attendee in activity.attendees}
        dropped = sorted(signed - {organisation.name for organisation in chosen})
        if dropped:
            raise RuleError(f"{'、'.join(dropped)}在签到名单中有人，请先在签到名单中删去再取消该支部。", "organisation_ids")
    return chosen


def _room_use(plan: ActivityPlan) -> holds.RoomUse:
    return holds.RoomUse(
        room_id=plan.room_id,
        start=plan.start,
        end=plan.end,
        title=plan.title,
        # A room is asked for at least one seat; an activity not yet held may not know its count.
        headcount=max(plan.attendance, 1),
        holder=clean_text(plan.organiser),
        purpose="党建联建",
    )


def _hold(actor, plan: ActivityPlan) -> int:
    # An activity entered after it took place records the room it used.
    return holds.hold(actor, _room_use(plan), ROOM_FIELDS, source="party", allow_past=plan.start < clock.now())


def _apply(activity: PartyActivity, plan: ActivityPlan, chosen: list[PartyOrganisation]) -> None:
    activity.kind = plan.kind
    activity.theme = plan.theme.strip()
    activity.start_at, activity.end_at = plan.start, plan.end
    activity.organiser = plan.organiser.strip()
    activity.attendance = plan.attendance
    activity.place = None if plan.room_id else clean_text(plan.place)
    activity.summary = clean_text(plan.summary)
    activity.organisations = chosen


def _branch_names(chosen: list[PartyOrganisation]) -> str:
    return "、".join(organisation.name for organisation in chosen)


def create_activity(actor, plan: ActivityPlan) -> PartyActivity:
    _check_staff(actor)
    chosen = _check(plan)
    activity = PartyActivity(created_by_id=audit.actor_id(actor), created_at=clock.now(), version=1)
    activity.booking_id = _hold(actor, plan) if plan.room_id else None
    _apply(activity, plan, chosen)
    db.session.add(activity)
    db.session.flush()
    audit.record(
        audit.actor_id(actor),
        "party_activity.create",
        "party_activity",
        activity.id,
        theme=activity.theme,
        kind=activity.kind_label,
        branches=_branch_names(chosen),
    )
    return activity


def update_activity(actor, activity: PartyActivity, plan: ActivityPlan, based_on: int | None) -> PartyActivity:
    """Change an activity; another room or time moves its booking in the same transaction."""
    _check_staff(actor)
    concurrency.claim(activity, based_on)
    chosen = _check(plan, activity)
    if not plan.room_id:
        holds.release(actor, activity.booking_id, "活动改在其他地点")
        activity.booking_id = None
    elif holds.holds_room(activity.booking) and activity.booking.room_id == plan.room_id:
        holds.update(actor, activity.booking_id, _room_use(plan), ROOM_FIELDS)
    else:
        holds.release(actor, activity.booking_id, "活动改用其他场地")
        activity.booking_id = _hold(actor, plan)
    _apply(activity, plan, chosen)
    db.session.flush()
    audit.record(
        audit.actor_id(actor),
        "party_activity.update",
        "party_activity",
        activity.id,
        theme=activity.theme,
        branches=_branch_names(chosen),
    )
    return activity


def delete_activity(actor, activity: PartyActivity) -> None:
    """Delete an activity entered by mistake; its room is given back and the audit keeps the record."""
    _check_staff(actor)
    holds.release(actor, activity.booking_id, "联建活动已删除")
    kept = audit.snapshot(activity) | {"organisations": _branch_names(activity.organisations)}
    audit.record(
        audit.actor_id(actor), "party_activity.delete", "party_activity", activity.id, theme=activity.theme, record=kept
    )
    db.session.delete(activity)
    db.session.flush()


# --- photos --------------------------------------------------------------------------------


def add_photos(actor, activity: PartyActivity, uploads: list[bytes]) -> list[ActivityPhoto]:
    """Keep ``uploads`` (the files' bytes as sent) as the activity's next photos, each re-encoded
    without its EXIF; all or none, and never more than nine in all."""
    _check_staff(actor)
    if not uploads:
        raise RuleError("请选择要上传的照片。", "photos")
    # Two uploads to the same activity at once would pick the same free slots: one waits.
    take_turns(db.session, f"party_activity_photo:{activity.id}")
    db.session.refresh(activity, ["photos"])
    room = MAX_ACTIVITY_PHOTOS - len(activity.photos)
    if len(uploads) > room:
        raise RuleError(
            f"每次活动最多保存{MAX_ACTIVITY_PHOTOS}张照片，已有{len(activity.photos)}张，还可上传{room}张。", "photos"
        )
    cleaned = [cleaned_photo(data) for data in uploads]
    free = [slot for slot in range(1, MAX_ACTIVITY_PHOTOS + 1) if slot not in {p.position for p in activity.photos}]
    now = clock.now()
    added = []
    for slot, (content, width, height) in zip(free, cleaned, strict=False):
        photo = ActivityPhoto(
            position=slot, content=content, width=width, height=height, created_at=now,
            created_by_id=audit.actor_id(actor),
        )  # fmt: skip
        activity.photos.append(photo)
        added.append(photo)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "party_activity.photos.add", "party_activity", activity.id,
        theme=activity.theme, photos=len(added),
    )  # fmt: skip
    return added


def remove_photo(actor, activity: PartyActivity, photo_id: int) -> None:
    _check_staff(actor)
    photo = next((p for p in activity.photos if p.id == photo_id), None)
    if photo is None:
        raise Conflict("这张照片已被他人删除。")
    activity.photos.remove(photo)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "party_activity.photos.remove", "party_activity", activity.id,
        theme=activity.theme, position=photo.position,
    )  # fmt: skip


# --- the sign-in list ----------------------------------------------------------------------

#: What separates names in a list typed or pasted from a sign-in sheet.
NAME_SEPARATORS = re.compile(r"[\s,，、;；]+")
NAME_LENGTH = 40


def names_in(text: str | None) -> list[str]:
    """The names in ``text``, in order, each once."""
    return list(dict.fromkeys(name for name in NAME_SEPARATORS.split(text or "") if name))


def set_attendees(actor, activity: PartyActivity, names: dict[int, list[str]], based_on: int | None) -> PartyActivity:
    """Replace the sign-in list with ``names`` (by participating branch id). The attendance
    becomes the number of names when they are more than the figure entered before."""
    _check_staff(actor)
    concurrency.claim(activity, based_on)
    branches = {organisation.id: organisation for organisation in activity.organisations}
    for organisation_id, listed in names.items():
        if organisation_id not in branches:
            raise RuleError("签到名单中的支部未参加此次活动，请刷新后重试。")
        for name in listed:
            if len(name) > NAME_LENGTH:
                raise RuleError(f"姓名“{name[:10]}…”超过{NAME_LENGTH}字，请检查分隔符。", f"names_{organisation_id}")
    # A name kept from the list before keeps its row: the unit of work inserts new rows before it
    # deletes orphaned ones, so a fresh row for a kept name would meet the old one in the unique key.
    kept = {(attendee.organisation_id, attendee.name): attendee for attendee in activity.attendees}
    activity.attendees = [
        kept.get((organisation_id, name)) or ActivityAttendee(organisation_id=organisation_id, name=name)
        for organisation_id in sorted(names, key=lambda i: branches[i].name)
        for name in names[organisation_id]
    ]
    activity.attendance = max(activity.attendance, len(activity.attendees))
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "party_activity.attendees", "party_activity", activity.id,
        theme=activity.theme, attendees=len(activity.attendees),
    )  # fmt: skip
    return activity
