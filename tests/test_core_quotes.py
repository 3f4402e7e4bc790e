"""Titles and names people typed are quoted the one way (formatting.quoted): “…”, with quotes they
already hold nested as ‘…’ (GB/T 15834), never doubled up as ““科创贷”专场”."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from factories.facilities import at
from factories.facilities import booking as book
from factories.facilities import room as make_room

from hubapp import clock
from hubapp.blueprints.directory.uscc import make_code
from hubapp.blueprints.facilities import bookings
from hubapp.blueprints.facilities.bookings import BookingDetails
from hubapp.database import atomic
from hubapp.rules import RuleError

HUBAPP = Path(__file__).parent.parent / "hubapp"
#: Typed text wrapped in quotes by hand: in an f-string (“{x.title}”) or a template (“{{ x.name }}”).
HAND_QUOTED = re.compile(r"“\{\{? ?[\w.\[\]]*(title|name|theme|reason|unit|search)\b[^}]*\}\}?”")


def test_no_message_quotes_typed_text_by_hand():
    found = [
        f"{path.relative_to(HUBAPP)}:{number}"
        for path in sorted(HUBAPP.rglob("*")) if path.suffix in (".py", ".html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_QUOTED.search(line) and "status_label" not in line
    ]  # fmt: skip
    assert found == [], "use quoted() or |quoted"


def test_a_clash_names_a_quoted_title_without_doubling_its_quotes(app):
    room = make_room("文化活动室")
    day = clock.today() + timedelta(days=3)
    book(room, day, "14:00", "16:00", title="“科创贷”专场")
    with pytest.raises(RuleError) as refused, atomic():
        bookings.create_booking(None, room.id, at(day, "15:00"), at(day, "17:00"), BookingDetails(title="企业沙龙"))
    assert "已被“‘科创贷’专场”" in refused.value.message
    assert "““" not in refused.value.message


def test_a_flash_after_adding_an_enterprise_nests_its_quotes(auth, client):
    auth.login("staff")
    data = {"name": "威海“蓝创”软件有限公司", "uscc": make_code("371000", 5150), "kind": "accelerator", "grid_id": "0",
            "contact_phone": "13985263751"}  # fmt: skip
    response = client.post("/directory/enterprises/new", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已新增企业“威海‘蓝创’软件有限公司”。" in page
