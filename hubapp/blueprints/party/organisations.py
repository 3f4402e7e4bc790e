"""Enterprise party organisations and the coverage they give.

An enterprise is covered (党组织覆盖) when an organisation in the register (not dissolved) covers
it; a 联合党支部 covering three enterprises covers three, a dissolved one none. An enterprise
belongs to one organisation at a time, so coverage is never counted twice.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hubapp import audit, concurrency
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.directory import services as directory
from hubapp.blueprints.party.models import (
    GENERAL,
    JOINT,
    ONE_ACTIVE_ORGANISATION_INDEX,
    ORGANISATION_KINDS,
    SINGLE,
    PartyOrganisation,
    organisation_enterprise,
)
from hubapp.extensions import db
from hubapp.rules import NotAllowed, RuleError


@dataclass
class OrganisationDetails:
    """What staff fill in for a party organisation."""

    name: str
    kind: str
    enterprise_ids: list[int]
    secretary: str | None = None
    members: int = 0
    established_on: date | None = None
    #: 党建工作指导员: a grid worker's account.
    instructor_id: int | None = None


def _check_staff(actor) -> None:
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以维护党组织。")


# --- reading -------------------------------------------------------------------------------


def organisations(include_inactive: bool = True) -> list[PartyOrganisation]:
    stmt = (
        select(PartyOrganisation)
        .options(selectinload(PartyOrganisation.enterprises), selectinload(PartyOrganisation.instructor))
        .order_by(PartyOrganisation.active.desc(), PartyOrganisation.name)
    )
    if not include_inactive:
        stmt = stmt.where(PartyOrganisation.active.is_(True))
    return list(db.session.scalars(stmt))


def instructors() -> list:
    """Who may be a branch's 党建工作指导员: the grid workers."""
    return accounts.grid_workers()


def covering(exclude: PartyOrganisation | None = None) -> dict[int, PartyOrganisation]:
    """The active organisation covering each enterprise, by enterprise id."""
    stmt = (
        select(organisation_enterprise.c.enterprise_id, PartyOrganisation)
        .join(PartyOrganisation, PartyOrganisation.id == organisation_enterprise.c.organisation_id)
        .where(PartyOrganisation.active.is_(True))
    )
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(PartyOrganisation.id != exclude.id)
    return {enterprise_id: organisation for enterprise_id, organisation in db.session.execute(stmt)}


def covering_of(enterprise_ids) -> dict[int, PartyOrganisation]:
    """The active organisation covering each of ``enterprise_ids`` that has one: what the
    register's pages and its Excel export show as an enterprise's 党组织."""
    ids = list(set(enterprise_ids))
    if not ids:
        return {}
    stmt = (
        select(organisation_enterprise.c.enterprise_id, PartyOrganisation)
        .join(PartyOrganisation, PartyOrganisation.id == organisation_enterprise.c.organisation_id)
        .where(PartyOrganisation.active.is_(True), organisation_enterprise.c.enterprise_id.in_(ids))
    )
    return {enterprise_id: organisation for enterprise_id, organisation in db.session.execute(stmt)}


@dataclass
class Share:
    covered: int
    total: int

    @property
    def percent(self) -> str:
        return f"{self.covered * 100 / self.total:.1f}%" if self.total else "—"


@dataclass
class Coverage:
    """规上 enterprises and all enterprises of the register with a party organisation, and those
    without one by grid (None: enterprises in no grid)."""

    above_size: Share
    all: Share
    uncovered_by_grid: dict = field(default_factory=dict)


def coverage() -> Coverage:
    covered = covering()
    enterprises = list(db.session.scalars(directory.enterprise_query()))
    above = [e for e in enterprises if e.above_designated_size]
    uncovered = defaultdict(list)
    for enterprise in enterprises:
        if enterprise.id not in covered:
            uncovered[enterprise.grid].append(enterprise)
    by_grid = dict(sorted(uncovered.items(), key=lambda pair: pair[0].number if pair[0] else 10**9))
    return Coverage(
        above_size=Share(sum(e.id in covered for e in above), len(above)),
        all=Share(sum(e.id in covered for e in enterprises), len(enterprises)),
        uncovered_by_grid=by_grid,
    )


# --- changes -------------------------------------------------------------------------------


def _clean(details: OrganisationDetails, organisation: PartyOrganisation | None):
    name = (details.name or "").strip()
    if not name:
        raise RuleError("请填写党组织名称。", "name")
    taken = db.session.scalar(select(PartyOrganisation.id).where(PartyOrganisation.name == name))
    if taken is not None and (organisation is None or taken != organisation.id):
        raise RuleError("已有同名党组织，请换一个名称。", "name")
    if details.kind not in ORGANISATION_KINDS:
        raise RuleError("请选择组织类型。", "kind")
    ids = list(dict.fromkeys(details.enterprise_ids))
    if details.kind == SINGLE and len(ids) != 1:
        raise RuleError("单独党支部覆盖一家企业，请填写这家企业。", "enterprises")
    if details.kind == JOINT and len(ids) < 2:
        raise RuleError("联合党支部至少覆盖两家企业，请逐一填写。", "enterprises")
    if details.kind == GENERAL and not ids:
        raise RuleError("请填写党总支所在的企业。", "enterprises")
    enterprises = [directory.get_enterprise(enterprise_id) for enterprise_id in ids]
    if any(enterprise is None for enterprise in enterprises):
        raise RuleError("所选企业不在企业名录中。", "enterprises")
    others = covering(exclude=organisation)
    for enterprise in enterprises:
        if enterprise.id in others:
            raise RuleError(f"{enterprise.name}已由{others[enterprise.id].name}覆盖；一家企业只属于一个党组织。", "enterprises")
    if details.members < 0:
        raise RuleError("党员人数不能为负数。", "members")
    if details.instructor_id is not None and details.instructor_id not in {u.id for u in instructors()}:
        raise RuleError("党建工作指导员须为在岗的网格员。", "instructor_id")
    return name, enterprises


