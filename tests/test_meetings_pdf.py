"""The 纪要 PDF measured with poppler, as the issue asks: A4 (pdfinfo), CJK fonts embedded
(pdffonts), text in reading order (pdftotext), and the text block at 37 mm from the top and
28 mm from the left (pdftotext -bbox); plus the frozen issued version and the other two PDFs."""

import re
import subprocess

import pdfmeasure
import pytest
from factories import meetings
from PIL import Image

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
        "（一）开展社保政策进企业宣讲",
        "出席：",
        "列席：蓝色创业谷产业社区党群服务中心",
        "请假：南海新区经济发展局",
        "记录：李建国",
        "印发",
    ]
    positions = [flat.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_the_text_block_starts_37mm_from_the_top_and_28mm_from_the_left(auth, client, issued, tmp_path):
    auth.login("staff")
    found = words(tmp_path, client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    first_page = [w for w in found if w[0] == 1]
    # The first page opens with the banner 35 mm down; the next page's text starts at the block's top.
    assert abs(min(w[2] for w in found if w[0] == 2) - 37) <= 1.5  # the first line's half-leading
    assert abs(min(w[1] for w in first_page) - 28) <= 1
    # Page numbers sit 7 mm below the 225 mm text block (37 + 225 = 262 mm from the top).
    number = next(w for w in first_page if w[4] in ("1", "—1—"))
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


# --- GB/T 9704-2012 measured on the paper ---------------------------------------------------

#: A paragraph that leaves ragged lines when only spaces may stretch: digits, quotes and commas,
#: which line-breaking rules keep off a line's start.
MIXED = (
    "2026年1月起，新区对在岗职工社保缴费基数作了调整，人社局、税务分局“一窗受理”，企业反映转移手续多，"
    "需多部门协同推进。会议要求12月中旬前完成3批次政策宣讲，覆盖48家企业，并在下月恳谈会上通报进展。"
)


@pytest.fixture
def long_minutes(users):
    """A draft over more than one page, with a mixed paragraph, a long attendance list and a
    decision whose text begins with a date."""
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    with atomic():
        planning.add_attendee(staff, meeting, "present", "南海新区经济发展局、南海新区人力资源和社会保障局、南海新区市场监督管理局", "赵明、王强、刘敏、张伟、陈静")
        planning.add_attendee(staff, meeting, "excused", "南海新区经济发展局", "赵明")
        for n in range(3):
            item = planning.add_agenda_item(staff, meeting, f"议题{n + 1}", None)
            planning.update_agenda_item(staff, item, item.title, None, "\n".join([MIXED] * 3))
        decisions.add_decision(staff, meeting, "12月中旬前完成政策宣讲", None, "人社局", None)
    return meeting


def red_rows_mm(data: bytes, tmp_path, page: int = 1) -> list[float]:
    """Millimetres from the paper's top edge of every row of the page holding red ink."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p-*.png"))).convert("RGB")
    pixels, mm = image.load(), 150 / 25.4
    return [
        y / mm
        for y in range(image.height)
        if any(pixels[x, y][0] > 150 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90 for x in range(0, image.width, 2))
    ]


def test_the_minutes_banner_is_35mm_below_the_top_of_the_text_block(auth, client, issued, tmp_path):
    """72 mm from the paper's top edge (37 mm margin + 35 mm), the issuer's name in it."""
    auth.login("staff")
    data = client.get(f"/meetings/{issued.id}/minutes.pdf").data
    banner = [y for y in red_rows_mm(data, tmp_path) if y > 37]
    assert abs(banner[0] - 72) <= 1
    first_line = next(line for line in pdfmeasure.lines(data) if line.text.endswith("纪要"))
    assert first_line.text == "蓝色创业谷党群服务中心月度恳谈会纪要"


def test_attendance_labels_stand_two_characters_in_with_wrapped_lines_after_the_colon(auth, client, long_minutes):
    auth.login("staff")
    found = pdfmeasure.lines(client.get(f"/meetings/{long_minutes.id}/minutes.pdf").data)
    present, excused = (next(w for w in found if w.text.startswith(label)) for label in ("出席：", "请假："))
    assert abs(present.left - 39.3) <= 1 and abs(excused.left - 39.3) <= 1
    # Every wrapped line of 出席 starts where the text after its colon starts, three characters in.
    starts: dict[int, float] = {}
    for w in found:
        if w.page == present.page and present.top + 0.5 < w.top < excused.top - 0.5:
            starts[round(w.top)] = min(starts.get(round(w.top), 999.0), w.left)
    assert len(starts) >= 2
    assert all(abs(left - (39.3 + 3 * 5.64)) <= 1 for left in starts.values()), starts


def test_second_level_headings_are_set_in_kaiti(auth, client, issued, tmp_path):
    auth.login("staff")
    fonts = poppler(tmp_path, "pdffonts", client.get(f"/meetings/{issued.id}/minutes.pdf").data)
    assert any("UKai" in line for line in fonts.splitlines())


def test_every_full_line_ends_at_the_right_edge_of_the_text_block(auth, client, long_minutes, tmp_path):
    auth.login("staff")
    data = client.get(f"/meetings/{long_minutes.id}/minutes.pdf").data
    body = [line for line in pdfmeasure.lines(data) if line.text in MIXED]
    paragraph_ends = [line for line in body if MIXED.endswith(line.text)]
    full = [line for line in body if line not in paragraph_ends]
    assert len(full) >= 12 and len({line.page for line in full}) > 1
    assert all(abs(line.right - 184) <= 0.5 for line in full), [(line.text, round(line.right, 2)) for line in full]
    # Searchable as typed: the text layer has the paragraph's characters and no space between them.
    text = poppler(tmp_path, "pdftotext", data)
    assert MIXED in text.replace("\n", "") and " " not in "".join(line.text for line in full)
    assert all(" " not in row for row in text.splitlines() if row and row in MIXED)


def test_a_decision_that_begins_with_a_date_does_not_read_as_one(auth, client, long_minutes, tmp_path):
    auth.login("staff")
    flat = re.sub(r"\s+", "", poppler(tmp_path, "pdftotext", client.get(f"/meetings/{long_minutes.id}/minutes.pdf").data))
    assert "（一）12月中旬前完成政策宣讲" in flat and "1.12月" not in flat


def test_every_page_of_a_draft_is_marked_large(auth, client, long_minutes):
    auth.login("staff")
    data = client.get(f"/meetings/{long_minutes.id}/minutes.pdf").data
    marks = [w for w in pdfmeasure.words(data) if w.text == "草稿（未印发）"]
    assert {w.page for w in marks} == set(range(1, pdfmeasure.page_count(data) + 1)) and pdfmeasure.page_count(data) > 1
    assert all(w.bottom - w.top >= 6 for w in marks)  # 18 pt, not a footnote-sized hint


def test_copy_to_ends_with_a_full_stop(auth, client, users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    meetings.fill(staff, meeting, meetings.department())
    with atomic():
        minutes.approve_minutes(users["admin"], meeting)
        minutes.issue_minutes(staff, meeting, copy_to="新区各职能部门，各网格")
    auth.login("staff")
    found = pdfmeasure.words(client.get(f"/meetings/{meeting.id}/minutes.pdf").data)
    assert any(w.text.endswith("抄送：新区各职能部门，各网格。") or w.text == "各网格。" for w in found)


def test_the_page_number_dashes_sit_7mm_below_the_text_block(auth, client, issued):
    auth.login("staff")
    number = next(w for w in pdfmeasure.lines(client.get(f"/meetings/{issued.id}/minutes.pdf").data) if w.text == "—1—")
    assert abs(number.top - (37 + 225 + 7)) <= 1


def test_a_representatives_title_goes_in_the_title_column_of_the_sign_in_sheet(auth, client, users):
    staff = users["staff"]
    meeting = meetings.meeting(staff)
    with atomic():
        planning.add_attendee(staff, meeting, "present", "南海新区经济发展局", "王强（副局长）、刘敏")
    auth.login("staff")
    found = pdfmeasure.words(client.get(f"/meetings/{meeting.id}/signin.pdf").data)
    # Columns from the 18 mm margin: 序号 14, 单位 64, 姓名 26 (96–122 mm), 职务 28 (122–150 mm), 签名 42.
    name, title = next(w for w in found if w.text.startswith("王强")), next(w for w in found if w.text == "副局长")
    assert name.text == "王强" and 96 <= name.left and name.right <= 122
    assert 122 <= title.left and title.right <= 150 and abs(title.top - name.top) < 1


def test_a_heading_never_leaves_the_end_of_a_word_alone_on_its_last_line(auth, client, users, tmp_path):
    # Set without keeping words whole, this heading broke as "…（党群服务中" and "心）".
    meeting = meetings.meeting(users["staff"])
    with atomic():
        planning.add_agenda_item(users["staff"], meeting, "议题", None)
        planning.add_agenda_item(users["staff"], meeting, "收集企业在享受税费优惠中遇到的问题", "党群服务中心")
    auth.login("staff")
    text = poppler(tmp_path, "pdftotext", client.get(f"/meetings/{meeting.id}/minutes.pdf").data)
    lines = [line.strip() for line in text.splitlines()]
    heading = lines.index("（二）收集企业在享受税费优惠中遇到的问题（党群")
    assert lines[heading + 1] == "服务中心）"
