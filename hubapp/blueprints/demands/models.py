"""企业服务直通车: enterprise demands in four lists, routed directly (直办) or to a department
(转办/吹哨), supervised (督办), answered (反馈) and closed (销号) after asking the enterprise;
and the grid workers' visits (走访) that collect them.

Every move of a demand is one conditional UPDATE on its old state plus one row of its timeline
(``DemandEvent``) and one audit row, written in the same unit of work (``moves._move``).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db
from hubapp.workdays import add_working_days, previous_working_day

#: The four lists (四张清单) with the default time limit in working days from the day received.
KINDS = {"problem": "问题诉求", "tech": "技术需求", "funding": "资金需求", "support": "配套需求"}
DEFAULT_WORKING_DAYS = {"problem": 10, "tech": 15, "funding": 20, "support": 15}

SOURCES = {
    "visit": "网格走访",
    "walk_in": "企业来访",
    "phone": "电话",
    "event": "主题活动",
    "talk": "恳谈会",
    "other": "其他",
    "self": "企业自报",
}
#: Raised by the enterprise itself on the public form (/e/demands/new), without an account.
SELF_REPORTED = "self"

SUBMITTED = "submitted"
HANDLING = "handling"
TRANSFERRED = "transferred"
ANSWERED = "answered"
CLOSED = "closed"
DECLINED = "declined"
#: 退单: the department handed a transferred demand back as not its remit; staff re-route it
#: (转办 to another department or 直办), as they would a new one.
HANDED_BACK = "handed_back"
DEMAND_STATES = {
    SUBMITTED: "待受理",
    HANDLING: "办理中",
    TRANSFERRED: "已转办",
    ANSWERED: "已反馈",
    CLOSED: "已销号",
    DECLINED: "不予受理",
    HANDED_BACK: "已退单",
}
#: The states staff route a demand from: a new one, or one a department handed back.
ROUTABLE_STATES = (SUBMITTED, HANDED_BACK)
#: Someone still owes the enterprise an answer: these count against the deadline and may be
#: supervised. An answered demand waits for staff to ask the enterprise, not for a department.
OPEN_STATES = (SUBMITTED, HANDLING, TRANSFERRED, HANDED_BACK)

DIRECT = "direct"
TRANSFER = "transfer"
ROUTES = {DIRECT: "直办", TRANSFER: "转办"}

SATISFIED = "satisfied"
BASIC = "basic"
UNSATISFIED = "unsatisfied"
SATISFACTION = {SATISFIED: "满意", BASIC: "基本满意", UNSATISFIED: "不满意"}

#: An open demand whose deadline falls within this many working days is flagged 即将到期 (yellow).
DUE_SOON_WORKING_DAYS = 3
OVERDUE = "overdue"
DUE_SOON = "due_soon"


def due_soon_limit(today: date) -> date:
    """The last deadline that counts as 即将到期 on ``today``."""
    return add_working_days(today, DUE_SOON_WORKING_DAYS)


def unacknowledged_before(today: date) -> datetime:
    """A department has one working day to sign for a transfer (签收): on ``today``, one
    transferred before the start of the last working day is flagged 未签收."""
    return datetime.combine(previous_working_day(today), datetime.min.time())


#: The longest description, note or answer anyone may write, in characters.
NOTE_MAX = 2000

#: What a grid worker talks about on a visit (the article's four areas).
TOPICS = {"party": "党的建设", "government": "政务服务", "industry": "产业发展", "safety": "安全生产"}

#: Timeline actions, as the timeline and the audit log show them.
EVENTS = {
    "create": "登记诉求",
    "accept": "受理直办",
    "transfer": "转办（吹哨）",
    "answer": "办理反馈",
    "close": "回访销号",
    "return": "退回重办",
    "decline": "不予受理",
    "supervise": "督办",
    "acknowledge": "部门签收",
    "hand_back": "部门退单",
    "extend_ask": "申请延期",
    "extend_grant": "同意延期",
    "extend_deny": "不同意延期",
    "co_sign": "协办签收",
    "co_opinion": "协办意见",
}

#: Structured outcomes (办理成效), per list: what the statistics add up.
FUNDING_INSTRUMENTS = {"loan": "贷款", "guarantee": "担保", "subsidy": "补贴", "equity": "股权投资", "other": "其他"}
RESOLUTIONS = {"resolved": "已解决", "partly": "部分解决", "impossible": "无法解决"}
#: The lists whose outcome says how far the demand was solved.
RESOLVED_KINDS = ("problem", "support")

PENDING = "pending"
GRANTED = "granted"
REFUSED = "refused"
EXTENSION_STATES = {PENDING: "待审批", GRANTED: "已同意", REFUSED: "未同意"}


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


#: The longest name of a topic: it fits a select on a phone and a column of the staff list.
TOPIC_NAME_MAX = 20


class DemandTopic(db.Model):
    """A subject an enterprise may pick when it raises a demand itself (就业创业、融资贷款…): staff
    keep the list. A topic some demand names is never deleted, only deactivated."""

    __tablename__ = "demand_topic"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        UniqueConstraint("name", name="uq_demand_topic_name"),
        UniqueConstraint("position", name="uq_demand_topic_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TOPIC_NAME_MAX))
    #: Where it stands in the public form's list, smallest first.
    position: Mapped[int] = mapped_column(Integer)
    #: An inactive topic is no longer offered; the demands that name it keep it.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Raised by every change made on the topics page (hubapp/concurrency.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Demand(db.Model):
    __tablename__ = "demand"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_demand_year_seq"),
        CheckConstraint(_in("status", DEMAND_STATES), name="status_known"),
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("source", SOURCES), name="source_known"),
        CheckConstraint("route IS NULL OR " + _in("route", ROUTES), name="route_known"),
        CheckConstraint("satisfaction IS NULL OR " + _in("satisfaction", SATISFACTION), name="satisfaction_known"),
        CheckConstraint("status IN ('submitted', 'declined') OR route IS NOT NULL", name="accepted_has_route"),
        CheckConstraint("route <> 'transfer' OR department_id IS NOT NULL", name="transfer_has_department"),
        CheckConstraint("status <> 'transferred' OR route = 'transfer'", name="transferred_is_transfer"),
        CheckConstraint("status NOT IN ('answered', 'closed') OR answer IS NOT NULL", name="answered_has_answer"),
        CheckConstraint(
            "status <> 'closed' OR (satisfaction IN ('satisfied', 'basic') AND closed_at IS NOT NULL)",
            name="closed_is_complete",
        ),
        CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"),
        CheckConstraint(
            "status <> 'handed_back' OR (hand_back_reason IS NOT NULL AND department_id IS NOT NULL)",
            name="handed_back_has_reason",
        ),
        CheckConstraint("acknowledged_at IS NULL OR route = 'transfer'", name="acknowledged_is_transfer"),
        # The staff list's order: its first page is read from the index instead of sorting every row.
        Index("ix_demand_received_on_id", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ZTC-<year>-<seq>: numbered per year of receipt, never reused (a declined demand keeps its number).
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(12), default=SUBMITTED, index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    #: The enterprise's grid when the demand was raised, so the statistics stay put if it moves.
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(40))
    contact_mobile: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    #: The visit on which a grid worker collected it, if any.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("demand_visit.id", ondelete="SET NULL"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    #: The day the enterprise raised it: the working-day limit counts from here.
    received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Set on creation from the list's default; a transfer sets the department's deadline.
    deadline: Mapped[date] = mapped_column(Date, index=True)
    route: Mapped[str | None] = mapped_column(String(10))
    #: The centre's staff member handling it directly (直办).
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: What the department is asked to do (吹哨 note).
    transfer_note: Mapped[str | None] = mapped_column(Text)
    transferred_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: What was done, as reported by the department's liaison or by staff.
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: The enterprise's answer when asked before closing (回访).
    satisfaction: Mapped[str | None] = mapped_column(String(12))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: When the department's liaison signed for the transfer (签收); a new transfer clears it.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: Why the department handed it back (退单), and which unit it suggests instead.
    hand_back_reason: Mapped[str | None] = mapped_column(Text)
    suggested_unit: Mapped[str | None] = mapped_column(String(100))
    supervision_count: Mapped[int] = mapped_column(Integer, default=0)
    last_supervision_note: Mapped[str | None] = mapped_column(Text)
    last_supervised_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The key of the enterprise's private follow link (/e/follow/<token>), for a demand it raised
    #: itself; whoever holds it sees the public timeline and may rate the answer.
    follow_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    #: The subject the enterprise picked on the public form, if any.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("demand_topic.id"), index=True)

    enterprise = relationship("Enterprise")
    topic = relationship("DemandTopic")
    grid = relationship("Grid")
    department = relationship("Department")
    raised_by = relationship("User", foreign_keys=[raised_by_id])
    handler = relationship("User", foreign_keys=[handler_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
    visit = relationship("Visit", back_populates="demands")
    events = relationship(
        "DemandEvent", back_populates="demand", order_by="[DemandEvent.at, DemandEvent.id]", cascade="all, delete-orphan"
    )
    photos = relationship("DemandPhoto", order_by="DemandPhoto.id", cascade="all, delete-orphan")
    outcome = relationship("DemandOutcome", uselist=False, cascade="all, delete-orphan")
    extensions = relationship(
        "DemandExtension", order_by="DemandExtension.id", cascade="all, delete-orphan", back_populates="demand"
    )
    cohandlers = relationship(
        "DemandCohandler", order_by="DemandCohandler.id", cascade="all, delete-orphan", back_populates="demand"
    )

    @property
    def number(self) -> str:
        return f"ZTC-{self.year}-{self.seq:03d}"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return DEMAND_STATES[self.status]

    @property
    def source_label(self) -> str:
        return SOURCES[self.source]

    @property
    def satisfaction_label(self) -> str:
        return SATISFACTION.get(self.satisfaction or "", "")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    def warning(self, today: date) -> str | None:
        """``OVERDUE`` (red) past its deadline, ``DUE_SOON`` (yellow) within
        ``DUE_SOON_WORKING_DAYS`` working days of it, while someone still owes an answer."""
        if not self.is_open:
            return None
        if self.deadline < today:
            return OVERDUE
        return DUE_SOON if self.deadline <= due_soon_limit(today) else None

    def is_unacknowledged(self, today: date) -> bool:
        """Transferred more than one working day ago and the department has not signed for it."""
        return (
            self.status == TRANSFERRED
            and self.acknowledged_at is None
            and self.transferred_at is not None
            and self.transferred_at < unacknowledged_before(today)
        )


class DemandEvent(db.Model):
    """One line of a demand's timeline: who did what, when, from which state to which."""

    __tablename__ = "demand_event"
    __table_args__ = (CheckConstraint(_in("action", EVENTS), name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(12))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)

    demand = relationship("Demand", back_populates="events")
    actor = relationship("User")

    @property
    def label(self) -> str:
        return EVENTS[self.action]


