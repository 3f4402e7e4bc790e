"""Demands and grid workers' visits, through the demands services."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from hubapp import clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import moves, visits
from hubapp.blueprints.demands.models import Demand, Visit
from hubapp.blueprints.demands.moves import DemandDraft
from hubapp.blueprints.directory.models import Department, Enterprise
from hubapp.database import atomic


def demand(
    actor: User,
    enterprise: Enterprise,
    *,
    kind: str = "problem",
    title: str = "优化公交车时间表",
    description: str = "早班车发车太晚，与企业上班时间不衔接。",
    contact_name: str = "杨先生",
    contact_mobile: str = "13985263751",
    source: str = "visit",
    **draft,
) -> Demand:
    """A demand ``actor`` (staff, or the grid worker of the enterprise's grid) registers today;
    ``draft`` sets the rest of ``DemandDraft`` (``received_on``, ``deadline``, ``visit_id``)."""
    with atomic():
        made = moves.create_demand(
            actor,
            DemandDraft(
                enterprise_id=enterprise.id, kind=kind, title=title, description=description,
                contact_name=contact_name, contact_mobile=contact_mobile, source=source, **draft,
            ),
        )  # fmt: skip
    return made


def transferred(
    actor: User,
    enterprise: Enterprise,
    department: Department,
    *,
    note: str = "请解答出口退税进度。",
    deadline: date | None = None,
    **draft,
) -> Demand:
    """A demand registered and transferred (转办) to ``department`` by ``actor``, due in ten days."""
    made = demand(actor, enterprise, **draft)
    with atomic():
        moves.transfer(actor, made, department.id, note, deadline or clock.today() + timedelta(days=10))
    return made


def visit(
    actor: User,
    enterprise: Enterprise,
    visited_on: date | None = None,
    topics: Sequence[str] = ("party",),
    notes: str | None = None,
    at: datetime | None = None,
) -> Visit:
    """A grid worker's visit to an enterprise of their grid, today unless ``visited_on`` says."""
    with atomic():
        made = visits.log_visit(actor, enterprise.id, visited_on or clock.today(), list(topics), notes, at=at)
    return made
