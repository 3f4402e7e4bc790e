"""What came of a session: attendance, the questions enterprises asked, their financing needs,
the financing matches of a bank-enterprise session (银企对接成果) and the sentences the centre's
report is written from."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update

from hubapp import audit, clock
from hubapp.blueprints.sessions import signup
from hubapp.blueprints.sessions.models import (
    AMOUNT_MESSAGE,
    BANK,
    FINANCING_ORDER,
    FINANCING_STATES,
    GRANTED,
    MAX_WAN,
    PENDING,
    REG_CANCELLED,
    REGISTERED,
    REJECTED,
    WAITLISTED,
    WALK_IN,
    FinancingMatch,
    HostOrganisation,
    Registration,
    Session,
)
from hubapp.extensions import db
from hubapp.formatting import plain_number
from hubapp.rules import Conflict, RuleError, clean_text


@dataclass
class Attendance:
    registered: int
    waitlisted: int
    pending: int
    cancelled: int
    checked_in: int
    walk_in: int

    @property
    def rate(self) -> int | None:
        """Checked-in share of those registered, in percent (walk-ins not counted)."""
        if not self.registered:
            return None
        return round(100 * (self.checked_in - self.walk_in) / self.registered)


def attendance(session_id: int) -> Attendance:
    counts = dict(
        db.session.execute(
            select(Registration.status, func.count()).where(Registration.session_id == session_id).group_by(Registration.status)
        ).all()
    )
    checked_in = db.session.scalar(
        select(func.count()).where(Registration.session_id == session_id, Registration.checked_in_at.is_not(None))
    )
    return Attendance(
        registered=counts.get(REGISTERED, 0),
        waitlisted=counts.get(WAITLISTED, 0),
        pending=counts.get(PENDING, 0),
        cancelled=counts.get(REG_CANCELLED, 0),
        checked_in=checked_in,
        walk_in=counts.get(WALK_IN, 0),
    )


def collected_questions(session_id: int) -> list[Registration]:
    """Registrations that asked something (tax sessions ask; anyone may)."""
    stmt = (
        select(Registration)
        .where(
            Registration.session_id == session_id,
            Registration.questions.is_not(None),
            Registration.status != REJECTED,
        )
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


def financing_needs(session_id: int) -> list[Registration]:
    stmt = (
        select(Registration)
        .where(Registration.session_id == session_id, Registration.financing_amount.is_not(None))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(stmt))


def financing_matches(session_id: int) -> list[FinancingMatch]:
    stmt = select(FinancingMatch).where(FinancingMatch.session_id == session_id).order_by(FinancingMatch.id)
    return list(db.session.scalars(stmt))


def save_outcome_summary(actor, session: Session, summary: str) -> None:
    session.outcome_summary = clean_text(summary)
    db.session.flush()
    audit.record(audit.actor_id(actor), "session.outcome", "session", session.id, None, None)


@dataclass
class FinancingData:
    """A loan an enterprise obtained, or may obtain, from a bank it met at the session."""

    enterprise_name: str
    bank_id: int | None
    #: 万元.
    amount: Decimal | None
    status: str
    notes: str | None = None


def add_financing(actor, session: Session, data: FinancingData) -> FinancingMatch:
    if session.kind != BANK:
        raise RuleError("只有银企对接活动记录融资对接成果。")
    enterprise_name = (data.enterprise_name or "").strip()
    if not enterprise_name:
        raise RuleError("请填写企业。", "enterprise_name")
    bank = db.session.get(HostOrganisation, data.bank_id) if data.bank_id else None
    if bank is None:
        raise RuleError("请选择银行。", "bank_id")
    if data.amount is None or not 0 < data.amount <= MAX_WAN:
        raise RuleError(AMOUNT_MESSAGE, "amount")
    if data.status not in FINANCING_STATES:
        raise RuleError("请选择进展。", "status")
    enterprise = signup.resolve_enterprise(enterprise_name)
    match = FinancingMatch(
        session_id=session.id,
        enterprise_id=enterprise.id if enterprise else None,
        enterprise_name=enterprise.name if enterprise else enterprise_name,
        bank_id=bank.id,
        amount=data.amount,
        status=data.status,
        notes=clean_text(data.notes),
        updated_at=clock.now(),
    )
    db.session.add(match)
    db.session.flush()
    audit.record(audit.actor_id(actor), "financing.create", "financing", match.id, None, data.status,
                 amount=str(data.amount), bank=bank.name)  # fmt: skip
    return match


def advance_financing(actor, match: FinancingMatch, new_status: str) -> FinancingMatch:
    """意向 → 审批通过 → 已放款, forwards only (a step may be skipped)."""
    if new_status not in FINANCING_STATES:
        raise RuleError("请选择进展。", "status")
    old = match.status
    if FINANCING_ORDER.index(new_status) <= FINANCING_ORDER.index(old):
        raise RuleError(f"融资进展只能向前推进（当前为“{match.status_label}”）。", "status")
    moved = db.session.execute(
        update(FinancingMatch)
        .where(FinancingMatch.id == match.id, FinancingMatch.status == old)
        .values(status=new_status, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict("该融资进展刚被他人更新，请刷新后查看。")
    db.session.expire(match)
    audit.record(audit.actor_id(actor), "financing.advance", "financing", match.id, old, new_status)
    return match


def delete_financing(actor, match: FinancingMatch) -> None:
    """A match recorded by mistake (wrong enterprise, bank or amount) is removed and entered again,
    whatever its stage: only its stage can be edited, so deleting is the one way to correct it. The
    audit row keeps the whole record."""
    audit.record(
        audit.actor_id(actor), "financing.delete", "financing", match.id, match.status, None,
        enterprise=match.enterprise_name, amount=str(match.amount), bank=match.bank.name, record=audit.snapshot(match),
    )  # fmt: skip
    db.session.delete(match)
    db.session.flush()


def financing_report(matches: list[FinancingMatch]) -> list[str]:
    """The sentences the centre puts in its report, e.g. 协助汇科工控获得融资450万元 (granted loans only)."""
    return [f"协助{m.short_enterprise_name}获得融资{plain_number(m.amount)}万元" for m in matches if m.status == GRANTED]
