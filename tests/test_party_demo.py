"""The demo tells the article's party story: 9/9 规上 enterprises covered, a 联合主题党日 of four
branches with its room held, the checklist part ticked."""

from sqlalchemy import select

from hubapp.blueprints.facilities.models import Booking
from hubapp.blueprints.party import checklist, organisations
from hubapp.blueprints.party.models import PartyActivity
from hubapp.extensions import db


def test_the_demo_covers_all_nine_above_size_enterprises_and_holds_a_four_branch_theme_day(app, demo, client):
    found = organisations.coverage()
    assert (found.above_size.covered, found.above_size.total) == (9, 9)
    assert found.all.covered > 9 and found.all.total == 48
    theme_days = [a for a in db.session.scalars(select(PartyActivity)) if a.kind == "theme_day" and len(a.organisations) == 4]
    assert theme_days and db.session.get(Booking, theme_days[0].booking_id).room.name == "党员组织生活教育馆"
    assert checklist.board(theme_days[0].start_at.year)
    # Its sign-in list names members of each of the four branches, within the 45 who attended.
    signed = {a.organisation_id for a in theme_days[0].attendees}
    assert signed == {o.id for o in theme_days[0].organisations}
    assert 4 <= len(theme_days[0].attendees) <= theme_days[0].attendance

    client.post("/login", data={"username": "staff", "password": "demo-2026"})
    page = client.get("/party/").get_data(as_text=True)
    assert "100.0%" in page and "开发区党工委" in page and "蓝色创业谷第一联合党支部" in page