def _cover(organisation: PartyOrganisation | None, enterprises: list, field: str | None, change: Callable) -> None:
    """Make ``change`` to an organisation's coverage and write it. The database refuses an
    enterprise that another organisation in the register covers (see ``organisation_enterprise``):
    one saved by someone else after this request's check. Say which, as the check would have."""
    try:
        # The change is made inside the savepoint: begin_nested() first writes what is pending.
        with db.session.begin_nested():
            change()
            db.session.flush()
    except IntegrityError as error:
        if not _is_double_coverage(error):
            raise
        others = covering(exclude=organisation)
        taken = "；".join(f"{e.name}刚由{others[e.id].name}覆盖" for e in enterprises if e.id in others)
        raise RuleError(f"{taken or '所选企业刚由其他党组织覆盖'}；一家企业只属于一个党组织。", field) from None


def _is_double_coverage(error: IntegrityError) -> bool:
    said = str(error.orig)
    # PostgreSQL names the index; SQLite names the column it keeps unique.
    return ONE_ACTIVE_ORGANISATION_INDEX in said or "party_organisation_enterprise.enterprise_id" in said


def _enterprise_names(organisation: PartyOrganisation) -> str:
    return "、".join(enterprise.name for enterprise in organisation.enterprises)


def _apply(organisation: PartyOrganisation, name: str, enterprises: list, details: OrganisationDetails) -> None:
    organisation.name = name
    organisation.kind = details.kind
    organisation.secretary = (details.secretary or "").strip() or None
    organisation.members = details.members
    organisation.established_on = details.established_on
    organisation.instructor_id = details.instructor_id
    organisation.enterprises = enterprises


def create_organisation(actor, details: OrganisationDetails) -> PartyOrganisation:
    _check_staff(actor)
    name, enterprises = _clean(details, None)
    organisation = PartyOrganisation(active=True, version=1)

    def add() -> None:
        _apply(organisation, name, enterprises, details)
        db.session.add(organisation)

    _cover(None, enterprises, "enterprises", add)
    audit.record(
        audit.actor_id(actor),
        "party_organisation.create",
        "party_organisation",
        organisation.id,
        None,
        "active",
        name=name,
        kind=organisation.kind_label,
        enterprises=_enterprise_names(organisation),
    )
    return organisation


def _described(organisation: PartyOrganisation) -> dict[str, str]:
    return {
        "名称": organisation.name,
        "组织类型": organisation.kind_label,
        "覆盖企业": _enterprise_names(organisation),
        "书记": organisation.secretary or "（空）",
        "党员人数": str(organisation.members),
        "成立日期": str(organisation.established_on or "（空）"),
        "党建工作指导员": organisation.instructor.display_name if organisation.instructor else "（空）",
    }


def update_organisation(
    actor, organisation: PartyOrganisation, details: OrganisationDetails, based_on: int | None
) -> PartyOrganisation:
    _check_staff(actor)
    concurrency.claim(organisation, based_on)
    name, enterprises = _clean(details, organisation)
    before = _described(organisation)
    _cover(organisation, enterprises, "enterprises", lambda: _apply(organisation, name, enterprises, details))
    db.session.refresh(organisation, ["instructor"])
    after = _described(organisation)
    changes = "；".join(f"{label}：{before[label]} → {after[label]}" for label in before if before[label] != after[label])
    audit.record(
        audit.actor_id(actor), "party_organisation.update", "party_organisation", organisation.id, name=name, changes=changes
    )
    return organisation


def set_active(actor, organisation: PartyOrganisation, active: bool, reason: str = "") -> PartyOrganisation:
    """Dissolve (撤销) an organisation, or bring it back; it keeps its history either way."""
    _check_staff(actor)
    if organisation.active == active:
        return organisation
    if active:
        others = covering(exclude=organisation)
        for enterprise in organisation.enterprises:
            if enterprise.id in others:
                raise RuleError(f"{enterprise.name}现由{others[enterprise.id].name}覆盖，不能恢复。")
    elif not reason.strip():
        raise RuleError("请填写撤销原因。", "reason")

    def turn() -> None:
        organisation.active = active
        organisation.version += 1

    _cover(organisation, list(organisation.enterprises), None, turn)
    audit.record(
        audit.actor_id(actor),
        "party_organisation.reactivate" if active else "party_organisation.deactivate",
        "party_organisation",
        organisation.id,
        "inactive" if active else "active",
        "active" if active else "inactive",
        name=organisation.name,
        reason=reason.strip() or None,
    )
    return organisation
