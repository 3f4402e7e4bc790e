"""Meetings: the time to render a three-page and a ten-page 纪要 (two WeasyPrint passes each, the
second one placing the 版记 at the foot of the last page), and the list pages."""

from datetime import datetime, timedelta

from bench.api import HttpRow, Prepare, TimedRow
from hubapp.blueprints.auth import services as accounts
from hubapp.blueprints.meetings import decisions, planning, printing
from hubapp.blueprints.meetings.models import OTHER, Meeting
from hubapp.extensions import db

PARAGRAPH = (
    "与会单位围绕企业反映的问题逐项研究，明确了牵头单位、配合单位和完成时限，"
    "要求各单位建立台账、按周调度，确保事事有回音、件件有着落，办理情况及时向企业反馈。"
)


def _pages(meeting_id: int) -> int:
    meeting = db.session.get(Meeting, meeting_id)
    return printing.minutes_pages(meeting, meeting.current_minutes)


def _long_meeting(pages: int, made: dict) -> None:
    """A meeting whose minutes fill ``pages`` pages: agenda items are added until they do."""
    staff = accounts.find_by_username("staff")
    start = datetime(2025, 6, 1, 9, 0) + timedelta(days=pages)
    plan = planning.MeetingPlan(
        kind=OTHER, theme=f"基准测试：{pages}页纪要", start=start, end=start + timedelta(hours=3),
        chair_name="刘志强", recorder_name="李建国", place="南海新区管委会三楼会议室",
    )  # fmt: skip
    meeting = planning.create_meeting(staff, plan)
    for unit in ("党群工作部", "经济发展局", "科技工信局", "财政金融局", "税务分局", "人社局"):
        planning.add_attendee(staff, meeting, "present", unit, "王强、刘敏")
    decisions.add_decision(staff, meeting, "各单位按分工抓好落实。", None, "各成员单位", None)
    number = 0
    while _pages(meeting.id) < pages:
        number += 1
        item = planning.add_agenda_item(staff, meeting, f"第{number}项议题的讨论", "各成员单位")
        planning.update_agenda_item(staff, item, item.title, item.presenter, "\n".join([PARAGRAPH] * 3))
    made[pages] = meeting.id


def _render(made: dict, pages: int):
    def render() -> bytes:
        meeting = db.session.get(Meeting, made[pages])
        data, _name = printing.minutes_pdf(meeting, meeting.current_minutes)
        return data

    return render


def rows(app):
    made: dict[int, int] = {}
    return [
        HttpRow("会议列表 /meetings/", "/meetings/", user="staff"),
        HttpRow("议定事项（全部未完成）/meetings/decisions", "/meetings/decisions", user="staff"),
        HttpRow("议定事项（联络员本单位）/meetings/decisions", "/meetings/decisions", user="liaison"),
        Prepare("准备一次3页纪要的会议", lambda: _long_meeting(3, made)),
        TimedRow("纪要 PDF，3页（/meetings/<id>/minutes.pdf）", _render(made, 3)),
        Prepare("准备一次10页纪要的会议", lambda: _long_meeting(10, made)),
        TimedRow("纪要 PDF，10页", _render(made, 10)),
    ]
