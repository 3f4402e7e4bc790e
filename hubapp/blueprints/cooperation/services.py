"""产学研 rules and figures: partners, cooperation projects, 实习实训 placements and the yearly
totals. Like every service these only flush; the caller's ``atomic()`` commits."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hubapp import audit, concurrency
from hubapp.blueprints.auth.roles import STAFF_ROLES
from hubapp.blueprints.cooperation.models import (
    PARTNER_KINDS,
    PROJECT_KINDS,
    PROJECT_STATUSES,
    RESEARCH,
    TRAINING,
    Partner,
    Placement,
    Project,
)
from hubapp.blueprints.demands import outcomes as demand_outcomes
from hubapp.blueprints.directory import services as directory
from hubapp.extensions import db
from hubapp.forms import MOBILE_MESSAGE, is_mobile
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text


def check_staff(actor) -> None:
    if actor is not None and actor.role not in STAFF_ROLES:
        raise NotAllowed("只有中心工作人员可以维护产学研合作。")


# --- typed inputs ----------------------------------------------------------------------------


@dataclass
class PartnerDetails:
    name: str
    kind: str
    contact_name: str | None = None
    contact_phone: str | None = None
    agreement: str | None = None
    agreement_signed_on: date | None = None
    agreement_ends_on: date | None = None
    notes: str | None = None


@dataclass
class ProjectDetails:
    kind: str
    partner_id: int
    title: str
    status: str
    started_on: date
    enterprise_id: int | None = None
    qualified: int = 0


@dataclass
class MatchDetails:
    """A 技术需求 demand turned into a 科研对接 project: the partner picked, the topic (the
    demand's title unless staff reword it), the status and the start."""

    partner_id: int
    title: str
    status: str
    started_on: date


@dataclass
class PlacementDetails:
    partner_id: int
    enterprise_id: int
    start_on: date
    end_on: date
    students: int
    note: str | None = None


# --- reading -------------------------------------------------------------------------------


def partners() -> list[Partner]:
    return list(db.session.scalars(select(Partner).order_by(Partner.name)))


def projects_query(kind: str | None = None, year: int | None = None, between: tuple[date, date] | None = None):
    stmt = (
        select(Project)
        .options(selectinload(Project.partner), selectinload(Project.enterprise), selectinload(Project.demand))
        .order_by(Project.started_on.desc(), Project.id.desc())
    )
    if kind:
        stmt = stmt.where(Project.kind == kind)
    if year:
        stmt = stmt.where(extract("year", Project.started_on) == year)
    if between:
        stmt = stmt.where(Project.started_on >= between[0], Project.started_on < between[1])
    return stmt


def placements_query(
    year: int | None = None, enterprise_id: int | None = None, between: tuple[date, date] | None = None
):
    """Placements, the latest first; ``between`` keeps those starting from a day up to another
    (exclusive): a placement's person-times count in the period it starts in, as ``year_figures``
    counts them by the year it starts in."""
    stmt = (
        select(Placement)
        .options(selectinload(Placement.partner), selectinload(Placement.enterprise))
        .order_by(Placement.start_on.desc(), Placement.id.desc())
    )
    if year:
        stmt = stmt.where(extract("year", Placement.start_on) == year)
    if enterprise_id:
        stmt = stmt.where(Placement.enterprise_id == enterprise_id)
    if between:
        stmt = stmt.where(Placement.start_on >= between[0], Placement.start_on < between[1])
    return stmt


def project_for_demand(demand_id: int) -> Project | None:
    """The 科研对接 project a 技术需求 demand was matched into, if any."""
    return db.session.scalar(
        select(Project).options(selectinload(Project.partner)).where(Project.demand_id == demand_id)
    )


@dataclass
class YearFigures:
    """What the centre reports for a year: 实习实训人次 (by enterprise and by partner), trainees
    qualified, and the cooperation projects begun, by kind."""

    year: int
    person_times: int
    placements: int
    by_enterprise: list[tuple]
    by_partner: list[tuple]
    qualified: int
    projects_by_kind: dict[str, int]


def year_figures(year: int) -> YearFigures:
    in_year = extract("year", Placement.start_on) == year
    person_times, count, qualified = totals_between(date(year, 1, 1), date(year + 1, 1, 1))
    by_enterprise = db.session.execute(
        select(Placement.enterprise_id, func.sum(Placement.students).label("total"))
        .where(in_year)
        .group_by(Placement.enterprise_id)
        .order_by(func.sum(Placement.students).desc(), Placement.enterprise_id)
    ).all()
    enterprises = {e.id: e for e in (directory.get_enterprise(row.enterprise_id) for row in by_enterprise) if e}
    by_partner = db.session.execute(
        select(Partner, func.sum(Placement.students))
        .join(Placement, Placement.partner_id == Partner.id)
        .where(in_year)
        .group_by(Partner.id)
        .order_by(func.sum(Placement.students).desc(), Partner.id)
    ).all()
    project_year = extract("year", Project.started_on) == year
    counted = dict(db.session.execute(select(Project.kind, func.count()).where(project_year).group_by(Project.kind)).all())
    return YearFigures(
        year=year,
        person_times=person_times,
        placements=count,
        by_enterprise=[(enterprises[row.enterprise_id], int(row.total)) for row in by_enterprise],
        by_partner=[(partner, int(total)) for partner, total in by_partner],
        qualified=qualified,
        projects_by_kind={kind: int(counted.get(kind, 0)) for kind in PROJECT_KINDS},
    )


def totals_between(start: date, end: date) -> tuple[int, int, int]:
    """(实习实训 person-times, placements, trainees qualified in 职业技能培训) of the placements and
    training courses starting from ``start`` up to ``end``."""
    person_times, count = db.session.execute(
        select(func.coalesce(func.sum(Placement.students), 0), func.count(Placement.id)).where(
            Placement.start_on >= start, Placement.start_on < end
        )
    ).one()
    qualified = db.session.scalar(
        select(func.coalesce(func.sum(Project.qualified), 0)).where(
            Project.kind == TRAINING, Project.started_on >= start, Project.started_on < end
        )
    )
    return int(person_times), int(count), int(qualified)


def person_times_by_month(start: date, end: date) -> dict[tuple[int, int], int]:
    """实习实训 person-times of the placements starting from ``start`` up to ``end``, by (year,
    month) of their start, as ``totals_between`` sums them."""
    year, month = extract("year", Placement.start_on), extract("month", Placement.start_on)
    rows = db.session.execute(
        select(year, month, func.sum(Placement.students))
        .where(Placement.start_on >= start, Placement.start_on < end)
        .group_by(year, month)
    )
    return {(int(y), int(m)): int(n) for y, m, n in rows}


# --- partners ------------------------------------------------------------------------------


def _check_partner(details: PartnerDetails, partner: Partner | None) -> str:
    name = clean_text(details.name)
    if not name:
        raise RuleError("请填写合作单位名称。", "name")
    if details.kind not in PARTNER_KINDS:
        raise RuleError("请选择单位类型。", "kind")
    if clean_text(details.contact_phone) and not is_mobile(details.contact_phone.strip()):
        raise RuleError(MOBILE_MESSAGE, "contact_phone")
    if details.agreement_ends_on and not details.agreement_signed_on:
        raise RuleError("填写协议到期日期时，请同时填写签订日期。", "agreement_signed_on")
    if details.agreement_ends_on and details.agreement_ends_on < details.agreement_signed_on:
        raise RuleError("协议到期日期不能早于签订日期。", "agreement_ends_on")
    same = db.session.scalar(select(Partner).where(Partner.name == name))
    if same is not None and same is not partner:
        raise RuleError("已有同名的合作单位。", "name")
    return name


def _apply_partner(partner: Partner, name: str, details: PartnerDetails) -> None:
    partner.name, partner.kind = name, details.kind
    partner.contact_name = clean_text(details.contact_name)
    partner.contact_phone = clean_text(details.contact_phone)
    partner.agreement = clean_text(details.agreement)
    partner.agreement_signed_on, partner.agreement_ends_on = details.agreement_signed_on, details.agreement_ends_on
    partner.notes = clean_text(details.notes)


def create_partner(actor, details: PartnerDetails) -> Partner:
    check_staff(actor)
    partner = Partner(version=1)
    _apply_partner(partner, _check_partner(details, None), details)
    db.session.add(partner)
    db.session.flush()
    audit.record(audit.actor_id(actor), "coop_partner.create", "coop_partner", partner.id, name=partner.name)
    return partner


def update_partner(actor, partner: Partner, details: PartnerDetails, based_on: int | None) -> Partner:
    check_staff(actor)
    concurrency.claim(partner, based_on)
    _apply_partner(partner, _check_partner(details, partner), details)
    db.session.flush()
    audit.record(audit.actor_id(actor), "coop_partner.update", "coop_partner", partner.id, name=partner.name)
    return partner


# --- projects ------------------------------------------------------------------------------


def _check_project(details: ProjectDetails) -> str:
    if details.kind not in PROJECT_KINDS:
        raise RuleError("请选择项目类型。", "kind")
    if db.session.get(Partner, details.partner_id or 0) is None:
        raise RuleError("请选择合作单位。", "partner_id")
    title = clean_text(details.title)
    if not title:
        raise RuleError("请填写项目名称或课题。", "title")
    if details.status not in PROJECT_STATUSES:
        raise RuleError("请选择项目状态。", "status")
    if details.enterprise_id and directory.get_enterprise(details.enterprise_id) is None:
        raise RuleError("所选企业不存在。", "enterprise_id")
    if details.kind != TRAINING and not details.enterprise_id:
        raise RuleError(f"{PROJECT_KINDS[details.kind]}须选择合作企业。", "enterprise_id")
    if details.qualified < 0:
        raise RuleError("培训合格人数不能为负数。", "qualified")
    if details.kind != TRAINING and details.qualified:
        raise RuleError("只有职业技能培训填写培训合格人数。", "qualified")
    return title


def _apply_project(project: Project, title: str, details: ProjectDetails) -> None:
    project.kind, project.partner_id, project.title = details.kind, details.partner_id, title
    project.status, project.started_on = details.status, details.started_on
    project.enterprise_id = details.enterprise_id or None
    project.qualified = details.qualified


def create_project(actor, details: ProjectDetails) -> Project:
    check_staff(actor)
    project = Project(version=1)
    _apply_project(project, _check_project(details), details)
    db.session.add(project)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "coop_project.create", "coop_project", project.id,
        title=project.title, kind=project.kind_label,
    )  # fmt: skip
    return project


