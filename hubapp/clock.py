"""The one place that reads the clock: naive local time of the centre (see config.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def _zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(_zone()).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()


def to_aware(local: datetime) -> datetime:
    """Attach the centre's zone to a stored naive time, for calendar feeds."""
    return local.replace(tzinfo=_zone())
