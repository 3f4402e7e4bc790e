"""产学研 (industry–university–research cooperation): the partners (universities, colleges,
institutes), the cooperation projects between them and the community's enterprises, and the
students' 实习实训 placements counted in person-times (人次)."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.extensions import db

#: 合作单位类型.
PARTNER_KINDS = {"university": "高等院校", "college": "职业院校", "institute": "科研院所"}

BASE = "base"
RESEARCH = "research"
TRAINING = "training"
#: 合作项目类型, as the issue names them.
PROJECT_KINDS = {BASE: "联合教学实践基地", RESEARCH: "科研对接", TRAINING: "职业技能培训"}
#: 项目状态.
PROJECT_STATUSES = {"negotiating": "洽谈中", "active": "实施中", "done": "已完成"}


def _known(column: str, codes) -> str:
    return f"{column} IN ({', '.join(repr(code) for code in codes)})"


class Partner(db.Model):
    """A university, college or institute the centre cooperates with, and its agreement."""

    __tablename__ = "coop_partner"
    __table_args__ = (
        CheckConstraint(_known("kind", PARTNER_KINDS), name="kind_known"),
        CheckConstraint("agreement_ends_on IS NULL OR agreement_ends_on >= agreement_signed_on", name="agreement_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    contact_name: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    #: 合作协议: its title, when it was signed and until when it runs (open-ended when None).
    agreement: Mapped[str | None] = mapped_column(String(200))
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    agreement_ends_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @property
    def kind_label(self) -> str:
        return PARTNER_KINDS.get(self.kind, self.kind)


class Project(db.Model):
    """A cooperation item: a teaching base at an enterprise, a research match (partner ×
    enterprise, topic, status) or a skills-training course with the trainees who qualified."""

    __tablename__ = "coop_project"
    __table_args__ = (
        CheckConstraint(_known("kind", PROJECT_KINDS), name="kind_known"),
        CheckConstraint(_known("status", PROJECT_STATUSES), name="status_known"),
        CheckConstraint("qualified >= 0", name="qualified_not_negative"),
        # Only a training course has trainees; the others count none, so no total can mix them in.
        CheckConstraint(f"kind = '{TRAINING}' OR qualified = 0", name="qualified_only_for_training"),
        # A teaching base and a research match are with an enterprise; a course may be the centre's own.
        CheckConstraint(f"kind = '{TRAINING}' OR enterprise_id IS NOT NULL", name="enterprise_unless_training"),
        # A 技术需求 demand turns into one 科研对接 item at most, and into nothing else.
        CheckConstraint(f"demand_id IS NULL OR kind = '{RESEARCH}'", name="demand_only_for_research"),
        UniqueConstraint("demand_id", name="uq_coop_project_demand_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    partner_id: Mapped[int] = mapped_column(ForeignKey("coop_partner.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    started_on: Mapped[date] = mapped_column(Date, index=True)
    #: 培训合格人数 of a training course (技能人才).
    qualified: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The 技术需求 demand this 科研对接 item was matched from (``services.match_demand``).
    demand_id: Mapped[int | None] = mapped_column(ForeignKey("demand.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    partner = relationship("Partner")
    enterprise = relationship("Enterprise")
    demand = relationship("Demand")

    @property
    def kind_label(self) -> str:
        return PROJECT_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return PROJECT_STATUSES.get(self.status, self.status)


class Placement(db.Model):
    """实习实训: a partner's students at an enterprise for a period. Its person-times (人次) are
    its number of students, counted in the year the placement begins."""

    __tablename__ = "coop_placement"
    __table_args__ = (
        CheckConstraint("students > 0", name="students_positive"),
        CheckConstraint("end_on >= start_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("coop_partner.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date, index=True)
    end_on: Mapped[date] = mapped_column(Date)
    students: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))

    partner = relationship("Partner")
    enterprise = relationship("Enterprise")