def _check_still_the_match(project: Project, details: ProjectDetails) -> None:
    """A project matched from a 技术需求 stays a 科研对接 with that demand's enterprise."""
    if details.kind != RESEARCH:
        raise RuleError("该项目由技术需求对接而来，只能是科研对接。", "kind")
    if details.enterprise_id != project.demand.enterprise_id:
        raise RuleError(f"该项目由技术需求对接而来，合作企业应为{project.demand.enterprise.name}。", "enterprise_id")


def update_project(actor, project: Project, details: ProjectDetails, based_on: int | None) -> Project:
    check_staff(actor)
    concurrency.claim(project, based_on)
    old_status, old_partner_id = project.status, project.partner_id
    title = _check_project(details)
    if project.demand_id is not None:
        _check_still_the_match(project, details)
    _apply_project(project, title, details)
    db.session.flush()
    if project.demand_id is not None and (project.partner_id, project.status) != (old_partner_id, old_status):
        # The demand's outcome names the partner and whether the project started: keep it true.
        partner = db.session.get(Partner, project.partner_id)
        demand_outcomes.record_match(actor, project.demand, partner.name, project.status != "negotiating")
    audit.record(
        audit.actor_id(actor), "coop_project.update", "coop_project", project.id, old_status, project.status,
        title=project.title,
    )  # fmt: skip
    return project


