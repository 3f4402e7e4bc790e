"""Issue 14, meeting decisions: a new meeting of a kind starts its agenda with 上次会议议定事项落实情况
(the earlier meetings' open decisions with their latest progress, printed in the 纪要), and a
decision's optional supporting units (协办单位), whose liaisons follow and report on it."""

import re
import subprocess
from datetime import date, datetime, timedelta

import pytest
from factories import meetings
from factories.accounts import account
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.meetings import decisions, planning
from hubapp.blueprints.meetings.decisions import FOLLOW_UP_TITLE, ProgressReport
from hubapp.blueprints.meetings.models import JOINT, PROGRESS, Decision, DecisionSupporter
from hubapp.blueprints.notify.models import InboxMessage, OutboxMessage
from hubapp.blueprints.notify.sender import Sender
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError

HTMX = {"HX-Request": "true"}


def pdf_text(tmp_path, data: bytes) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    found = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", found)


@pytest.fixture
def economy_liaison(users):
    return account("economy", "liaison", name="联络员戊", department=meetings.department("经济发展局"), phone="13700000008")


@pytest.fixture
def last_meeting(users):
    """An issued monthly meeting of 20 days ago with three decisions of 税务分局: one with progress
    reported, one without, one done."""
    staff = users["staff"]
    meeting = meetings.meeting(staff, start=meetings.past(20))
    tax = meetings.department("税务分局")
    first = meetings.fill(staff, meeting, tax)
    with atomic():
        second = decisions.add_decision(staff, meeting, "梳理研发费用加计扣除企业名单", tax.id, None, None)
        third = decisions.add_decision(staff, meeting, "组织出口退税政策专场辅导", tax.id, None, None)
    meetings.issue(meeting, users["admin"], staff)
    with atomic():
        decisions.report_progress(users["liaison"], first, ProgressReport(PROGRESS, "已完成六家企业的上门宣讲"))
        decisions.complete_decision(staff, third, "已于上周举办专场辅导。")
    return meeting, (first, second, third)


def test_the_next_meeting_of_the_kind_starts_with_the_open_decisions_and_their_progress(users, last_meeting):
    staff = users["staff"]
    with atomic():
        nxt = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5)))
    first_item = nxt.agenda_items[0]
    assert first_item.title == FOLLOW_UP_TITLE and first_item.position == 1
    paragraphs = first_item.discussion.split("\n")
    assert len(paragraphs) == 2
    title = last_meeting[0].title
    assert paragraphs[0].startswith(f"{title}议定事项第1项：开展社保政策进企业宣讲（责任单位：国家税务总局威海南海新区税务局")
    assert "目前推进中" in paragraphs[0] and "已完成六家企业的上门宣讲" in paragraphs[0]
    assert "梳理研发费用加计扣除企业名单" in paragraphs[1] and paragraphs[1].endswith("目前未开始，尚未报送进展。")
    assert "出口退税" not in first_item.discussion  # done: not carried over


def test_only_a_meeting_of_the_same_kind_after_issued_decisions_carries_them(users, last_meeting):
    staff = users["staff"]
    with atomic():
        joint = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5), kind=JOINT))
        earlier = decisions.open_meeting(staff, meetings.plan(start=meetings.past(40)))
    assert joint.agenda_items == [] and earlier.agenda_items == []


def test_when_everything_was_done_the_item_says_so(users, last_meeting):
    staff = users["staff"]
    with atomic():
        for decision in last_meeting[1][:2]:
            decisions.complete_decision(staff, decision, "已办结。")
        nxt = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5)))
    assert [(i.title, i.discussion) for i in nxt.agenda_items] == [(FOLLOW_UP_TITLE, "此前会议议定事项均已办结。")]


def test_the_new_meeting_form_fills_the_agenda_and_the_minutes_print_it(auth, client, users, last_meeting, tmp_path):
    auth.login("staff")
    day = meetings.future(5).date()
    created = client.post(
        "/meetings/new",
        data={"kind": "monthly", "theme": "融资对接", "day": day.isoformat(), "start_time": "09:00", "end_time": "11:00",
              "room_id": "0", "place": "管委会三楼会议室", "headcount": "12", "chair_name": "孙晓梅",
              "chair_user_id": "0", "recorder_name": "李建国"},
    )  # fmt: skip
    assert created.status_code == 303
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert FOLLOW_UP_TITLE in page and "已完成六家企业的上门宣讲" in page
    printed = pdf_text(tmp_path, client.get(created.headers["Location"] + "/minutes.pdf").data)
    assert f"（一）{FOLLOW_UP_TITLE}" in printed
    assert "开展社保政策进企业宣讲" in printed and "已完成六家企业的上门宣讲" in printed
    assert "梳理研发费用加计扣除企业名单" in printed and "尚未报送进展" in printed
    assert "组织出口退税政策专场辅导" not in printed


