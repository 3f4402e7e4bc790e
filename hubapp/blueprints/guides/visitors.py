"""What the public leaves behind: 「是否有帮助」 feedback on a published version, the views per
day that ``viewcount`` writes, and the searches that found nothing. Feedback only flushes: the
caller's ``atomic()`` commits."""

import logging
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hubapp import audit, clock
from hubapp.blueprints.guides import notices
from hubapp.blueprints.guides.models import PUBLISHED, GuideFeedback, GuideSearchMiss, GuideViewCount, Matter
from hubapp.blueprints.guides.reading import PublicGuide
from hubapp.extensions import db
from hubapp.rules import RuleError

log = logging.getLogger(__name__)

FEEDBACK_COMMENT_MAX = 500


def add_feedback(actor, guide: PublicGuide, helpful: bool, comment: str = "") -> GuideFeedback:
    """A visitor's answer about the version they read (``actor`` None: visitors have no account)."""
    comment = (comment or "").strip()
    if len(comment) > FEEDBACK_COMMENT_MAX:
        raise RuleError(f"意见请控制在{FEEDBACK_COMMENT_MAX}字以内。", "comment")
    feedback = GuideFeedback(
        matter_id=guide.matter_id, version_number=guide.version_number, helpful=helpful, comment=comment,
        created_at=clock.now(),
    )  # fmt: skip
    db.session.add(feedback)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "guide.feedback", "guide", guide.matter_id, None, None, helpful=helpful,
        feedback_id=feedback.id,
    )  # fmt: skip
    if not helpful:
        notices.unhelpful(db.session.get(Matter, guide.matter_id), feedback)
    return feedback


def feedback_query(matter: Matter):
    """The matter's feedback, the newest first."""
    return (
        select(GuideFeedback)
        .where(GuideFeedback.matter_id == matter.id)
        .order_by(GuideFeedback.created_at.desc(), GuideFeedback.id.desc())
    )


def recent_feedback(matter: Matter, limit: int = 5) -> list[GuideFeedback]:
    return list(db.session.scalars(feedback_query(matter).limit(limit)))


def feedback_summary(matter: Matter) -> dict[str, int]:
    rows = db.session.execute(
        select(GuideFeedback.helpful, func.count()).where(GuideFeedback.matter_id == matter.id).group_by(GuideFeedback.helpful)
    ).all()
    counts = {bool(helpful): n for helpful, n in rows}
    return {"yes": counts.get(True, 0), "no": counts.get(False, 0)}


def daily_views(matter: Matter, days: int = 30) -> list[tuple[date, int]]:
    """Views per day over the last ``days`` days, today last, zero days included."""
    today = clock.today()
    start = today - timedelta(days=days - 1)
    counts = dict(
        db.session.execute(
            select(GuideViewCount.day, GuideViewCount.count).where(
                GuideViewCount.matter_id == matter.id, GuideViewCount.day >= start
            )
        ).all()
    )
    return [(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)]


def total_views(matter: Matter) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(GuideViewCount.count), 0)).where(GuideViewCount.matter_id == matter.id)
    )


def views_between(start: date, end: date) -> int:
    """Views of every guide from ``start`` up to ``end``, as counted per matter and day."""
    return db.session.scalar(
        select(func.coalesce(func.sum(GuideViewCount.count), 0)).where(
            GuideViewCount.day >= start, GuideViewCount.day < end
        )
    )


def views_by_guide_between(start: date, end: date) -> list[tuple[Matter, int]]:
    """Each guide viewed from ``start`` up to ``end`` with its views, the most read first: the rows
    that add up to ``views_between`` (a guide withdrawn since keeps the views it had)."""
    views = func.sum(GuideViewCount.count).label("views")
    stmt = (
        select(Matter, views)
        .join(GuideViewCount, GuideViewCount.matter_id == Matter.id)
        .where(GuideViewCount.day >= start, GuideViewCount.day < end)
        .group_by(Matter.id)
        .order_by(views.desc(), Matter.name)
    )
    return [(matter, count) for matter, count in db.session.execute(stmt)]


#: The longest search term kept; the public index cuts searches to this length too.
MISS_TERM_MAX = 50


def note_search_miss(term: str) -> None:
    """Count a public search that found nothing, for staff to add keywords.

    Written on a connection of its own in one short statement, outside the request's unit of
    work (a GET only reads): a failure (a locked SQLite file under load) loses the count, never
    the visitor's page. Misses are rare and a lost one costs little, so no writer thread as for
    views (``viewcount``)."""
    term = " ".join(term.split())[:MISS_TERM_MAX]
    if not term:
        return
    engine = db.engine
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    table = GuideSearchMiss.__table__
    now = clock.now()
    stmt = insert(table).values(term=term, count=1, last_at=now)
    try:
        with engine.begin() as conn:
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[table.c.term], set_={"count": table.c.count + 1, "last_at": stmt.excluded.last_at}
                )
            )
    except SQLAlchemyError:
        log.warning("a guide search without result was not counted", exc_info=True)


def search_misses(limit: int = 100) -> list[GuideSearchMiss]:
    """The searches that found nothing, the most frequent first."""
    stmt = select(GuideSearchMiss).order_by(GuideSearchMiss.count.desc(), GuideSearchMiss.last_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def popular_guides(days: int = 30, limit: int = 5) -> list[Matter]:
    """The published guides viewed most in the last ``days`` days: what a search that found
    nothing suggests instead."""
    since = clock.today() - timedelta(days=days)
    views = func.coalesce(func.sum(GuideViewCount.count), 0)
    stmt = (
        select(Matter)
        .outerjoin(GuideViewCount, (GuideViewCount.matter_id == Matter.id) & (GuideViewCount.day >= since))
        .where(Matter.status == PUBLISHED)
        .group_by(Matter.id)
        .order_by(views.desc(), Matter.name)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
