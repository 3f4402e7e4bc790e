"""working-day calendar and 协办: the statutory holidays and make-up working days (调休上班)
staff keep (calendar_day), starting with what the ``chinese_calendar`` package 1.11 knew (2004 to
2026), which deadlines were counted with until now; the co-handling departments of a transferred
demand (demand_cohandler) and their two timeline actions

Revision ID: 0019
Revises: 0014

The initial rows are written out here, not read from the package: a migration gives the same
database whichever version of the package is installed when it runs. The CHECK of
``demand_event.action`` grows as in 0014: replaced on PostgreSQL, its text edited in place on
SQLite (every existing row meets the longer list).
"""

from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

#: (first day, last day, kind, name): runs of consecutive days of one kind and name.
INITIAL_RUNS = [
    ("2004-01-01", "2004-01-01", "holiday", "元旦"),
    ("2004-01-17", "2004-01-18", "workday", "春节"),
    ("2004-01-22", "2004-01-28", "holiday", "春节"),
    ("2004-05-01", "2004-05-07", "holiday", "劳动节"),
    ("2004-05-08", "2004-05-09", "workday", "劳动节"),
    ("2004-10-01", "2004-10-07", "holiday", "国庆节"),
    ("2004-10-09", "2004-10-10", "workday", "国庆节"),
    ("2005-01-01", "2005-01-03", "holiday", "元旦"),
    ("2005-02-05", "2005-02-06", "workday", "春节"),
    ("2005-02-09", "2005-02-15", "holiday", "春节"),
    ("2005-04-30", "2005-04-30", "workday", "劳动节"),
    ("2005-05-01", "2005-05-07", "holiday", "劳动节"),
    ("2005-05-08", "2005-05-08", "workday", "劳动节"),
    ("2005-10-01", "2005-10-07", "holiday", "国庆节"),
    ("2005-10-08", "2005-10-09", "workday", "国庆节"),
    ("2006-01-01", "2006-01-03", "holiday", "元旦"),
    ("2006-01-28", "2006-01-28", "workday", "春节"),
    ("2006-01-29", "2006-02-04", "holiday", "春节"),
    ("2006-02-05", "2006-02-05", "workday", "春节"),
    ("2006-04-29", "2006-04-30", "workday", "劳动节"),
    ("2006-05-01", "2006-05-07", "holiday", "劳动节"),
    ("2006-09-30", "2006-09-30", "workday", "国庆节"),
    ("2006-10-01", "2006-10-07", "holiday", "国庆节"),
    ("2006-10-08", "2006-10-08", "workday", "国庆节"),
    ("2006-12-30", "2006-12-31", "workday", "元旦"),
    ("2007-01-01", "2007-01-03", "holiday", "元旦"),
    ("2007-02-17", "2007-02-17", "workday", "春节"),
    ("2007-02-18", "2007-02-24", "holiday", "春节"),
    ("2007-02-25", "2007-02-25", "workday", "春节"),
    ("2007-04-28", "2007-04-29", "workday", "劳动节"),
    ("2007-05-01", "2007-05-07", "holiday", "劳动节"),
    ("2007-09-29", "2007-09-30", "workday", "国庆节"),
    ("2007-10-01", "2007-10-07", "holiday", "国庆节"),
    ("2007-12-29", "2007-12-29", "workday", "元旦"),
    ("2007-12-30", "2008-01-01", "holiday", "元旦"),
    ("2008-02-02", "2008-02-03", "workday", "春节"),
    ("2008-02-06", "2008-02-12", "holiday", "春节"),
    ("2008-04-04", "2008-04-06", "holiday", "清明节"),
    ("2008-05-01", "2008-05-03", "holiday", "劳动节"),
    ("2008-05-04", "2008-05-04", "workday", "劳动节"),
    ("2008-06-07", "2008-06-09", "holiday", "端午节"),
    ("2008-09-13", "2008-09-15", "holiday", "中秋节"),
    ("2008-09-27", "2008-09-28", "workday", "国庆节"),
    ("2008-09-29", "2008-10-05", "holiday", "国庆节"),
    ("2009-01-01", "2009-01-03", "holiday", "元旦"),
    ("2009-01-04", "2009-01-04", "workday", "元旦"),
    ("2009-01-24", "2009-01-24", "workday", "春节"),
    ("2009-01-25", "2009-01-31", "holiday", "春节"),
    ("2009-02-01", "2009-02-01", "workday", "春节"),
    ("2009-04-04", "2009-04-06", "holiday", "清明节"),
    ("2009-05-01", "2009-05-03", "holiday", "劳动节"),
    ("2009-05-28", "2009-05-30", "holiday", "端午节"),
    ("2009-05-31", "2009-05-31", "workday", "端午节"),
    ("2009-09-27", "2009-09-27", "workday", "国庆节"),
    ("2009-10-01", "2009-10-02", "holiday", "国庆节"),
    ("2009-10-03", "2009-10-03", "holiday", "中秋节"),
    ("2009-10-04", "2009-10-08", "holiday", "国庆节"),
    ("2009-10-10", "2009-10-10", "workday", "国庆节"),
    ("2010-01-01", "2010-01-03", "holiday", "元旦"),
    ("2010-02-13", "2010-02-19", "holiday", "春节"),
    ("2010-02-20", "2010-02-21", "workday", "春节"),
    ("2010-04-03", "2010-04-05", "holiday", "清明节"),
    ("2010-05-01", "2010-05-03", "holiday", "劳动节"),
    ("2010-06-12", "2010-06-13", "workday", "端午节"),
    ("2010-06-14", "2010-06-16", "holiday", "端午节"),
    ("2010-09-19", "2010-09-19", "workday", "中秋节"),
    ("2010-09-22", "2010-09-24", "holiday", "中秋节"),
    ("2010-09-25", "2010-09-25", "workday", "中秋节"),
    ("2010-09-26", "2010-09-26", "workday", "国庆节"),
    ("2010-10-01", "2010-10-07", "holiday", "国庆节"),
    ("2010-10-09", "2010-10-09", "workday", "国庆节"),
    ("2011-01-01", "2011-01-03", "holiday", "元旦"),
    ("2011-01-30", "2011-01-30", "workday", "春节"),
    ("2011-02-02", "2011-02-08", "holiday", "春节"),
    ("2011-02-12", "2011-02-12", "workday", "春节"),
    ("2011-04-02", "2011-04-02", "workday", "清明节"),
    ("2011-04-03", "2011-04-05", "holiday", "清明节"),
    ("2011-04-30", "2011-05-02", "holiday", "劳动节"),
    ("2011-06-04", "2011-06-04", "holiday", "端午节"),
    ("2011-06-06", "2011-06-06", "holiday", "端午节"),
    ("2011-09-10", "2011-09-12", "holiday", "中秋节"),
    ("2011-10-01", "2011-10-07", "holiday", "国庆节"),
    ("2011-10-08", "2011-10-09", "workday", "国庆节"),
    ("2011-12-31", "2011-12-31", "workday", "元旦"),
    ("2012-01-01", "2012-01-03", "holiday", "元旦"),
    ("2012-01-21", "2012-01-21", "workday", "春节"),
    ("2012-01-22", "2012-01-28", "holiday", "春节"),
    ("2012-01-29", "2012-01-29", "workday", "春节"),
    ("2012-03-31", "2012-04-01", "workday", "清明节"),
    ("2012-04-02", "2012-04-04", "holiday", "清明节"),
    ("2012-04-28", "2012-04-28", "workday", "劳动节"),
    ("2012-04-29", "2012-05-01", "holiday", "劳动节"),
    ("2012-06-22", "2012-06-22", "holiday", "端午节"),
    ("2012-06-24", "2012-06-24", "holiday", "端午节"),
    ("2012-09-29", "2012-09-29", "workday", "国庆节"),
    ("2012-09-30", "2012-09-30", "holiday", "中秋节"),
    ("2012-10-01", "2012-10-07", "holiday", "国庆节"),
    ("2013-01-01", "2013-01-03", "holiday", "元旦"),
    ("2013-01-05", "2013-01-06", "workday", "元旦"),
    ("2013-02-09", "2013-02-15", "holiday", "春节"),
    ("2013-02-16", "2013-02-17", "workday", "春节"),
    ("2013-04-04", "2013-04-06", "holiday", "清明节"),
    ("2013-04-07", "2013-04-07", "workday", "清明节"),
    ("2013-04-27", "2013-04-28", "workday", "劳动节"),
    ("2013-04-29", "2013-05-01", "holiday", "劳动节"),
    ("2013-06-08", "2013-06-09", "workday", "端午节"),
    ("2013-06-10", "2013-06-12", "holiday", "端午节"),
    ("2013-09-19", "2013-09-21", "holiday", "中秋节"),
    ("2013-09-22", "2013-09-22", "workday", "中秋节"),
    ("2013-09-29", "2013-09-29", "workday", "国庆节"),
    ("2013-10-01", "2013-10-07", "holiday", "国庆节"),
    ("2013-10-12", "2013-10-12", "workday", "国庆节"),
    ("2014-01-01", "2014-01-01", "holiday", "元旦"),
    ("2014-01-26", "2014-01-26", "workday", "春节"),
    ("2014-01-31", "2014-02-06", "holiday", "春节"),
    ("2014-02-08", "2014-02-08", "workday", "春节"),
    ("2014-04-05", "2014-04-07", "holiday", "清明节"),
    ("2014-05-01", "2014-05-03", "holiday", "劳动节"),
    ("2014-05-04", "2014-05-04", "workday", "劳动节"),
    ("2014-06-02", "2014-06-02", "holiday", "端午节"),
    ("2014-09-08", "2014-09-08", "holiday", "中秋节"),
    ("2014-09-28", "2014-09-28", "workday", "国庆节"),
    ("2014-10-01", "2014-10-07", "holiday", "国庆节"),
    ("2014-10-11", "2014-10-11", "workday", "国庆节"),
    ("2015-01-01", "2015-01-03", "holiday", "元旦"),
    ("2015-01-04", "2015-01-04", "workday", "元旦"),
    ("2015-02-15", "2015-02-15", "workday", "春节"),
    ("2015-02-18", "2015-02-24", "holiday", "春节"),
    ("2015-02-28", "2015-02-28", "workday", "春节"),
    ("2015-04-05", "2015-04-06", "holiday", "清明节"),
    ("2015-05-01", "2015-05-01", "holiday", "劳动节"),
    ("2015-06-20", "2015-06-20", "holiday", "端午节"),
    ("2015-06-22", "2015-06-22", "holiday", "端午节"),
    ("2015-09-03", "2015-09-04", "holiday", "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
    ("2015-09-06", "2015-09-06", "workday", "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
    ("2015-09-27", "2015-09-27", "holiday", "中秋节"),
    ("2015-10-01", "2015-10-07", "holiday", "国庆节"),
    ("2015-10-10", "2015-10-10", "workday", "国庆节"),
    ("2016-01-01", "2016-01-01", "holiday", "元旦"),
    ("2016-02-06", "2016-02-06", "workday", "春节"),
    ("2016-02-07", "2016-02-13", "holiday", "春节"),
    ("2016-02-14", "2016-02-14", "workday", "春节"),
    ("2016-04-04", "2016-04-04", "holiday", "清明节"),
    ("2016-05-01", "2016-05-02", "holiday", "劳动节"),
    ("2016-06-09", "2016-06-11", "holiday", "端午节"),
    ("2016-06-12", "2016-06-12", "workday", "端午节"),
    ("2016-09-15", "2016-09-17", "holiday", "中秋节"),
    ("2016-09-18", "2016-09-18", "workday", "中秋节"),
    ("2016-10-01", "2016-10-07", "holiday", "国庆节"),
    ("2016-10-08", "2016-10-09", "workday", "国庆节"),
    ("2017-01-01", "2017-01-02", "holiday", "元旦"),
    ("2017-01-22", "2017-01-22", "workday", "春节"),
    ("2017-01-27", "2017-02-02", "holiday", "春节"),
    ("2017-02-04", "2017-02-04", "workday", "春节"),
    ("2017-04-01", "2017-04-01", "workday", "清明节"),
    ("2017-04-02", "2017-04-04", "holiday", "清明节"),
    ("2017-05-01", "2017-05-01", "holiday", "劳动节"),
    ("2017-05-27", "2017-05-27", "workday", "端午节"),
    ("2017-05-28", "2017-05-30", "holiday", "端午节"),
    ("2017-09-30", "2017-09-30", "workday", "国庆节"),
    ("2017-10-01", "2017-10-03", "holiday", "国庆节"),
    ("2017-10-04", "2017-10-04", "holiday", "中秋节"),
    ("2017-10-05", "2017-10-08", "holiday", "国庆节"),
    ("2018-01-01", "2018-01-01", "holiday", "元旦"),
    ("2018-02-11", "2018-02-11", "workday", "春节"),
    ("2018-02-15", "2018-02-21", "holiday", "春节"),
    ("2018-02-24", "2018-02-24", "workday", "春节"),
    ("2018-04-05", "2018-04-07", "holiday", "清明节"),
    ("2018-04-08", "2018-04-08", "workday", "清明节"),
    ("2018-04-28", "2018-04-28", "workday", "劳动节"),
    ("2018-04-29", "2018-05-01", "holiday", "劳动节"),
    ("2018-06-18", "2018-06-18", "holiday", "端午节"),
    ("2018-09-24", "2018-09-24", "holiday", "中秋节"),
    ("2018-09-29", "2018-09-30", "workday", "国庆节"),
    ("2018-10-01", "2018-10-07", "holiday", "国庆节"),
    ("2018-12-29", "2018-12-29", "workday", "元旦"),
    ("2018-12-30", "2019-01-01", "holiday", "元旦"),
    ("2019-02-02", "2019-02-03", "workday", "春节"),
    ("2019-02-04", "2019-02-10", "holiday", "春节"),
    ("2019-04-05", "2019-04-07", "holiday", "清明节"),
    ("2019-04-28", "2019-04-28", "workday", "劳动节"),
    ("2019-05-01", "2019-05-04", "holiday", "劳动节"),
    ("2019-05-05", "2019-05-05", "workday", "劳动节"),
    ("2019-06-07", "2019-06-09", "holiday", "端午节"),
    ("2019-09-13", "2019-09-15", "holiday", "中秋节"),
    ("2019-09-29", "2019-09-29", "workday", "国庆节"),
    ("2019-10-01", "2019-10-07", "holiday", "国庆节"),
    ("2019-10-12", "2019-10-12", "workday", "国庆节"),
    ("2020-01-01", "2020-01-01", "holiday", "元旦"),
    ("2020-01-19", "2020-01-19", "workday", "春节"),
    ("2020-01-24", "2020-02-02", "holiday", "春节"),
    ("2020-04-04", "2020-04-06", "holiday", "清明节"),
    ("2020-04-26", "2020-04-26", "workday", "劳动节"),
    ("2020-05-01", "2020-05-05", "holiday", "劳动节"),
    ("2020-05-09", "2020-05-09", "workday", "劳动节"),
    ("2020-06-25", "2020-06-27", "holiday", "端午节"),
    ("2020-06-28", "2020-06-28", "workday", "端午节"),
    ("2020-09-27", "2020-09-27", "workday", "国庆节"),
    ("2020-10-01", "2020-10-08", "holiday", "国庆节"),
    ("2020-10-10", "2020-10-10", "workday", "国庆节"),
    ("2021-01-01", "2021-01-03", "holiday", "元旦"),
    ("2021-02-07", "2021-02-07", "workday", "春节"),
    ("2021-02-11", "2021-02-17", "holiday", "春节"),
    ("2021-02-20", "2021-02-20", "workday", "春节"),
    ("2021-04-03", "2021-04-05", "holiday", "清明节"),
    ("2021-04-25", "2021-04-25", "workday", "劳动节"),
    ("2021-05-01", "2021-05-05", "holiday", "劳动节"),
    ("2021-05-08", "2021-05-08", "workday", "劳动节"),
    ("2021-06-12", "2021-06-14", "holiday", "端午节"),
    ("2021-09-18", "2021-09-18", "workday", "中秋节"),
    ("2021-09-19", "2021-09-21", "holiday", "中秋节"),
    ("2021-09-26", "2021-09-26", "workday", "国庆节"),
    ("2021-10-01", "2021-10-07", "holiday", "国庆节"),
    ("2021-10-09", "2021-10-09", "workday", "国庆节"),
    ("2022-01-01", "2022-01-03", "holiday", "元旦"),
    ("2022-01-29", "2022-01-30", "workday", "春节"),
    ("2022-01-31", "2022-02-06", "holiday", "春节"),
    ("2022-04-02", "2022-04-02", "workday", "清明节"),
    ("2022-04-03", "2022-04-05", "holiday", "清明节"),
    ("2022-04-24", "2022-04-24", "workday", "劳动节"),
    ("2022-04-30", "2022-05-04", "holiday", "劳动节"),
    ("2022-05-07", "2022-05-07", "workday", "劳动节"),
    ("2022-06-03", "2022-06-05", "holiday", "端午节"),
    ("2022-09-10", "2022-09-12", "holiday", "中秋节"),
    ("2022-10-01", "2022-10-07", "holiday", "国庆节"),
    ("2022-10-08", "2022-10-09", "workday", "国庆节"),
    ("2022-12-31", "2023-01-02", "holiday", "元旦"),
    ("2023-01-21", "2023-01-27", "holiday", "春节"),
    ("2023-01-28", "2023-01-29", "workday", "春节"),
    ("2023-04-05", "2023-04-05", "holiday", "清明节"),
    ("2023-04-23", "2023-04-23", "workday", "劳动节"),
    ("2023-04-29", "2023-05-03", "holiday", "劳动节"),
    ("2023-05-06", "2023-05-06", "workday", "劳动节"),
    ("2023-06-22", "2023-06-24", "holiday", "端午节"),
    ("2023-06-25", "2023-06-25", "workday", "端午节"),
    ("2023-09-29", "2023-09-29", "holiday", "中秋节"),
    ("2023-09-30", "2023-10-06", "holiday", "国庆节"),
    ("2023-10-07", "2023-10-08", "workday", "国庆节"),
    ("2023-12-30", "2024-01-01", "holiday", "元旦"),
    ("2024-02-04", "2024-02-04", "workday", "春节"),
    ("2024-02-10", "2024-02-17", "holiday", "春节"),
    ("2024-02-18", "2024-02-18", "workday", "春节"),
    ("2024-04-04", "2024-04-06", "holiday", "清明节"),
    ("2024-04-07", "2024-04-07", "workday", "清明节"),
    ("2024-04-28", "2024-04-28", "workday", "劳动节"),
    ("2024-05-01", "2024-05-05", "holiday", "劳动节"),
    ("2024-05-11", "2024-05-11", "workday", "劳动节"),
    ("2024-06-10", "2024-06-10", "holiday", "端午节"),
    ("2024-09-14", "2024-09-14", "workday", "中秋节"),
    ("2024-09-15", "2024-09-17", "holiday", "中秋节"),
    ("2024-09-29", "2024-09-29", "workday", "国庆节"),
    ("2024-10-01", "2024-10-07", "holiday", "国庆节"),
    ("2024-10-12", "2024-10-12", "workday", "国庆节"),
    ("2025-01-01", "2025-01-01", "holiday", "元旦"),
    ("2025-01-26", "2025-01-26", "workday", "春节"),
    ("2025-01-28", "2025-02-04", "holiday", "春节"),
    ("2025-02-08", "2025-02-08", "workday", "春节"),
    ("2025-04-04", "2025-04-06", "holiday", "清明节"),
    ("2025-04-27", "2025-04-27", "workday", "劳动节"),
    ("2025-05-01", "2025-05-05", "holiday", "劳动节"),
    ("2025-05-31", "2025-06-02", "holiday", "端午节"),
    ("2025-09-28", "2025-09-28", "workday", "国庆节"),
    ("2025-10-01", "2025-10-05", "holiday", "国庆节"),
    ("2025-10-06", "2025-10-06", "holiday", "中秋节"),
    ("2025-10-07", "2025-10-08", "holiday", "国庆节"),
    ("2025-10-11", "2025-10-11", "workday", "国庆节"),
    ("2026-01-01", "2026-01-03", "holiday", "元旦"),
    ("2026-01-04", "2026-01-04", "workday", "元旦"),
    ("2026-02-14", "2026-02-14", "workday", "春节"),
    ("2026-02-15", "2026-02-23", "holiday", "春节"),
    ("2026-02-28", "2026-02-28", "workday", "春节"),
    ("2026-04-04", "2026-04-06", "holiday", "清明节"),
    ("2026-05-01", "2026-05-05", "holiday", "劳动节"),
    ("2026-05-09", "2026-05-09", "workday", "劳动节"),
    ("2026-06-19", "2026-06-21", "holiday", "端午节"),
    ("2026-09-20", "2026-09-20", "workday", "国庆节"),
    ("2026-09-25", "2026-09-27", "holiday", "中秋节"),
    ("2026-10-01", "2026-10-07", "holiday", "国庆节"),
    ("2026-10-10", "2026-10-10", "workday", "国庆节"),
]


OLD_ACTIONS = (
    "action IN ('create', 'accept', 'transfer', 'answer', 'close', 'return', 'decline', 'supervise', "
    "'acknowledge', 'hand_back', 'extend_ask', 'extend_grant', 'extend_deny')"
)
NEW_ACTIONS = (
    "action IN ('create', 'accept', 'transfer', 'answer', 'close', 'return', 'decline', 'supervise', "
    "'acknowledge', 'hand_back', 'extend_ask', 'extend_grant', 'extend_deny', 'co_sign', 'co_opinion')"
)


def _edit_sqlite_schema(table: str, old: str, new: str) -> None:
    """Replace text in ``table``'s CREATE TABLE statement (as 0014 does); the old text must be there."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    if old not in sql:
        raise RuntimeError(f"{table}: the schema does not read {old!r}; edit it by hand")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    op.execute("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(old, new), table))
    op.execute(f"PRAGMA schema_version = {version + 1}")
    op.execute("PRAGMA writable_schema = OFF")


def _set_event_actions(old: str, new: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _edit_sqlite_schema("demand_event", old, new)
    else:
        op.drop_constraint(op.f("ck_demand_event_action_known"), "demand_event", type_="check")
        op.create_check_constraint(op.f("ck_demand_event_action_known"), "demand_event", new)


def _initial_rows() -> list[dict]:
    rows = []
    for first, last, kind, name in INITIAL_RUNS:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            rows.append({"day": day, "kind": kind, "name": name})
            day += timedelta(days=1)
    return rows


def upgrade():
    calendar_day = op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f("ck_calendar_day_kind_known")),
        sa.CheckConstraint("name <> ''", name=op.f("ck_calendar_day_name_given")),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_day")),
    )
    op.bulk_insert(calendar_day, _initial_rows())

    op.create_table(
        "demand_cohandler",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("opinion_at", sa.DateTime(), nullable=True),
        sa.Column("opinion_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("department_id <> lead_department_id", name=op.f("ck_demand_cohandler_not_the_lead")),
        sa.CheckConstraint(
            "opinion IS NULL OR (opinion_at IS NOT NULL AND opinion_by_id IS NOT NULL)",
            name=op.f("ck_demand_cohandler_opinion_is_complete"),
        ),
        sa.CheckConstraint(
            "acknowledged_at IS NOT NULL OR opinion IS NULL", name=op.f("ck_demand_cohandler_opinion_after_signing")
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demand.id"], name=op.f("fk_demand_cohandler_demand_id_demand"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_demand_cohandler_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["lead_department_id"], ["department.id"], name=op.f("fk_demand_cohandler_lead_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["opinion_by_id"], ["app_user.id"], name=op.f("fk_demand_cohandler_opinion_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_cohandler")),
        sa.UniqueConstraint("demand_id", "department_id", name="uq_demand_cohandler_department"),
    )
    op.create_index(op.f("ix_demand_cohandler_demand_id"), "demand_cohandler", ["demand_id"], unique=False)
    op.create_index(op.f("ix_demand_cohandler_department_id"), "demand_cohandler", ["department_id"], unique=False)
    _set_event_actions(OLD_ACTIONS, NEW_ACTIONS)


def downgrade():
    op.execute("DELETE FROM demand_event WHERE action IN ('co_sign', 'co_opinion')")
    _set_event_actions(NEW_ACTIONS, OLD_ACTIONS)
    op.drop_index(op.f("ix_demand_cohandler_department_id"), table_name="demand_cohandler")
    op.drop_index(op.f("ix_demand_cohandler_demand_id"), table_name="demand_cohandler")
    op.drop_table("demand_cohandler")
    op.drop_table("calendar_day")
