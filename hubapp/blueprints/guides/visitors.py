"""What the public leaves behind: 「是否有帮助」 feedback on a published version, and the views per
day that ``viewcount`` writes. Feedback only flushes: the caller's ``atomic()`` commits."""

from datetime import date, timedelta

from sqlalchemy import func, select

from hubapp import audit, clock
from hubapp.blueprints.guides.models import GuideFeedback, GuideViewCount, Matter
from hubapp.blueprints.guides.reading import PublicGuide
from hubapp.extensions import db
from hubapp.rules import RuleError

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
