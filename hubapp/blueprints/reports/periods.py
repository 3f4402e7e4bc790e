"""The periods the centre reports on: a month, a quarter or a year, each with a slug for its
address ("2026-11", "2026-q4", "2026") and the label the paper prints."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

#: What a page says of a ``?period=`` that is none of the three forms.
BAD_PERIOD = "统计期间格式不正确，应为年份（如 2026）、季度（如 2026-q4）或月份（如 2026-11）。"

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = {MONTH: "月度", QUARTER: "季度", YEAR: "年度"}
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
FIRST_YEAR, LAST_YEAR = 2000, 2099
_SLUG = re.compile(r"([0-9]{4})(?:-(?:([0-9]{2})|q([1-4])))?")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    #: The month (1–12) or the quarter (1–4); 1 for a year.
    number: int

    def __post_init__(self) -> None:
        highest = {MONTH: 12, QUARTER: 4, YEAR: 1}.get(self.kind)
        if highest is None or not 1 <= self.number <= highest or not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"no such period: {self.kind} {self.year} {self.number}")

    @property
    def _first_month(self) -> int:
        return {MONTH: self.number, QUARTER: self.number * 3 - 2, YEAR: 1}[self.kind]

    @property
    def _months(self) -> int:
        return {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self._first_month, 1)

    @property
    def end(self) -> date:
        """The first day after the period: ranges are half-open, start ≤ day < end."""
        index = self.year * 12 + self._first_month - 1 + self._months
        return date(index // 12, index % 12 + 1, 1)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == QUARTER:
            return f"{self.year}年{QUARTER_NAMES[self.number]}"
        return f"{self.year}年"

    @property
    def slug(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-q{self.number}"
        return str(self.year)

    @property
    def months(self) -> list[date]:
        """The first day of each month of the period, for the charts by month."""
        return [date(self.year, self._first_month + i, 1) for i in range(self._months)]

    @classmethod
    def parse(cls, slug: str) -> "Period":
        match = _SLUG.fullmatch(slug or "")
        if not match:
            raise ValueError(f"not a period: {slug!r}")
        year, month, quarter = int(match.group(1)), match.group(2), match.group(3)
        if month:
            return cls(MONTH, year, int(month))
        if quarter:
            return cls(QUARTER, year, int(quarter))
        return cls(YEAR, year, 1)

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        number = {MONTH: day.month, QUARTER: (day.month - 1) // 3 + 1, YEAR: 1}.get(kind)
        if number is None:
            raise ValueError(f"no such kind of period: {kind!r}")
        return cls(kind, day.year, number)

    def until(self, today: date) -> date:
        """The exclusive end of what can be counted by ``today``: the period's end, or tomorrow
        while the period is still running ("今年以来")."""
        return min(self.end, today + timedelta(days=1))

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def following(self) -> "Period":
        return Period.containing(self.kind, self.end)
