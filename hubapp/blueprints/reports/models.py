"""The centre's 工作简报 (work bulletin): an issue for a month, quarter or year, numbered 第N期 per
year, with the text staff edit; and its prints, each kept as it was printed (text and PDF bytes)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hubapp.blueprints.reports.periods import Period
from hubapp.extensions import db

#: The longest text a 简报 may hold: a few pages of A4.
MAX_TEXT = 20000


class Briefing(db.Model):
    __tablename__ = "report_briefing"
    __table_args__ = (
        UniqueConstraint("year", "number", name="uq_report_briefing_year_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The year its 第N期 counts in: the year it was created, not the period it reports on.
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    #: The period reported on, as ``Period.slug`` ("2026-11", "2026-q4", "2026").
    period_slug: Mapped[str] = mapped_column(String(10), index=True)
    #: The paragraphs, one blank line between two; generated from the figures, then edited by staff.
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    prints: Mapped[list["BriefingPrint"]] = relationship(
        back_populates="briefing", order_by="BriefingPrint.id", cascade="all, delete-orphan"
    )

    @property
    def issue_label(self) -> str:
        return f"{self.year}年第{self.number}期"

    @property
    def period(self) -> Period:
        return Period.parse(self.period_slug)

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def paragraphs(self) -> list[str]:
        return paragraphs_of(self.text)


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a 简报's text: its non-empty lines, without their blanks."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class BriefingPrint(db.Model):
    """One 印发 of a 简报: the text as printed and the PDF bytes, byte for byte as handed out."""

    __tablename__ = "report_briefing_print"

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("report_briefing.id", ondelete="CASCADE"), index=True)
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)

    briefing: Mapped[Briefing] = relationship(back_populates="prints")
    printed_by = relationship("User")