def test_progress_reported_after_the_meeting_was_planned_can_be_brought_into_its_agenda(auth, client, users, last_meeting):
    staff = users["staff"]
    with atomic():
        nxt = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5)))
        decisions.report_progress(users["liaison"], last_meeting[1][1], ProgressReport(PROGRESS, "名单已梳理至第二批"))
    item = nxt.agenda_items[0]
    assert "名单已梳理至第二批" not in item.discussion
    auth.login("staff")
    page = client.get(f"/meetings/{nxt.id}").get_data(as_text=True)
    assert "按最新进展重新生成" in page and "本议题已填写的讨论情况将被替换" in page

    refreshed = client.post(f"/meetings/{nxt.id}/agenda/{item.id}/refresh", data={"version": str(item.version)}, headers=HTMX)
    assert refreshed.status_code == 200
    assert "名单已梳理至第二批" in refreshed.get_data(as_text=True)
    db.session.expire_all()
    assert "名单已梳理至第二批" in item.discussion and "已完成六家企业的上门宣讲" in item.discussion
    assert audit.entries_for("meeting", nxt.id)[-1].action == "meeting.agenda.refresh"


def test_rewriting_the_follow_up_never_replaces_what_someone_saved_meanwhile(auth, client, users, last_meeting):
    staff = users["staff"]
    with atomic():
        nxt = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5)))
    item = nxt.agenda_items[0]
    drawn = item.version
    with atomic():
        planning.update_agenda_item(staff, item, item.title, None, "会上补充：两项均在推进。", based_on=drawn)
    auth.login("staff")
    refused = client.post(f"/meetings/{nxt.id}/agenda/{item.id}/refresh", data={"version": str(drawn)}, headers=HTMX)
    assert refused.status_code == 409
    assert "已有人修改了该议题，未重新生成" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert item.discussion == "会上补充：两项均在推进。"


def test_only_the_follow_up_item_is_rewritten_and_only_before_the_minutes_are_issued(users, last_meeting):
    staff = users["staff"]
    meeting = last_meeting[0]
    with atomic():
        nxt = decisions.open_meeting(staff, meetings.plan(start=meetings.future(5)))
        other = planning.add_agenda_item(staff, nxt, "融资需求对接", None)
    with pytest.raises(Conflict, match="只有议题“上次会议议定事项落实情况”"), atomic():
        decisions.refresh_follow_up(staff, nxt, other.id, None)
    with pytest.raises(RuleError, match="已印发"), atomic():
        decisions.refresh_follow_up(staff, meeting, 0, None)


# --- 协办单位 -----------------------------------------------------------------------------------


def _supported_decision(users, deadline: date | None = None) -> Decision:
    """An issued decision of 税务分局 with 经济发展局 supporting."""
    staff = users["staff"]
    meeting = meetings.meeting(staff, start=meetings.past(3))
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    meetings.fill(staff, meeting, tax)
    with atomic():
        made = decisions.add_decision(
            staff, meeting, "联合走访重点外贸企业", tax.id, None, deadline, supporter_ids=[economy.id]
        )
    meetings.issue(meeting, users["admin"], staff)
    return made


