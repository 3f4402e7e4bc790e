"""Negative feedback on a guide (没帮助) tells the centre's staff robot at once, with the matter and
the visitor's comment, so that a confusing guide is fixed before the next visitor reads it.
Queued by ``visitors.add_feedback`` in the unit of work of the feedback."""

from hubapp.blueprints.guides.models import GuideFeedback, Matter
from hubapp.blueprints.notify.outbox import tell_staff
from hubapp.formatting import quoted


def unhelpful(matter: Matter, feedback: GuideFeedback) -> None:
    said = f"意见：{quoted(feedback.comment)}" if feedback.comment else "未留意见"
    tell_staff(
        f"办事指南{quoted(matter.name)}（{matter.code}，第{feedback.version_number}版）收到“没帮助”反馈，{said}。",
        "guide.unhelpful", "guide_feedback", feedback.id, f"/guides/{matter.code}/feedback",
    )  # fmt: skip
