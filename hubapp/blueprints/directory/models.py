"""The register every module reads: member departments, grids and enterprises."""

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, true
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


class Enterprise(db.Model):
    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(30))
    #: 统一社会信用代码, 18 characters with a GB 32100-2015 check digit.
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="企业")
    #: 规上企业: above designated size.
    above_designated_size: Mapped[bool] = mapped_column(Boolean, default=False)
    has_party_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    industry: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)

    grid = relationship("Grid", back_populates="enterprises")