def test_a_responsible_unit_cannot_also_support(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    tax = meetings.department("税务分局")
    with pytest.raises(RuleError) as refused, atomic():
        decisions.add_decision(staff, meeting, "走访企业", tax.id, None, None, supporter_ids=[tax.id])
    assert refused.value.field == "supporter_ids" and "责任单位不能同时作为协办单位" in refused.value.message
    assert db.session.scalar(select(Decision.id)) is None


def test_the_database_refuses_a_department_leading_and_supporting(users):
    decision = _supported_decision(users)
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    with pytest.raises(IntegrityError), atomic():
        db.session.execute(
            text("INSERT INTO meeting_decision_supporter (decision_id, department_id, responsible_department_id) "
                 "VALUES (:d, :t, :t)"), {"d": decision.id, "t": tax.id},
        )  # fmt: skip
    # Making the supporter the responsible unit, behind the service's back: the copy follows and fails.
    with pytest.raises(IntegrityError), atomic():
        db.session.execute(update(Decision).where(Decision.id == decision.id).values(department_id=economy.id))
    db.session.expire_all()
    assert decision.department_id == tax.id and [s.department_id for s in decision.supporters] == [economy.id]


def test_a_supporter_chosen_while_someone_made_it_responsible_is_a_conflict(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    with atomic():
        decision = decisions.add_decision(staff, meeting, "走访企业", tax.id, None, None)
    with pytest.raises(Conflict) as refused, atomic():
        # Another edit, committed after this page was drawn: 经济发展局 now leads.
        db.session.execute(
            update(Decision).where(Decision.id == decision.id).values(department_id=economy.id),
            execution_options={"synchronize_session": False},
        )
        decisions.update_decision(staff, decision, "走访企业", tax.id, None, None, supporter_ids=[economy.id])
    assert "刚刚已被他人修改" in refused.value.message
    db.session.expire_all()
    assert decision.supporters == [] and decision.department_id == tax.id


def test_editing_swaps_the_responsible_and_the_supporting_unit(auth, client, users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    with atomic():
        decision = decisions.add_decision(staff, meeting, "走访企业", tax.id, None, None, supporter_ids=[economy.id])
    auth.login("staff")
    url = f"/meetings/{meeting.id}/decisions/{decision.id}/edit"
    form = {"text": "走访企业并形成报告", "department_id": str(economy.id), "unit_text": "", "deadline": ""}
    refused = client.post(url, data=form | {"supporter_ids": [str(economy.id)]})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "责任单位不能同时作为协办单位" in body and "走访企业并形成报告" in body
    saved = client.post(url, data=form | {"supporter_ids": [str(tax.id)]})
    assert saved.status_code == 303
    db.session.expire_all()
    assert decision.department_id == economy.id and decision.supporting_names == tax.name
    assert db.session.scalar(select(DecisionSupporter.responsible_department_id)) == economy.id


def test_a_supported_decision_and_a_meeting_with_one_can_be_removed_from_a_draft(users):
    staff = users["staff"]
    tax, economy = meetings.department("税务分局"), meetings.department("经济发展局")
    meeting = meetings.meeting(staff)
    with atomic():
        first = decisions.add_decision(staff, meeting, "走访企业", tax.id, None, None, supporter_ids=[economy.id])
        decisions.add_decision(staff, meeting, "编制清单", economy.id, None, None, supporter_ids=[tax.id])
        decisions.remove_decision(staff, first)
    assert [(d.number, d.text, d.supporting_names) for d in meeting.decisions] == [(1, "编制清单", tax.name)]
    removed = db.session.scalar(select(audit.AuditEntry).where(audit.AuditEntry.action == "decision.delete"))
    assert removed.detail_dict["supporters"] == economy.name
    with atomic():
        planning.delete_meeting(staff, meeting)
    assert db.session.scalar(select(DecisionSupporter.id)) is None


def test_supporters_show_on_the_meeting_the_list_the_decision_page_and_the_minutes(auth, client, users, tmp_path):
    decision = _supported_decision(users)
    auth.login("staff")
    economy = "南海新区经济发展局"
    assert f"协办：{economy}" in client.get(f"/meetings/{decision.meeting_id}").get_data(as_text=True)
    assert f"协办：{economy}" in client.get("/meetings/decisions").get_data(as_text=True)
    assert re.search(r"<dt>协办单位</dt><dd>" + economy, client.get(f"/meetings/decisions/{decision.id}").get_data(as_text=True))
    printed = pdf_text(tmp_path, client.get(f"/meetings/{decision.meeting_id}/minutes.pdf").data)
    assert f"联合走访重点外贸企业（责任单位：国家税务总局威海南海新区税务局；协办单位：{economy}）" in printed


def test_a_supporting_units_liaison_follows_and_reports_on_the_decision(auth, client, users, economy_liaison):
    decision = _supported_decision(users)
    other_meeting = meetings.meeting(users["staff"], start=meetings.past(2))
    only_tax = meetings.fill(users["staff"], other_meeting, meetings.department("税务分局"))
    meetings.issue(other_meeting, users["admin"], users["staff"])
    listed = list(db.session.scalars(decisions.decisions_query(economy_liaison)))
    assert listed == [decision]
    with pytest.raises(NotAllowed), atomic():
        decisions.report_progress(economy_liaison, only_tax, ProgressReport(PROGRESS, "无关"))
    auth.login("economy")
    assert "联合走访重点外贸企业" in client.get("/meetings/decisions").get_data(as_text=True)
    reported = client.post(
        f"/meetings/decisions/{decision.id}/progress", data={"status": "progress", "note": "已陪同走访两家企业"}, headers=HTMX
    )
    assert reported.status_code == 200 and "已陪同走访两家企业" in reported.get_data(as_text=True)
    db.session.expire_all()
    assert decision.latest_progress.entered_by_id == economy_liaison.id
    assert client.get(f"/meetings/decisions/{only_tax.id}").status_code == 404


def test_the_reminder_reaches_the_supporting_units_liaisons(users, economy_liaison):
    deadline = clock.today() + timedelta(days=10)
    decision = _supported_decision(users, deadline)
    with atomic():
        meetings.department("税务分局").robot_webhook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tax"
    Sender(now=lambda: datetime.combine(deadline - timedelta(days=2), datetime.min.time().replace(hour=12))).send_due()
    db.session.expire_all()
    [soon] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "decision.due_soon", OutboxMessage.object_id == str(decision.id))
    )
    assert "由税务分局负责，经济发展局协办" in soon.text and "13700000008" in soon.mentions.split(",")
    readers = set(
        db.session.scalars(
            select(InboxMessage.user_id).where(InboxMessage.event == "decision.due_soon", InboxMessage.object_id == str(decision.id))
        )
    )
    assert readers == {users["liaison"].id, economy_liaison.id}