class DemandExtension(db.Model):
    """延期申请: the department's liaison asks for a later deadline with a reason; staff grant it
    (the demand's deadline moves) or refuse it. At most one waits for a decision per demand."""

    __tablename__ = "demand_extension"
    __table_args__ = (
        CheckConstraint(_in("status", EXTENSION_STATES), name="status_known"),
        CheckConstraint(
            "status = 'pending' OR (decided_at IS NOT NULL AND decided_by_id IS NOT NULL)", name="decided_is_complete"
        ),
        CheckConstraint("status <> 'refused' OR decision_note IS NOT NULL", name="refused_has_note"),
        # One request waits for a decision per demand, whoever asks at the same moment.
        Index(
            "uq_demand_extension_pending", "demand_id", unique=True,
            sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'"),
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    #: The deadline the demand had when asked, and the one asked for.
    old_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    demand = relationship("Demand", back_populates="extensions")
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return EXTENSION_STATES[self.status]


class DemandCohandler(db.Model):
    """协办单位: a department asked, beside the lead (主办), to help with a transferred demand. It
    signs for it (签收) and gives its opinion (协办意见) once, which the lead reads before answering.
    The rows belong to one transfer: a new transfer replaces them."""

    __tablename__ = "demand_cohandler"
    __table_args__ = (
        UniqueConstraint("demand_id", "department_id", name="uq_demand_cohandler_department"),
        #: The lead of the transfer is never one of its co-handlers.
        CheckConstraint("department_id <> lead_department_id", name="not_the_lead"),
        CheckConstraint("opinion IS NULL OR (opinion_at IS NOT NULL AND opinion_by_id IS NOT NULL)", name="opinion_is_complete"),
        CheckConstraint("acknowledged_at IS NOT NULL OR opinion IS NULL", name="opinion_after_signing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    #: The lead department of the transfer these co-handlers were chosen with.
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    opinion: Mapped[str | None] = mapped_column(Text)
    opinion_at: Mapped[datetime | None] = mapped_column(DateTime)
    opinion_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    demand = relationship("Demand", back_populates="cohandlers")
    department = relationship("Department", foreign_keys=[department_id])
    opinion_by = relationship("User")


class DemandOutcome(db.Model):
    """办理成效: what a demand achieved, in figures the statistics add up — money obtained for a
    funding demand, how far a problem was solved, the partner a technology demand found, and the
    jobs filled for any list. Entered when answering or closing; one per demand."""

    __tablename__ = "demand_outcome"
    __table_args__ = (
        CheckConstraint("funding_instrument IS NULL OR " + _in("funding_instrument", FUNDING_INSTRUMENTS), name="instrument_known"),
        CheckConstraint("resolution IS NULL OR " + _in("resolution", RESOLUTIONS), name="resolution_known"),
        CheckConstraint("funding_amount IS NULL OR funding_amount >= 0", name="amount_not_negative"),
        CheckConstraint("funding_amount IS NULL OR funding_instrument IS NOT NULL", name="amount_has_instrument"),
        CheckConstraint("jobs_filled IS NULL OR jobs_filled >= 0", name="jobs_not_negative"),
    )

    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), primary_key=True)
    #: 融资到位, in 万元 (ten thousand yuan) as the centre reports it.
    funding_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    funding_instrument: Mapped[str | None] = mapped_column(String(12))
    #: The bank or fund that provided it.
    funding_source: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(String(12))
    #: The university or institute a technology demand was matched with.
    partner: Mapped[str | None] = mapped_column(String(100))
    project_started: Mapped[bool | None] = mapped_column(Boolean)
    #: People hired through the demand (解决就业, 人).
    jobs_filled: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    @property
    def instrument_label(self) -> str:
        return FUNDING_INSTRUMENTS.get(self.funding_instrument or "", "")

    @property
    def resolution_label(self) -> str:
        return RESOLUTIONS.get(self.resolution or "", "")


class DemandPhoto(db.Model):
    """A photo the enterprise attached: re-encoded JPEG pixels only, kept in the database with the
    demand (no file to lose in a backup, none an upload could name)."""

    __tablename__ = "demand_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demand.id", ondelete="CASCADE"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Visit(db.Model):
    """走访记录: a grid worker's visit to one enterprise of their grid."""

    __tablename__ = "demand_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    #: The codes of ``TOPICS`` talked about, comma-separated.
    topics: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    enterprise = relationship("Enterprise")
    grid = relationship("Grid")
    visitor = relationship("User")
    demands = relationship("Demand", back_populates="visit", order_by="Demand.id")

    @property
    def topic_labels(self) -> list[str]:
        return [TOPICS[code] for code in self.topics.split(",") if code in TOPICS]
