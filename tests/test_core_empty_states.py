"""On an empty database every list says so and links to where its things are added, so that a
centre going live finds its way from any page."""

import pytest
from conftest import PASSWORD
from factories.accounts import account

EMPTY_PAGES = [
    ("/facilities/", "还没有登记场地", "/facilities/rooms/new"),
    ("/facilities/rooms", "还没有登记场地", "/facilities/rooms/new"),
    ("/facilities/utilisation", "还没有登记场地", "/facilities/rooms/new"),
    ("/facilities/bookings/new", "还没有可以预约的场地", "/facilities/rooms/new"),
    ("/demands/", "没有符合条件的诉求", "/demands/new"),
    ("/demands/visits", "还没有划分网格", "/directory/grids/new"),
    ("/directory/enterprises", "企业名录还是空的", "/directory/enterprises/new"),
    ("/directory/grids", "还没有划分网格", "/directory/grids/new"),
    ("/directory/departments", "还没有登记部门或单位", "/directory/departments/new"),
    ("/guides/", "还没有事项", "/guides/new"),
    ("/sessions/", "本月还没有安排活动", "/sessions/new"),
    ("/meetings/", "还没有符合条件的会议", "/meetings/new"),
]


@pytest.mark.parametrize(("path", "says", "link"), EMPTY_PAGES)
def test_an_empty_list_says_so_and_links_to_where_things_are_added(client, path, says, link):
    account("boss", "staff")  # the only row: no department, grid or enterprise as the users fixture makes
    client.post("/login", data={"username": "boss", "password": PASSWORD})
    page = client.get(path).get_data(as_text=True)
    assert says in page and f'href="{link}"' in page


def test_the_public_request_form_says_when_there_is_no_room_to_ask_for(client):
    assert "暂时没有可以预约的场地" in client.get("/book").get_data(as_text=True)
