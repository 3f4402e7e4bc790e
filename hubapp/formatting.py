"""Chinese formats that users check: dates without leading zeros, weekdays, money."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Flask

from hubapp import audit, pdf

WEEKDAYS = "一二三四五六日"


def chinese_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def days_label(start: date, end: date) -> str:
    """A half-open range of days (``params.between_args``), as a heading says it:
    "2026年1月1日至2026年11月30日"."""
    return f"{chinese_date(start)}至{chinese_date(end - timedelta(days=1))}"


def chinese_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{chinese_date(value)} {value:%H:%M}"


def weekday(value: date | datetime) -> str:
    return "周" + WEEKDAYS[value.weekday()]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) == 11:
        return phone[:3] + "****" + phone[7:]
    return phone


def plain_number(value: Decimal | int | None) -> str:
    """A number as the centre writes it, to the hundredth and no trailing zeros: 450.00 → "450",
    12.50 → "12.5" (万元, hours, rates); None → ""."""
    if value is None:
        return ""
    return f"{Decimal(value):.2f}".rstrip("0").rstrip(".")


def quoted(text: str) -> str:
    """``text`` in Chinese double quotes; quotes it already holds become single ones, as GB/T
    15834 nests them (“‘科创贷’专场”), instead of doubling up (““科创贷”专场”)."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def register(app: Flask) -> None:
    app.add_template_filter(chinese_date, "cdate")
    app.add_template_filter(chinese_datetime, "cdatetime")
    app.add_template_filter(weekday, "weekday")
    app.add_template_filter(mask_phone, "mask_phone")
    app.add_template_filter(quoted, "quoted")
    app.add_template_filter(pdf.keep_words, "keep_words")
    app.add_template_filter(audit.state_label, "state_label")
    app.add_template_filter(audit.object_name, "object_name")
    app.add_template_filter(audit.action_label, "action_label")

    @app.context_processor
    def centre():
        from hubapp import clock

        return {
            "centre_name": app.config["CENTRE_NAME"],
            "centre_short_name": app.config["CENTRE_SHORT_NAME"],
            "centre_phone": app.config["CENTRE_PHONE"],
            "today": clock.today(),
            "nav_items": lambda: app.extensions["hub_nav"],
        }
