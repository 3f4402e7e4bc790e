"""The 纪要 PDF measured with poppler, as the issue asks: A4 (pdfinfo), CJK fonts embedded
(pdffonts), text in reading order (pdftotext), and the text block at 37 mm from the top and
28 mm from the left (pdftotext -bbox); plus the frozen issued version and the other two PDFs."""

import re
import subprocess

import pytest
from factories import meetings

from hubapp import clock
from hubapp.blueprints.meetings import decisions, minutes, planning
from hubapp.database import atomic

MM = 72 / 25.4


def poppler(tmp_path, tool: str, data: bytes, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip


def words(tmp_path, data: bytes) -> list[tuple[int, float, float, float, str]]:
    """(page, xMin, yMin, yMax, text) of every word, in mm."""
    found, page = [], 0
    for line in poppler(tmp_path, "pdftotext", data, "-bbox").splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            x, y, y_max, text = match.groups()
            found.append((page, float(x) / MM, float(y) / MM, float(y_max) / MM, text))
    return found


@pytest.fixture
def issued(users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    with atomic():
        planning.add_attendee(staff, meeting, "attending", "蓝色创业谷产业社区党群服务中心", "孙晓梅、李建国")
        planning.add_attendee(staff, meeting, "excused", "南海新区经济发展局", "赵明")
    meetings.fill(staff, meeting, meetings.department())
    with atomic():
        item = meeting.agenda_items[0]
        planning.update_agenda_item(staff, item, item.title, item.presenter, "人社局通报在岗职工增加。\n企业反映社保转移手续多。")
    meetings.issue(meeting, users["admin"], staff)
    return meeting


def test_the_minutes_pdf_is_a4_with_embedded_cjk_fonts(auth, client, issued, tmp_path):
    auth.login("staff")
    response = client.get(f"/meetings/{issued.id}/minutes.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    info = poppler(tmp_path, "pdfinfo", response.data)
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = poppler(tmp_path, "pdffonts", response.data)
    embedded = [line for line in fonts.splitlines() if "CJK" in line]
    assert any("Serif-CJK-SC" in line for line in embedded) and any("Sans-CJK-SC-Bold" in line for line in embedded)
    assert all(line.split()[-5] == "yes" for line in embedded)  # the "emb" column


def test_the_minutes_text_reads_in_order(auth, client, issued, tmp_path):
    auth.login("staff")
    text = poppler(tmp_path, "pdftotext", client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    flat = re.sub(r"\s+", "", text)
    order = [
        "月度恳谈会纪要",
        f"〔{clock.today().year}〕1号",
        "主持召开",
        "现将会议议定事项纪要如下：",
        "一、会议议题及讨论情况",
        "（一）通报社保政策调整",
        "人社局通报在岗职工增加。",
        "二、会议议定事项",
        "1.开展社保政策进企业宣讲",
        "出席：",
        "列席：蓝色创业谷产业社区党群服务中心",
        "请假：南海新区经济发展局",
        "记录：李建国",
        "印发",
        "—1—",
    ]
    positions = [flat.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_the_text_block_starts_37mm_from_the_top_and_28mm_from_the_left(auth, client, issued, tmp_path):
    auth.login("staff")
    found = words(tmp_path, client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    first_page = [w for w in found if w[0] == 1]
    assert abs(min(w[2] for w in first_page) - 37) <= 1
    assert abs(min(w[1] for w in first_page) - 28) <= 1
    # Page numbers sit 7 mm below the 225 mm text block (37 + 225 = 262 mm from the top).
    number = next(w for w in first_page if w[4] == "1")
    assert abs(number[2] - 269) <= 1


def test_body_lines_hold_28_characters_on_a_29pt_grid(auth, client, users, tmp_path):
    meeting = meetings.meeting(users["staff"])
    with atomic():
        item = planning.add_agenda_item(users["staff"], meeting, "议题", None)
        planning.update_agenda_item(users["staff"], item, "议题", None, "试" * 26 * 3)
    auth.login("staff")
    found = words(tmp_path, client.get(f"/meetings/{meeting.id}/minutes.pdf").data)
    lines = [w for w in found if set(w[4]) == {"试"}]
    assert [len(w[4]) for w in lines] == [26, 28, 24]  # the first line is indented two characters
    gaps = {round(b[2] - a[2], 1) for a, b in zip(lines, lines[1:], strict=False)}
    assert gaps == {10.2}  # 225 mm / 22 lines


def test_long_minutes_number_pages_right_on_odd_and_left_on_even(auth, client, users, tmp_path):
    meeting = meetings.meeting(users["staff"])
    with atomic():
        for n in range(6):
            item = planning.add_agenda_item(users["staff"], meeting, f"议题{n}", None)
            planning.update_agenda_item(users["staff"], item, item.title, None, "讨论情况。" * 60)
    auth.login("staff")
    found = words(tmp_path, client.get(f"/meetings/{meeting.id}/minutes.pdf").data)
    numbers = {w[0]: w for w in found if re.fullmatch(r"\d+", w[4]) and w[2] > 262}
    assert len(numbers) >= 3
    assert numbers[1][1] > 150 and numbers[2][1] < 40 and numbers[3][1] > 150


def test_an_issued_version_stays_as_issued_after_a_correction(auth, client, issued, users, tmp_path):
    with atomic():
        minutes.start_correction(users["staff"], issued, "责任单位有误")
        decision = issued.decisions[0]
        decisions.update_decision(users["staff"], decision, "改为由人社局牵头宣讲", None, "人社局", None)
    auth.login("staff")
    old = poppler(tmp_path, "pdftotext", client.get(f"/meetings/{issued.id}/minutes.pdf?version=1").data)
    new = poppler(tmp_path, "pdftotext", client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    assert "开展社保政策进企业宣讲" in re.sub(r"\s+", "", old) and "改为由人社局牵头宣讲" not in re.sub(r"\s+", "", old)
    flat_new = re.sub(r"\s+", "", new)
    assert "改为由人社局牵头宣讲" in flat_new and "草稿（未印发）" in flat_new and "更正稿" in flat_new


def test_the_sign_in_sheet_and_agenda_list_the_people_and_items(auth, client, issued, tmp_path):
    auth.login("staff")
    sheet = re.sub(r"\s+", "", poppler(tmp_path, "pdftotext", client.get(f"/meetings/{issued.id}/signin.pdf").data))
    assert "签到表" in sheet and "王强" in sheet and "孙晓梅" in sheet and "赵明" not in sheet  # excused
    agenda = re.sub(r"\s+", "", poppler(tmp_path, "pdftotext", client.get(f"/meetings/{issued.id}/agenda.pdf").data))
    assert "会议议程" in agenda and "1.通报社保政策调整（人社局）" in agenda


def test_the_issuing_block_sits_at_the_foot_of_the_last_page(auth, client, issued, tmp_path):
    auth.login("staff")
    found = words(tmp_path, client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    last = max(w[0] for w in found)
    issued_line = next(w for w in found if w[0] == last and w[4].endswith("印发"))
    assert 245 < issued_line[3] <= 262.5
