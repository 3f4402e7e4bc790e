"""Keeping the working-day calendar: staff add a run of holidays or a make-up working day with its
name, remove a run entered wrongly, or paste the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知) and let ``parse_notice`` read the dates.

What a change does to demands: a deadline is a date fixed when the demand is registered or
transferred, so existing deadlines stay; new registrations and transfers count with the new
calendar, and the warnings (即将到期, 未签收) of every open demand are counted with it from the next
page on.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from hubapp import audit, workdays
from hubapp.blueprints.workcalendar.models import DAY_KINDS, HOLIDAY, NAME_MAX, WORKDAY, CalendarDay
from hubapp.extensions import db
from hubapp.formatting import chinese_date
from hubapp.rules import Conflict, RuleError

#: The longest run one entry may hold: the longest Spring Festival break is 9 days; a month
#: catches a mistyped year without refusing anything real.
LONGEST_RUN_DAYS = 31


@dataclass(frozen=True)
class Run:
    """Consecutive days of one kind and name, as the page lists them and staff enter them."""

    first: date
    last: date
    kind: str
    name: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def kind_label(self) -> str:
        return DAY_KINDS[self.kind]


def runs(year: int) -> list[Run]:
    """The listed days of ``year`` joined into runs, in date order."""
    rows = db.session.scalars(
        select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)
    )
    joined: list[Run] = []
    for row in rows:
        previous = joined[-1] if joined else None
        if (
            previous
            and (previous.kind, previous.name) == (row.kind, row.name)
            and previous.last + timedelta(days=1) == row.day
        ):
            joined[-1] = Run(previous.first, row.day, row.kind, row.name)
        else:
            joined.append(Run(row.day, row.day, row.kind, row.name))
    return joined


def listed_years() -> list[int]:
    """The years that have any listed day, newest first."""
    days = db.session.scalars(select(CalendarDay.day).order_by(CalendarDay.day.desc()))
    return sorted({day.year for day in days}, reverse=True)


def _check(run: Run) -> None:
    if run.kind not in DAY_KINDS:
        raise RuleError("请选择类型。", "kind")
    if not run.name:
        raise RuleError("请填写节日名称。", "name")
    if len(run.name) > NAME_MAX:
        raise RuleError(f"名称不超过{NAME_MAX}字。", "name")
    if run.last < run.first:
        raise RuleError("结束日期不能早于开始日期。", "last")
    if run.days > LONGEST_RUN_DAYS:
        raise RuleError(f"一次最多登记{LONGEST_RUN_DAYS}天，请检查日期。", "last")
    if run.kind == WORKDAY:
        weekday = next((d for d in _days(run) if d.weekday() < 5), None)
        if weekday is not None:
            raise RuleError(f"{chinese_date(weekday)}本来就是工作日，调休上班日只能是周六或周日。", "first")


def _days(run: Run) -> list[date]:
    return [run.first + timedelta(days=n) for n in range(run.days)]


def add_run(actor, run: Run) -> list[CalendarDay]:
    """List every day of ``run``. A day already listed is refused by name (the primary key
    refuses it too, should two people enter the same day at once)."""
    run = Run(run.first, run.last, run.kind, (run.name or "").strip())
    _check(run)
    taken = db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= run.first, CalendarDay.day <= run.last).order_by(CalendarDay.day)
    ).first()
    if taken is not None:
        raise RuleError(f"{chinese_date(taken.day)}已登记为“{taken.name}{taken.kind_label}”，请先删除该安排。", "first")
    added = [CalendarDay(day=day, kind=run.kind, name=run.name) for day in _days(run)]
    db.session.add_all(added)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("这些日期刚刚已被他人登记，请刷新后查看。") from None
    audit.record(
        audit.actor_id(actor), "calendar_day.add", "calendar_day", run.first.year, None, run.kind,
        first=run.first.isoformat(), last=run.last.isoformat(), name=run.name,
    )  # fmt: skip
    workdays.forget()
    return added


def remove_run(actor, first: date, last: date) -> int:
    """Remove the listed days from ``first`` to ``last``; how many there were."""
    if last < first or (last - first).days >= LONGEST_RUN_DAYS:
        raise RuleError("日期范围不正确。")
    removed = list(db.session.scalars(select(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day <= last)))
    if not removed:
        raise RuleError("这些日期已不在工作日历中，请刷新后查看。")
    db.session.execute(delete(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day <= last))
    audit.record(
        audit.actor_id(actor), "calendar_day.remove", "calendar_day", first.year, removed[0].kind, None,
        first=first.isoformat(), last=last.isoformat(), name=removed[0].name, record=[audit.snapshot(r) for r in removed],
    )  # fmt: skip
    db.session.flush()
    workdays.forget()
    return len(removed)


# --- the State Council's notice ------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*")
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")


def parse_notice(year: int, text: str) -> list[Run]:
    """The runs of the notice's lines, as the State Council writes them, e.g.

        七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。

    A line's name is before the colon; a sentence with 放假 gives one run of holidays (from … 至 …),
    one with 上班 the make-up days. A line that says neither is refused by its number, so that
    nothing pasted is silently dropped."""
    found: list[Run] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, colon, body = _NUMBERING.sub("", line).replace(":", "：").partition("：")
        if not colon or not name.strip():
            raise RuleError(
                f"第{number}行没有“节日名称：”，请按通知原文粘贴，如“国庆节：10月1日至7日放假调休，共7天。”", "text"
            )
        name = name.strip()
        before = len(found)
        for sentence in _ASIDE.sub("", body).split("。"):
            dates = _dates(year, sentence, number)
            if "放假" in sentence and dates:
                found.append(Run(dates[0], dates[-1], HOLIDAY, name))
            elif "上班" in sentence:
                found.extend(Run(day, day, WORKDAY, name) for day in dates)
        if len(found) == before:
            raise RuleError(f"第{number}行没有读到放假或上班的日期，请检查。", "text")
    if not found:
        raise RuleError("请粘贴放假安排。", "text")
    return found


def _dates(year: int, sentence: str, number: int) -> list[date]:
    """The dates of a sentence; a date without its month (“至7日”) takes the month before it."""
    dates, month, current_year = [], None, year
    for year_text, month_text, day_text in _DATE.findall(sentence):
        current_year = int(year_text) if year_text else current_year
        month = int(month_text) if month_text else month
        if month is None:
            raise RuleError(f"第{number}行的日期缺少月份。", "text")
        try:
            dates.append(date(current_year, month, int(day_text)))
        except ValueError:
            raise RuleError(f"第{number}行有不存在的日期：{month}月{day_text}日。", "text") from None
    return dates


def import_notice(actor, year: int, text: str) -> list[Run]:
    """Add every run of the pasted notice, all or none; runs listed already as they read are
    skipped, so pasting the same notice twice adds nothing."""
    added = []
    for run in parse_notice(year, text):
        if runs_match(run):
            continue
        add_run(actor, run)
        added.append(run)
    return added


def runs_match(run: Run) -> bool:
    """Whether every day of ``run`` is listed already with its kind and name."""
    listed = db.session.execute(
        select(CalendarDay.kind, CalendarDay.name).where(CalendarDay.day >= run.first, CalendarDay.day <= run.last)
    ).all()
    return len(listed) == run.days and all((kind, name) == (run.kind, run.name) for kind, name in listed)
