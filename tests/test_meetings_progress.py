"""Meeting decisions followed up (issue 14): progress reports, 已延期 with a new deadline, 已完成 and
无法完成, the 三色 flag counted in working days, the 督办 list's filters, and what the database
itself refuses."""

from datetime import date, datetime

import pytest
from factories import meetings
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.meetings import decisions
from hubapp.blueprints.meetings.decisions import ProgressReport
from hubapp.blueprints.meetings.models import BLUE, DONE, EXTENDED, PROGRESS, RED, UNABLE, YELLOW, Decision
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, NotAllowed, RuleError

HTMX = {"HX-Request": "true"}
#: A Monday before the 2026 National Day holidays (10月1日—7日); 10月10日, a Saturday, is a
#: make-up working day. The fifth working day after it is 10月10日: due then is yellow, due
#: 10月11日 (a Sunday off) blue, though both are a fortnight away in calendar days.
MONDAY = date(2026, 9, 28)


@pytest.fixture
def on_monday(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 9, 28, 10, 0))


def _issued_decisions(users, *deadlines: date | None, department: str = "税务分局") -> list[Decision]:
    """Decisions of one issued meeting held the week before, one per deadline, for ``department``."""
    staff = users["staff"]
    meeting = meetings.meeting(staff, start=datetime(2026, 9, 21, 9, 0))
    made = [meetings.fill(staff, meeting, meetings.department(department))]
    with atomic():
        for number, deadline in enumerate(deadlines[1:], start=2):
            made.append(
                decisions.add_decision(staff, meeting, f"第{number}项工作", meetings.department(department).id, None, deadline)
            )
        made[0].deadline = deadlines[0]
    meetings.issue(meeting, users["admin"], staff)
    return made


def test_the_colour_counts_working_days_across_the_holiday_and_the_make_up_day(users, on_monday):
    overdue, makeup_day, sunday_after, no_deadline = _issued_decisions(
        users, date(2026, 9, 25), date(2026, 10, 10), date(2026, 10, 11), None
    )
    assert [d.colour(MONDAY) for d in (overdue, makeup_day, sunday_after, no_deadline)] == [RED, YELLOW, BLUE, BLUE]
    staff = users["staff"]
    by_colour = {c: list(db.session.scalars(decisions.decisions_query(staff, colour=c))) for c in (RED, YELLOW, BLUE)}
    assert by_colour == {RED: [overdue], YELLOW: [makeup_day], BLUE: [sunday_after, no_deadline]}
    assert decisions.colour_counts(staff) == {BLUE: 2, YELLOW: 1, RED: 1}
    with atomic():
        decisions.complete_decision(staff, overdue, "已完成")
    assert overdue.colour(MONDAY) is None and decisions.colour_counts(staff)[RED] == 0


def test_a_liaison_reports_progress_then_extends_then_finishes(users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 9, 30))
    liaison = users["liaison"]
    with atomic():
        decisions.report_progress(liaison, decision, ProgressReport(PROGRESS, "已联系三家银行"))
    assert decision.status == PROGRESS and decision.colour(MONDAY) == YELLOW

    with pytest.raises(RuleError) as missing, atomic():
        decisions.report_progress(liaison, decision, ProgressReport(EXTENDED, "银行审批未完成"))
    assert missing.value.field == "new_deadline"
    with pytest.raises(RuleError, match="应晚于"), atomic():
        decisions.report_progress(liaison, decision, ProgressReport(EXTENDED, "银行审批未完成", date(2026, 9, 29)))
    with atomic():
        decisions.report_progress(liaison, decision, ProgressReport(EXTENDED, "银行审批未完成", date(2026, 10, 30)))
    assert decision.status == EXTENDED and decision.deadline == date(2026, 9, 30)
    assert decision.due_on == date(2026, 10, 30) and decision.colour(MONDAY) == BLUE

    with atomic():
        decisions.report_progress(liaison, decision, ProgressReport(DONE, "融资对接会已召开"))
    assert decision.status == DONE and decision.done_note == "融资对接会已召开"
    assert [(p.status, p.note, p.entered_by_id) for p in decision.progress] == [
        (PROGRESS, "已联系三家银行", liaison.id),
        (EXTENDED, "银行审批未完成", liaison.id),
        (DONE, "融资对接会已召开", liaison.id),
    ]
    assert decision.progress[1].new_deadline == date(2026, 10, 30)
    actions = [e.action for e in audit.entries_for("decision", decision.id)]
    assert actions[-3:] == ["decision.progress", "decision.extend", "decision.done"]

    with pytest.raises(Conflict, match="重新打开"), atomic():
        decisions.report_progress(liaison, decision, ProgressReport(PROGRESS, "补充材料"))


def test_unable_needs_its_reason_and_another_units_liaison_may_not_report(users, on_monday):
    mine, theirs = _issued_decisions(users, date(2026, 10, 30), None)
    with atomic():
        theirs.department_id = meetings.department("经济发展局").id
    with pytest.raises(NotAllowed), atomic():
        decisions.report_progress(users["liaison"], theirs, ProgressReport(PROGRESS, "已开展"))
    with pytest.raises(RuleError, match="无法完成的原因") as error, atomic():
        decisions.report_progress(users["liaison"], mine, ProgressReport(UNABLE, "  "))
    assert error.value.field == "note"
    with atomic():
        decisions.report_progress(users["liaison"], mine, ProgressReport(UNABLE, "上级政策调整，不再实施"))
    assert mine.status == UNABLE and mine.colour(MONDAY) is None and mine.done_note == "上级政策调整，不再实施"


