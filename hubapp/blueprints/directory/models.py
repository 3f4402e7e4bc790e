"""The register every module reads: member departments, grids and enterprises, and the Excel
files staff upload into the enterprise register until they confirm the import."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db


class Department(db.Model):
    """A unit a demand can be transferred to (吹哨): a member of the joint meeting, or any other
    (the housing bureau, the bus company, a bank)."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    #: One of the member units of the joint meeting (联席会议成员单位).
    joint_meeting_member: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_name: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(20))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    #: The department's 企业微信 group robot (its Webhook URL), which tells its liaison of demands
    #: transferred to it; none: the liaison sees them in the app only.
    robot_webhook: Mapped[str | None] = mapped_column(String(500))
    #: A department with history is deactivated rather than deleted: it keeps its demands and
    #: decisions and leaves the pickers.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class Grid(db.Model):
    __tablename__ = "grid"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(String(200))

    enterprises = relationship("Enterprise", back_populates="grid", order_by="Enterprise.name")

    @property
    def label(self) -> str:
        """How a grid is named in lists and pickers: 第3网格 · 创业谷东区."""
        default = f"第{self.number}网格"
        return default if self.name in ("", default) else f"{default} · {self.name}"

    @property
    def number_label(self) -> str:
        """How the register's Excel files name a grid: by its number, which stays when the grid
        is renamed."""
        return f"第{self.number}网格"


#: 企业类型: where an enterprise sits in the industrial community — the article's "众创空间、
#: 孵化器、加速器及周边附近48家企业".
ENTERPRISE_KINDS = {"maker_space": "众创空间", "incubator": "孵化器", "accelerator": "加速器", "nearby": "周边企业"}
#: The register's two states, as the audit trail names them.
ENTERPRISE_STATES = {"active": "在册", "inactive": "已停用"}


def _known(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


class Enterprise(db.Model):
    __tablename__ = "enterprise"
    __table_args__ = (
        CheckConstraint(_known("kind", ENTERPRISE_KINDS), name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(30))
    #: 统一社会信用代码, 18 characters with a GB 32100-2015 check digit.
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    #: 规上企业: above designated size.
    above_designated_size: Mapped[bool] = mapped_column(Boolean, default=False)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"), index=True)
    industry: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    #: The contact person's mobile number.
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    #: A deactivated enterprise (moved away, deregistered) keeps its demands, sign-ups and visits
    #: but is no longer offered where an enterprise is picked.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Raised by every change to the fields the edit form shows (``hubapp.concurrency.claim``: an
    #: edit, an import, a move to another grid), so that a form or an import prepared from an older
    #: reading is refused instead of writing over the newer change. Deactivating and reactivating
    #: do not raise it: the status is not in the form, and an edit writes only the form's fields.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    grid = relationship("Grid", back_populates="enterprises")

    @property
    def kind_label(self) -> str:
        return ENTERPRISE_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return ENTERPRISE_STATES["active" if self.active else "inactive"]


class EnterpriseImport(db.Model):
    """An uploaded register file between its preview and the staff member's confirmation. The
    bytes live here, not on one host's disk or in one process's memory, so that the confirmation
    may reach any of the hosts behind the proxy; the file is parsed again when it is confirmed."""

    __tablename__ = "enterprise_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The preview's address: unguessable, because the file holds contacts' mobile numbers.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: Past this an unconfirmed upload is removed, by the next upload of anyone.
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