def match_demand(actor, demand, details: MatchDetails) -> Project:
    """Turn a 技术需求 demand into a 科研对接 project between the partner picked and the demand's
    enterprise, linked to the demand; the demand's outcome then names the partner. A demand is
    matched once: a second attempt, even one racing the first, is a conflict (the unique
    constraint on ``coop_project.demand_id`` decides the race)."""
    check_staff(actor)
    if demand.kind != "tech":
        raise Conflict("只有技术需求可以对接合作单位。")
    if demand.status == "declined":
        raise Conflict("该需求不予受理，不能对接合作单位。")
    if project_for_demand(demand.id) is not None:
        raise Conflict("该需求已对接科研项目，不能重复对接。")
    project_details = ProjectDetails(
        RESEARCH, details.partner_id, details.title, details.status, details.started_on, demand.enterprise_id
    )
    project = Project(version=1, demand_id=demand.id)
    _apply_project(project, _check_project(project_details), project_details)
    try:
        with db.session.begin_nested():
            db.session.add(project)
            db.session.flush()
    except IntegrityError:
        raise Conflict("该需求刚刚已由他人对接科研项目，请刷新后查看。") from None
    partner = db.session.get(Partner, project.partner_id)
    demand_outcomes.record_match(actor, demand, partner.name, project.status != "negotiating")
    audit.record(
        audit.actor_id(actor), "coop_project.match", "coop_project", project.id, None, project.status,
        title=project.title, demand=demand.number, partner=partner.name,
    )  # fmt: skip
    return project


# --- placements ----------------------------------------------------------------------------


def create_placement(actor, details: PlacementDetails) -> Placement:
    check_staff(actor)
    if db.session.get(Partner, details.partner_id or 0) is None:
        raise RuleError("请选择合作院校。", "partner_id")
    if directory.get_enterprise(details.enterprise_id or 0) is None:
        raise RuleError("请选择实习实训企业。", "enterprise_id")
    if details.end_on < details.start_on:
        raise RuleError("结束日期不能早于开始日期。", "end_on")
    if details.students <= 0:
        raise RuleError("学生人数应大于0。", "students")
    placement = Placement(
        partner_id=details.partner_id, enterprise_id=details.enterprise_id, start_on=details.start_on,
        end_on=details.end_on, students=details.students, note=clean_text(details.note),
    )  # fmt: skip
    db.session.add(placement)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "coop_placement.create", "coop_placement", placement.id,
        students=placement.students, start_on=placement.start_on.isoformat(),
    )  # fmt: skip
    return placement


def delete_placement(actor, placement: Placement) -> None:
    """Delete a placement entered by mistake; the audit keeps what it was."""
    check_staff(actor)
    audit.record(
        audit.actor_id(actor), "coop_placement.delete", "coop_placement", placement.id,
        students=placement.students, record=audit.snapshot(placement),
    )  # fmt: skip
    db.session.delete(placement)
    db.session.flush()
