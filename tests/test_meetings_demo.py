"""The demo data a newcomer sees: the last three monthly talk meetings and one quarterly symposium,
in the 会议室, with issued minutes and decisions some done, some open and exactly one overdue."""

from hubapp import clock
from hubapp.blueprints.meetings.decisions import decisions_query
from hubapp.blueprints.meetings.models import DONE, ISSUED, MONTHLY, OPEN, PROGRESS, QUARTERLY, Decision, Meeting
from hubapp.extensions import db


def test_demo_meetings_are_recent_and_issued(demo):
    meetings = list(db.session.scalars(db.select(Meeting).order_by(Meeting.start_at)))
    assert sorted(m.kind for m in meetings) == sorted([MONTHLY] * 3 + [QUARTERLY])
    assert all(m.start_at < clock.now() for m in meetings)
    assert all(m.room_name == "会议室" for m in meetings)
    assert all(m.current_minutes.status == ISSUED for m in meetings)
    seqs = [m.current_minutes.doc_seq for m in meetings]
    assert seqs == sorted(seqs)  # numbered in date order
    assert all(m.group("present") and m.group("attending") and m.agenda_items and m.decisions for m in meetings)


def test_demo_decisions_some_done_some_under_way_one_overdue_without_a_report(demo):
    today = clock.today()
    decisions = list(db.session.scalars(db.select(Decision)))
    assert {d.status for d in decisions} == {OPEN, PROGRESS, DONE}
    overdue = [d for d in decisions if d.is_overdue(today)]
    assert len(overdue) == 1 and overdue[0].status == OPEN and not overdue[0].progress
    assert all(d.latest_progress for d in decisions if d.status == PROGRESS)


def test_demo_liaison_has_decisions_to_follow(demo):
    from hubapp.blueprints.auth.models import User

    liaison = db.session.scalar(db.select(User).where(User.username == "liaison"))
    mine = list(db.session.scalars(decisions_query(liaison, status=None)))
    led = [d for d in mine if d.department_id == liaison.department_id]
    supported = [d for d in mine if d not in led]
    assert led and supported
    assert all(liaison.department_id in {s.department_id for s in d.supporters} for d in supported)
