"""办理成效: a demand's outcome in figures the statistics add up, entered with the answer (反馈)
or at closing (销号), in the same unit of work as that move.

Which figures a demand has depends on its list: 资金需求 — the money obtained (万元), the
instrument and the bank or fund; 问题诉求 / 配套需求 — resolved, partly or not possible (what was
done is the answer's text); 技术需求 — the partner matched and whether a project started; any
list — the jobs filled (人).
"""

from dataclasses import dataclass
from decimal import Decimal

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands.models import (
    ANSWERED,
    FUNDING_INSTRUMENTS,
    HANDLING,
    RESOLUTIONS,
    RESOLVED_KINDS,
    TRANSFERRED,
    Demand,
    DemandOutcome,
)
from hubapp.blueprints.demands.reading import answers_for_department, is_staff
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError, clean_text

#: The largest amount one demand may report, in 万元 (Numeric(12, 2) holds far more; this
#: catches an amount typed in 元).
AMOUNT_MAX = Decimal("1000000")
JOBS_MAX = 100000
TEXT_MAX = 100


@dataclass
class Outcome:
    """What the answer or closing form says the demand achieved (``views._outcome_from``)."""

    funding_amount: Decimal | None = None
    funding_instrument: str | None = None
    funding_source: str | None = None
    resolution: str | None = None
    partner: str | None = None
    project_started: bool | None = None
    jobs_filled: int | None = None


def _short_text(value: str | None, label: str, field: str) -> str | None:
    text = clean_text(value)
    if text and len(text) > TEXT_MAX:
        raise RuleError(f"{label}不超过{TEXT_MAX}字。", field)
    return text


def _checked(demand: Demand, outcome: Outcome) -> dict:
    """The columns to write, only those of the demand's list; a rule broken is a ``RuleError``."""
    values: dict = {"jobs_filled": None}
    if outcome.jobs_filled is not None:
        if not 0 <= outcome.jobs_filled <= JOBS_MAX:
            raise RuleError(f"解决就业人数应在0至{JOBS_MAX}之间。", "jobs_filled")
        values["jobs_filled"] = outcome.jobs_filled
    if demand.kind == "funding":
        amount = outcome.funding_amount
        if amount is not None and not (0 <= amount <= AMOUNT_MAX):
            raise RuleError("融资金额应为0至100万万元之间的数（单位：万元）。", "funding_amount")
        instrument = outcome.funding_instrument or None
        if instrument is not None and instrument not in FUNDING_INSTRUMENTS:
            raise RuleError("请选择融资方式。", "funding_instrument")
        if amount is not None and instrument is None:
            raise RuleError("填写了融资金额，请选择融资方式。", "funding_instrument")
        values |= {
            "funding_amount": amount.quantize(Decimal("0.01")) if amount is not None else None,
            "funding_instrument": instrument,
            "funding_source": _short_text(outcome.funding_source, "银行或基金", "funding_source"),
        }
    elif demand.kind in RESOLVED_KINDS:
        # Optional, so that an answer typed before outcomes existed still goes through; the
        # statistics count what was said.
        if outcome.resolution and outcome.resolution not in RESOLUTIONS:
            raise RuleError("请选择解决情况。", "resolution")
        values["resolution"] = outcome.resolution or None
    elif demand.kind == "tech":
        values |= {
            "partner": _short_text(outcome.partner, "对接院校或机构", "partner"),
            "project_started": bool(outcome.project_started),
        }
    return values


def record(actor: User, demand: Demand, outcome: Outcome) -> DemandOutcome | None:
    """Write the demand's outcome (replacing what was entered before), while it is being answered
    or waits for closing; with an audit row. Nothing entered and nothing before: nothing written."""
    if not (is_staff(actor) or answers_for_department(actor, demand)):
        raise NotAllowed("只有承办部门的联络员或中心工作人员可以填写办理成效。")
    if demand.status not in (HANDLING, TRANSFERRED, ANSWERED):
        raise Conflict(f"该诉求当前为“{demand.status_label}”，不能填写办理成效。")
    values = _checked(demand, outcome)
    row = db.session.get(DemandOutcome, demand.id)
    if row is None and not any(values.values()) and values.get("funding_amount") is None:
        return None
    if row is None:
        row = DemandOutcome(demand_id=demand.id)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    db.session.flush()
    shown = {name: str(value) for name, value in values.items() if value is not None}
    audit.record(audit.actor_id(actor), "demand.outcome", "demand", demand.id, None, None, number=demand.number, **shown)
    return row


def record_match(actor: User, demand: Demand, partner: str, project_started: bool) -> DemandOutcome:
    """A 技术需求 matched to a partner as a 科研对接 project (``cooperation.services.match_demand``):
    its outcome names the partner in whatever state the demand is, since the match is a fact the
    statistics count whether or not the answer has been written yet."""
    if actor is not None and not is_staff(actor):
        raise NotAllowed("只有中心工作人员可以为技术需求对接合作单位。")
    row = db.session.get(DemandOutcome, demand.id)
    if row is None:
        row = DemandOutcome(demand_id=demand.id)
        db.session.add(row)
    row.partner, row.project_started = _short_text(partner, "对接院校或机构", "partner_id"), project_started
    row.updated_at = clock.now()
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "demand.matched", "demand", demand.id, None, None,
        number=demand.number, partner=row.partner, project_started=str(project_started),
    )  # fmt: skip
    return row
