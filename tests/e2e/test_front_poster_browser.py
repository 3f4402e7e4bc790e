"""From the lobby poster to 我的办件, on a phone (390 px): the poster's PDF is printed (rasterised),
its QR code scanned (zbar) and the address it holds opened; there the enterprise raises a demand
with a photo, lands on its follow link and finds it again in 我的办件. Then it asks for a room,
follows the request by its private link, withdraws it after ticking the confirmation, and sees it
in 我的办件 as 已取消."""

import io
import re
import subprocess
from datetime import timedelta

from factories import directory
from factories import facilities as make
from PIL import Image
from playwright.sync_api import expect

from hubapp import clock
from hubapp.blueprints.demands.models import Demand
from hubapp.blueprints.facilities.models import CANCELLED, Booking
from hubapp.database import atomic
from hubapp.extensions import db


def scanned_poster(server, tmp_path) -> str:
    """What a phone reads from the printed poster: the PDF at 150 dpi, decoded by zbar."""
    response = server.session().get(server.url + "/e/poster.pdf", timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "poster")], check=True)
    [png] = tmp_path.glob("poster*.png")
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True)
    return decoded.stdout.strip()


def site_photo(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 90, 160)).save(out, "JPEG")
    path = tmp_path / "现场照片.jpg"
    path.write_bytes(out.getvalue())
    return path


def test_from_the_poster_a_phone_raises_a_demand_with_a_photo_and_follows_it(app, live_server, phone_page, tmp_path):
    enterprise = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属")
    # Read before the server starts: reading it later would open a transaction here, and on
    # SQLite hold the write lock the server's workers wait for.
    name, code = enterprise.name, enterprise.uscc
    server = live_server(workers=1)

    address = scanned_poster(server, tmp_path)
    assert address == f"{server.url}/e/"

    phone_page.goto(address)
    phone_page.get_by_role("link", name=re.compile("提诉求")).click()
    phone_page.get_by_role("radio", name=re.compile("资金需求")).check()
    phone_page.get_by_label("需要解决什么问题").fill("新厂房屋顶漏水影响生产，需协调维修资金。")
    phone_page.get_by_label("主题（选填）").select_option(label="融资贷款")
    phone_page.get_by_label("企业名称").fill(name)
    phone_page.get_by_label("统一社会信用代码").fill(code)
    phone_page.get_by_label("联系人").fill("杨经理")
    phone_page.get_by_label("手机号码").fill("13985263751")
    phone_page.locator("input[type=file][name=photos]").set_input_files(site_photo(tmp_path))
    phone_page.get_by_role("button", name="提交诉求").click()

    expect(phone_page.get_by_text(re.compile(r"已收到您的诉求，编号 ZTC-\d{4}-\d{3}"))).to_be_visible()
    assert re.search(r"/e/follow/[\w-]{40,}$", phone_page.url)
    photo = phone_page.get_by_role("img", name="照片1")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") == 800, "the photo is served back, re-encoded, at its size"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"

    with atomic():
        demand = db.session.scalars(db.select(Demand)).one()
        number = demand.number
        assert (demand.source_label, demand.topic.name, len(demand.photos)) == ("企业自报", "融资贷款", 1)

    phone_page.get_by_role("link", name="我的办件").click()
    expect(phone_page.get_by_role("link", name=re.compile(number))).to_be_visible()


def test_a_phone_asks_for_a_room_follows_and_withdraws_the_request(app, live_server, phone_page):
    room_id = make.room("会议室一", needs_approval=True).id
    day = clock.today() + timedelta(days=5)
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/e/")
    phone_page.get_by_role("link", name=re.compile("预约场地")).click()
    phone_page.get_by_label("场地").select_option(str(room_id))
    phone_page.get_by_label("日期").fill(day.isoformat())
    phone_page.get_by_label("开始时间").fill("14:00")
    phone_page.get_by_label("结束时间").fill("16:00")
    phone_page.get_by_label("活动名称").fill("新员工入职培训")
    phone_page.get_by_label("人数").fill("20")
    phone_page.get_by_label("单位名称").fill("威海某某科技有限公司")
    phone_page.get_by_label("联系人").fill("刘经理")
    phone_page.get_by_label("手机号").fill("13912345678")
    phone_page.get_by_role("button", name="提交申请").click()
    expect(phone_page.get_by_role("heading", name="申请已提交，等待审核")).to_be_visible()

    phone_page.get_by_role("link", name="查看申请进度或撤回申请").click()
    expect(phone_page.get_by_text("待审核")).to_be_visible()
    follow_link = phone_page.url
    assert re.search(r"/e/bookings/[\w-]{40,}$", follow_link)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"

    phone_page.get_by_label("我确认撤回本次场地预约申请").check()
    phone_page.get_by_role("button", name="撤回申请").click()
    expect(phone_page.get_by_text("您的场地预约申请已撤回。")).to_be_visible()
    expect(phone_page.get_by_text("已取消", exact=True)).to_be_visible()
    expect(phone_page.get_by_role("button", name="撤回申请")).to_have_count(0)

    phone_page.get_by_role("link", name="我的办件").click()
    listed = phone_page.locator("li", has_text="会议室一 · 新员工入职培训")
    expect(listed).to_contain_text("已取消")
    with atomic():
        booking = db.session.scalars(db.select(Booking)).one()
        assert (booking.status, booking.status_reason) == (CANCELLED, "申请人撤回")
