"""A visitor signs up from the poster's address on a phone and gets a check-in code; staff check
them in at the door by scanning it, and someone else from the list."""

import re
import shutil
import subprocess
from datetime import time

import pytest
from factories import sessions as make
from factories.sessions import phone
from playwright.sync_api import expect

from tests.conftest import PASSWORD


def decode_qr(locator, tmp_path) -> str:
    """What a camera reads from the code on screen (zbar, from a screenshot of the element)."""
    image = tmp_path / "qr.png"
    locator.screenshot(path=str(image))
    return subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, check=True).stdout.decode().strip()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools not installed")
def test_a_visitor_signs_up_on_a_phone_and_staff_check_them_in(
    app, users, live_server, phone_page, page, page_watch, tmp_path
):
    session = make.session(make.hall(opens=time(0), closes=time(0)), capacity=30, **make.door_open_now())
    session_id = session.id
    make.registration(session, phone(7), name="刘洋", enterprise="威海蓝创软件有限公司")
    server = live_server(workers=2)

    phone_page.goto(f"{server.url}/s/{session_id}")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("个人所得税")
    phone_page.get_by_label("企业名称").fill("威海鸿锐金属制品有限公司")
    phone_page.get_by_label("参会人姓名").fill("王敏")
    page_watch.allow("status of 422")  # the refused form comes back as 422, on purpose
    phone_page.get_by_label("手机号码").fill("1380631")
    phone_page.get_by_role("button", name="提交报名").click()
    expect(phone_page.locator("#phone-error")).to_contain_text("11位手机号码")
    expect(phone_page.get_by_label("企业名称")).to_have_value("威海鸿锐金属制品有限公司")

    phone_page.get_by_label("手机号码").fill("13806310001")
    phone_page.get_by_label("希望现场解答的问题").fill("年度汇算补税如何缴纳？")
    phone_page.get_by_role("button", name="提交报名").click()
    expect(phone_page.get_by_text("您已报名成功")).to_be_visible()
    qr = phone_page.get_by_role("img", name="签到二维码")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] <= 390, "the QR code fits the phone screen"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
    scanned = decode_qr(qr, tmp_path)
    assert scanned.startswith(f"{server.url}/sessions/{session_id}/checkin/")

    page.goto(f"{server.url}/login")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{server.url}/sessions/{session_id}/checkin")
    code = page.get_by_label("签到码")
    code.fill(scanned)
    code.press("Enter")
    expect(page.locator("#door-result")).to_contain_text("王敏（威海鸿锐金属制品有限公司）签到成功")
    expect(page.locator("#checked-count")).to_have_text("1")
    expect(code).to_have_value("")
    code.fill(scanned)
    code.press("Enter")
    expect(page.locator("#door-result")).to_contain_text(re.compile(r"王敏（威海鸿锐金属制品有限公司）已于 \d\d:\d\d 签到"))

    page.get_by_role("searchbox").fill("刘洋")
    row = page.locator("#checkin-rows tr", has_text="刘洋")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="签到").click()
    expect(page.locator("#door-result")).to_contain_text("刘洋（威海蓝创软件有限公司）签到成功")
    expect(page.locator("#checkin-rows tr", has_text="刘洋")).to_contain_text(re.compile(r"已于 \d\d:\d\d 签到"))

    phone_page.reload()
    expect(phone_page.get_by_text(re.compile(r"已于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 签到"))).to_be_visible()


def write_y4m(path, text: str, width: int = 640, height: int = 480) -> None:
    """A one-frame grey Y4M video of a QR code, for Chromium's fake camera."""
    import io

    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * (width // 2) * (height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_staff_check_in_with_the_camera(app, users, live_server, browser, tmp_path):
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    session = make.session(make.hall(opens=time(0), closes=time(0)), capacity=30, **make.door_open_now())
    session_id = session.id
    registration = make.registration(session, phone(8), name="赵静", enterprise="威海海纳数据有限公司")
    token = registration.token
    server = live_server(workers=2)
    video = tmp_path / "qr.y4m"
    write_y4m(video, f"{server.url}/sessions/{session_id}/checkin/{token}")

    camera_args = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    errors = []
    # A browser of its own: the shared one has no fake camera.
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args)
    try:
        page = camera_browser.new_page(locale="zh-CN")
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{server.url}/login")
        page.get_by_label("用户名").fill("staff")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{server.url}/sessions/{session_id}/checkin")
        # One button at a time: "close" only while the camera runs.
        expect(page.get_by_role("button", name="关闭摄像头")).to_be_hidden()
        page.get_by_role("button", name="打开摄像头扫码").click()
        expect(page.get_by_role("button", name="打开摄像头扫码")).to_be_hidden()
        expect(page.locator("#door-result")).to_contain_text("赵静（威海海纳数据有限公司）签到成功")
        expect(page.locator("#checked-count")).to_have_text("1")
        page.get_by_role("button", name="关闭摄像头").click()
        expect(page.get_by_role("button", name="关闭摄像头")).to_be_hidden()
        expect(page.get_by_role("button", name="打开摄像头扫码")).to_be_visible()
    finally:
        camera_browser.close()
    assert not errors, errors
