"""The working-day calendar: the days on which mainland China's Monday-to-Friday rule does not
hold — statutory holidays (法定节假日) and make-up working days (调休上班) — as the State
Council's yearly notice lists them and staff keep them. Every other day counts by its weekday."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from hubapp.extensions import db

HOLIDAY = "holiday"
WORKDAY = "workday"
#: What a listed day is.
DAY_KINDS = {HOLIDAY: "法定节假日", WORKDAY: "调休上班"}
NAME_MAX = 40


class CalendarDay(db.Model):
    __tablename__ = "calendar_day"
    __table_args__ = (
        CheckConstraint("kind IN ('holiday', 'workday')", name="kind_known"),
        CheckConstraint("name <> ''", name="name_given"),
    )

    #: One row per day: a day is a holiday or a make-up working day, never both.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    #: The holiday it belongs to (春节, 国庆节); a make-up day carries the holiday it makes up for.
    name: Mapped[str] = mapped_column(String(NAME_MAX))

    @property
    def kind_label(self) -> str:
        return DAY_KINDS[self.kind]