def test_a_report_on_a_decision_someone_else_just_closed_is_a_conflict(users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 10, 30))
    with atomic():
        db.session.execute(
            update(Decision)
            .where(Decision.id == decision.id)
            .values(status=DONE, done_note="他人已办结", done_at=clock.now()),
            execution_options={"synchronize_session": False},
        )
        with pytest.raises(Conflict, match="刚刚已被他人更新"):
            decisions.report_progress(users["liaison"], decision, ProgressReport(EXTENDED, "延期", date(2026, 11, 30)))
    db.session.refresh(decision)
    assert decision.status == DONE and decision.extended_to is None and decision.progress == []


@pytest.mark.parametrize(
    "values",
    [
        {"status": "overdue"},  # 逾期 is a colour, never a stored state
        {"status": "extended"},  # without the new deadline
        {"status": "unable"},  # without the reason and the time
    ],
)
def test_the_database_refuses_a_decision_state_it_cannot_explain(users, on_monday, values):
    (decision,) = _issued_decisions(users, date(2026, 10, 30))
    with pytest.raises(IntegrityError), atomic():
        db.session.execute(update(Decision).where(Decision.id == decision.id).values(**values))


def test_the_database_refuses_an_empty_progress_note(users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 10, 30))
    with pytest.raises(IntegrityError), atomic():
        db.session.execute(
            text(
                "INSERT INTO meeting_decision_progress (decision_id, entered_at, note, status) "
                "VALUES (:id, :at, '', 'progress')"
            ),
            {"id": decision.id, "at": clock.now()},
        )


# --- pages ------------------------------------------------------------------------------------


def test_the_supervision_list_filters_by_unit_and_colour(auth, client, users, on_monday):
    overdue, makeup_day = _issued_decisions(users, date(2026, 9, 25), date(2026, 10, 10))
    (theirs,) = _issued_decisions(users, date(2026, 9, 24), department="经济发展局")
    auth.login("staff")
    page = client.get("/meetings/decisions").get_data(as_text=True)
    assert "红（已逾期） 2 项" in page and "黄（即将到期） 1 项" in page
    red_here = client.get(f"/meetings/decisions?colour=red&unit={overdue.department_id}", headers=HTMX)
    rows = red_here.get_data(as_text=True)
    assert f'id="decision-{overdue.id}"' in rows
    assert f'id="decision-{makeup_day.id}"' not in rows and f'id="decision-{theirs.id}"' not in rows
    assert "红 · 逾期3天" in rows
    yellow = client.get("/meetings/decisions?colour=yellow", headers=HTMX).get_data(as_text=True)
    assert f'id="decision-{makeup_day.id}"' in yellow and "黄 · 12天后到期" in yellow
    assert client.get("/meetings/decisions?colour=purple&unit=abc").status_code == 200


def test_extending_from_the_row_needs_the_date_and_keeps_what_was_typed(auth, client, users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 9, 30))
    auth.login("liaison")
    url = f"/meetings/decisions/{decision.id}/progress"
    refused = client.post(url, data={"status": "extended", "note": "等待银行审批"}, headers=HTMX)
    row = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "申请延期请填写新的完成时限" in row and "等待银行审批" in row
    bad_date = client.post(url, data={"status": "extended", "note": "等待", "new_deadline": "2026-13-45"}, headers=HTMX)
    assert bad_date.status_code == 422
    extended = client.post(
        url, data={"status": "extended", "note": "等待银行审批", "new_deadline": "2026-10-30"}, headers=HTMX
    )
    row = extended.get_data(as_text=True)
    assert extended.status_code == 200 and "已延期" in row and "延期至 2026年10月30日" in row and "蓝 · 正常推进" in row


def test_the_decision_page_shows_the_history_and_a_plain_refusal_keeps_the_note(auth, client, users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 10, 30))
    with atomic():
        decisions.report_progress(users["liaison"], decision, ProgressReport(PROGRESS, "已走访五家企业"))
    auth.login("liaison")
    page = client.get(f"/meetings/decisions/{decision.id}").get_data(as_text=True)
    assert "已走访五家企业" in page and "联络员丁" in page and "2026年9月28日" in page
    note = "因政策调整无法推进" * 300
    refused = client.post(
        f"/meetings/decisions/{decision.id}/progress",
        data={"status": "unable", "note": note, "next": f"/meetings/decisions/{decision.id}"},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不超过2000字" in body and note in body and "已走访五家企业" in body
    done = client.post(
        f"/meetings/decisions/{decision.id}/progress",
        data={"status": "done", "note": "已全部走访", "next": f"/meetings/decisions/{decision.id}"},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/meetings/decisions/{decision.id}")


def test_another_units_decision_page_is_not_shown_to_a_liaison(auth, client, users, on_monday):
    (theirs,) = _issued_decisions(users, date(2026, 10, 30), department="经济发展局")
    auth.login("liaison")
    assert client.get(f"/meetings/decisions/{theirs.id}").status_code == 404
    assert client.get("/meetings/decisions/999999").status_code == 404


def test_the_meeting_page_shows_the_colour_and_latest_progress(auth, client, users, on_monday):
    (decision,) = _issued_decisions(users, date(2026, 10, 10))
    with atomic():
        decisions.report_progress(users["staff"], decision, ProgressReport(PROGRESS, "方案已起草"))
    auth.login("staff")
    page = client.get(f"/meetings/{decision.meeting_id}").get_data(as_text=True)
    assert "黄 · 12天后到期" in page and "最新进展（2026年9月28日）：方案已起草" in page and "推进中" in page
