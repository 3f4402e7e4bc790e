"""The centre's front door for enterprises, by HTTP: /s/ (sessions open for sign-up), /e/ (the
centre's own code) and its poster, whose QR code is read back with zbar."""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from factories import sessions

from hubapp import clock
from hubapp.blueprints.sessions import planning
from hubapp.database import atomic


def test_the_session_list_says_so_when_nothing_is_open(client):
    page = client.get("/s/")
    assert page.status_code == 200
    assert "近期暂无可报名的活动" in page.text


def test_the_session_list_shows_what_is_open_with_seats_left_and_links_to_each(client, app):
    room = sessions.hall()
    later = sessions.session(room, capacity=5, start=sessions.day(9, 9), theme="科技金融月")
    sooner = sessions.session(room, capacity=3, start=sessions.day(2, 14))
    sessions.registration(sooner, sessions.phone(1))
    cancelled = sessions.session(room, start=sessions.day(4, 9))
    with atomic():
        planning.cancel_session(None, cancelled, "主讲人临时有事")
    closed = sessions.session(room, start=sessions.day(5, 9), signup_closes_at=clock.now() - timedelta(hours=1))

    page = client.get("/s/").text
    assert page.index(f'href="/s/{sooner.id}"') < page.index(f'href="/s/{later.id}"')  # the next one first
    assert "科技金融月" in page
    assert "尚余 2 个名额" in page and "尚余 5 个名额" in page
    assert sooner.room.name in page
    assert f'href="/s/{cancelled.id}"' not in page
    assert f'href="/s/{closed.id}"' not in page


def test_a_full_session_is_listed_for_the_waitlist(client):
    full = sessions.session(sessions.hall(), capacity=1)
    sessions.registration(full, sessions.phone(1))
    assert "名额已满，可报名候补" in client.get("/s/").text


def test_the_centre_page_offers_search_sessions_rooms_and_the_centre_contact(client, app):
    app.config.update(CENTRE_ADDRESS="威海南海新区蓝色创业谷1号楼", CENTRE_PHONE="0631-3961234")
    sessions.session(sessions.hall())
    page = client.get("/e/")
    assert page.status_code == 200
    text = page.text
    assert 'action="/g/"' in text and 'name="q"' in text
    assert sessions.TITLE in text
    assert 'href="/book"' in text
    assert "威海南海新区蓝色创业谷1号楼" in text and 'href="tel:0631-3961234"' in text
    assert "周一至周日全天免费开放" in text


def test_the_centre_page_without_sessions_points_to_the_list(client):
    text = client.get("/e/").text
    assert "近期暂无可报名的活动" in text and 'href="/s/"' in text


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar/poppler missing")
def test_the_poster_is_one_a4_page_whose_code_leads_to_the_centre_page(client, tmp_path):
    response = client.get("/e/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and "(A4)" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "蓝色创业谷产业社区党群服务中心" in text and "提诉求" in text and "预约场地" in text
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "poster")], check=True)
    image = next(tmp_path.glob("poster*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=True).stdout.decode()
    assert decoded.strip() == "http://hub.example.cn/e/"
    # The code stands in the middle of the sheet, as wide as the "one big QR code".
    from PIL import Image

    page = Image.open(image).convert("L")
    band = page.crop((0, page.height * 30 // 100, page.width, page.height * 50 // 100))  # the code only
    left, _, right, _ = band.point(lambda value: 255 if value < 128 else 0).getbbox()
    mm = 25.4 / 100
    assert abs(left - (page.width - right)) * mm < 2, (left, right, page.width)
    assert (right - left) * mm > 90
