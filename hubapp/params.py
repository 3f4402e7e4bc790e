"""Query parameters read the same way on every page: whole numbers (ids, pages, years), the page
of a list, a day and a month. Every ``request.args`` number goes through ``int_arg``, so that no
number a page cannot use reaches the database (an id beyond the INTEGER column is a 500 there).

One policy for a parameter the page cannot use: a page shows its default with a notice that says
why (a bookmark or a hand-edited address should still land somewhere useful); a download answers
400 with the reason, since it has no page to carry a notice.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, request

from hubapp import clock
from hubapp.errors import chinese_abort
from hubapp.extensions import db
from hubapp.formatting import days_label, quoted

#: Past this page number a list is certainly mistyped; it also keeps the offset inside 64 bits.
MAX_PAGE = 100_000
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2099
#: The largest id a record can have (PostgreSQL's INTEGER); the same bound as ids in addresses.
MAX_ID = 2**31 - 1


def _whole_number(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    # Digits only: int() would also take "٣", "1_000" and a thousand digits of nonsense.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def id_from(text: str | None) -> int | None:
    """A record id typed or sent as text (a hidden field, a scanned code), or None when it cannot
    be one."""
    return _whole_number(text or "", 1, MAX_ID)


def count_from(text: str | None) -> int | None:
    """A count sent back by a form (a hidden field), or None when it cannot be one."""
    return _whole_number(text or "", 0, MAX_ID)


def int_arg(name: str, default: int | None = None, low: int = 1, high: int = MAX_ID) -> int | None:
    """``?name=`` as a whole number from ``low`` to ``high`` (by default an id); ``default`` when it
    is missing, not a number, or out of range, so that a hand-edited address shows the page as if
    the parameter were not given."""
    found = _whole_number(request.args.get(name, ""), low, high)
    return default if found is None else found


def int_args(name: str, low: int = 1, high: int = MAX_ID) -> list[int]:
    """Every ``?name=`` that is a whole number from ``low`` to ``high`` (ids chosen in a list)."""
    found = (_whole_number(text, low, high) for text in request.args.getlist(name))
    return [number for number in found if number is not None]


def year_arg(name: str = "year", default: int | None = None) -> int | None:
    """``?year=`` as a year of 2000–2099, else ``default``."""
    return int_arg(name, default, FIRST_YEAR, LAST_YEAR)


def day_arg(name: str = "date") -> date:
    """``?date=YYYY-MM-DD`` as a day of 2000–2099, or today when none is given; anything else is a
    400 that says what a day looks like."""
    return day_or_400(request.args.get(name))


def optional_day_arg(name: str) -> date | None:
    """``?name=YYYY-MM-DD`` as a day, None when it is empty (a filter left open); else as ``day_arg``."""
    return day_or_400(request.args.get(name)) if (request.args.get(name) or "").strip() else None


def day_or_400(text: str | None) -> date:
    """A day of 2000–2099 as ``YYYY-MM-DD``, or today when ``text`` is empty; else a 400."""
    text = (text or "").strip()
    if not text:
        return clock.today()
    try:
        shown = date.fromisoformat(text)
    except ValueError:
        chinese_abort(400, "日期格式应为 年-月-日，例如 2026-03-08。")
    if not FIRST_YEAR <= shown.year <= LAST_YEAR:
        chinese_abort(400, "日期超出范围，请选择2000年至2099年之间的日期。")
    return shown


def page_number(high: int = MAX_PAGE) -> int:
    """``?page=``: a page number that is not one is the first page."""
    return int_arg("page", 1, high=high)


def page_of(stmt, per_page: int | None = None):
    """One page of ``stmt`` (Flask-SQLAlchemy's Pagination), as ``?page=`` asks; a page number that
    is not one shows the first page, one past the end an empty page with the pager to go back."""
    return db.paginate(stmt, page=page_number(), per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False)


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the first day of that month, or None when it is not a month of 2000–2099."""
    match = MONTH_PATTERN.match((text or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


@dataclass
class MonthArg:
    #: The first day of the month shown.
    month: date
    #: Why the month asked for was not shown; None when it was, or none was asked for.
    notice: str | None = None

    @property
    def previous(self) -> date:
        return shift_month(self.month, -1)

    @property
    def following(self) -> date:
        return shift_month(self.month, 1)

    @property
    def label(self) -> str:
        return month_label(self.month)


def month_arg(name: str = "month") -> MonthArg:
    """The month a page shows: ``?month=YYYY-MM``, else this month (with a notice when what was
    given is not a month)."""
    this_month = clock.today().replace(day=1)
    text = request.args.get(name, "").strip()
    if not text:
        return MonthArg(this_month)
    month = parse_month(text)
    if month is None:
        return MonthArg(this_month, f"月份{quoted(text[:20])}无法识别（格式如 {this_month:%Y-%m}），已显示本月。")
    return MonthArg(month)


def month_for_download(name: str = "month") -> date:
    """The month a download covers: ``?month=YYYY-MM``, else this month; anything else is a 400."""
    text = request.args.get(name, "").strip()
    if not text:
        return clock.today().replace(day=1)
    month = parse_month(text)
    if month is None:
        chinese_abort(400, "月份格式不正确，应为“年-月”，如 2026-11。")
    return month


def choice_arg(name: str, choices: dict[str, str], default: str, what: str) -> tuple[str, str | None]:
    """``?name=`` as one of ``choices`` (value → label), else ``default`` with a notice naming
    ``what`` was asked for and what is shown instead."""
    text = request.args.get(name, "").strip()
    if not text or text in choices:
        return text or default, None
    return default, f"{what}{quoted(text[:20])}无法识别，已显示{choices[default]}。"


def between_args() -> tuple[date, date] | None:
    """``?since=`` and ``?until=`` (both days included, either may be left open) as the half-open
    range (first day, day after the last) the services take; None when neither is given. A
    report's figure links to its list this way, so that the list shows exactly what was counted."""
    since, until = optional_day_arg("since"), optional_day_arg("until")
    if since is None and until is None:
        return None
    return since or date(FIRST_YEAR, 1, 1), (until or date(LAST_YEAR, 12, 31)) + timedelta(days=1)


@dataclass(frozen=True)
class DownloadDays:
    """The days a download covers, as its page showed them: half-open, with their label."""

    start: date
    end: date
    label: str
    #: A month (``?month=``), not days picked with ``?since=&until=``.
    is_month: bool


def days_for_download() -> DownloadDays:
    """``?since=&until=`` (``between_args``) when given, else the month of ``month_for_download``:
    an export of a page that shows a month or, as a report's figure links to it, a range of days."""
    days = between_args()
    if days is not None:
        return DownloadDays(*days, days_label(*days), is_month=False)
    month = month_for_download()
    return DownloadDays(month, shift_month(month, 1), month_label(month), is_month=True)
