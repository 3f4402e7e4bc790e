"""The printed side, checked as a reader would: every QR code on the sheet scans (rasterised with
pdftoppm, each column decoded with zbarimg) to its /g/<code> address, which answers with the
guide; the PDFs embed the CJK fonts, their text extracts, and no character lacks a glyph."""

import subprocess
from functools import cache

import pdfmeasure
import pytest
import segno
from factories import guides
from fontTools.ttLib import TTCollection
from PIL import Image

from hubapp.blueprints.guides import printing, reading, viewcount, writing
from hubapp.blueprints.guides.content import Material
from hubapp.blueprints.guides.models import Matter
from hubapp.database import atomic
from hubapp.extensions import db

BASE = "http://hub.example.cn"


@pytest.fixture(autouse=True)
def no_views_left_behind(app):
    """Write this test's views before its database goes, so that no writer thread outlives it."""
    yield
    db.session.rollback()  # outside a request the test's session may hold SQLite's write lock
    viewcount.flush()


@pytest.fixture
def staff_client(client, demo):
    client.post("/login", data={"username": "staff", "password": "demo-2026"})
    return client


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def decode_sheet(path, tmp_path, pages: int) -> list[str]:
    """Decode each column of cells of each page (the layout is 3 columns of 60 mm from 15 mm)."""
    found = []
    dpi = 150
    mm = dpi / 25.4
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(path), str(tmp_path / "page")], check=True)
    for number in range(1, pages + 1):
        image = Image.open(next(tmp_path.glob(f"page-*{number}.png")))
        for column in range(printing.SHEET_COLUMNS):
            strip = tmp_path / f"strip-{number}-{column}.png"
            image.crop((int((15 + column * 60) * mm), 0, int((15 + (column + 1) * 60) * mm), image.height)).save(strip)
            result = subprocess.run(["zbarimg", "-q", "--raw", str(strip)], capture_output=True, text=True)
            found += result.stdout.split()
    return found


@cache
def cjk_cmap() -> set[int]:
    chars: set[int] = set()
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        chars |= set(TTCollection(path).fonts[0].getBestCmap())
    return chars


def assert_fonts_embedded_and_complete(path):
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, "no fonts in the PDF"
    assert all("CJK" in row for row in rows), fonts  # nothing fell back to another font
    assert any("Noto-Sans-CJK-SC" in row for row in rows) and all(" yes " in row for row in rows), fonts
    missing = {ch for ch in pdf_text(path) if not ch.isspace() and ord(ch) not in cjk_cmap()}
    assert not missing, f"characters without a glyph: {missing}"


def test_every_code_on_the_qr_sheet_scans_to_its_guide(staff_client, more_guides, tmp_path):
    response = staff_client.get("/guides/qr-sheet.pdf")
    assert response.mimetype == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.data)
    published = reading.published_matters()
    assert len(published) == 14
    pages = pdf_pages(path)
    assert pages == 2  # 12 cells a page
    found = decode_sheet(path, tmp_path, pages)
    assert sorted(found) == sorted(f"{BASE}/g/{m.code}" for m in published)
    staff_client.post("/logout")
    for url in found:
        code = url.removeprefix(BASE + "/g/")
        page = staff_client.get(url.removeprefix(BASE))
        assert page.status_code == 200
        assert f"<h1>{reading.get_by_code(code).name}</h1>" in page.get_data(as_text=True)
    text = pdf_text(path)
    for matter in published:
        assert f"编码 {matter.code}" in text
    assert "沿虚线剪下" in text
    assert_fonts_embedded_and_complete(path)


@pytest.fixture
def more_guides(demo):
    """Six more published guides, so that the sheet runs onto a second page."""
    for number in range(6):
        guides.matter(f"extra-{number}", published=True, name=f"补充事项第{number + 1}号", category="talent")


def test_the_sheet_can_be_limited_to_one_category(staff_client, tmp_path):
    path = tmp_path / "tax.pdf"
    path.write_bytes(staff_client.get("/guides/qr-sheet.pdf?category=tax").data)
    text = pdf_text(path)
    assert "税务发票" in text and "发票领用" in text and "企业变更登记" not in text
    assert decode_sheet(path, tmp_path, 1) == [f"{BASE}/g/fp-sl"]


def test_an_empty_sheet_says_so(client, auth, tmp_path):
    auth.login("staff")
    path = tmp_path / "empty.pdf"
    path.write_bytes(client.get("/guides/qr-sheet.pdf").data)
    assert "没有已发布的办事指南" in pdf_text(path)


def test_the_poster_is_one_a4_page_with_materials_and_a_working_code(staff_client, tmp_path):
    matter = db.session.scalar(db.select(Matter).where(Matter.code == "rz-db"))
    path = tmp_path / "poster.pdf"
    response = staff_client.get("/guides/rz-db/poster.pdf")
    assert response.mimetype == "application/pdf"
    path.write_bytes(response.data)
    assert pdf_pages(path) == 1
    text = pdf_text(path)
    for element in [matter.name, "申请材料清单", "承诺时限", "15个工作日", "办理地点", "办理时间", "0631-3981004", "示例内容"]:
        assert element in text
    for material in matter.materials:
        assert material["name"][:8] in text
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(path), str(tmp_path / "poster")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(next(tmp_path.glob("poster*.png")))], capture_output=True, text=True)
    assert scanned.stdout.split() == [f"{BASE}/g/rz-db"]
    assert_fonts_embedded_and_complete(path)


def test_a_poster_with_a_long_materials_list_still_fits_one_page(client, auth, tmp_path):
    auth.login("staff")
    materials = [Material(f"第{n}项申请材料（加盖公章的复印件）", "copy", 2, n % 3 != 0) for n in range(1, 21)]
    guides.matter("chang-qd", published=True, materials=materials, tips="\n".join(["来前自查一"] * 6))
    path = tmp_path / "long.pdf"
    path.write_bytes(client.get("/guides/chang-qd/poster.pdf").data)
    assert pdf_pages(path) == 1
    assert "第20项申请材料" in pdf_text(path)


def test_a_draft_poster_is_marked_as_a_proof_and_an_archived_one_is_refused(client, auth, users, tmp_path):
    auth.login("staff")
    matter = guides.matter("cao-gao", name="草稿事项登记")
    path = tmp_path / "draft.pdf"
    path.write_bytes(client.get("/guides/cao-gao/poster.pdf").data)
    text = pdf_text(path)
    assert "草稿事项登记" in text and "校对稿" in text and "请发布后再张贴" in text
    with atomic():
        writing.publish(None, matter)
    path.write_bytes(client.get("/guides/cao-gao/poster.pdf").data)
    assert "校对稿" not in pdf_text(path)
    with atomic():
        writing.archive(None, matter)
    response = client.get("/guides/cao-gao/poster.pdf")
    assert response.status_code == 409
    assert "已归档" in response.get_data(as_text=True)


def test_the_qr_sheet_spans_the_page_between_its_margins(staff_client):
    """The cut grid and its heading run from the 15 mm left margin to the 15 mm right margin,
    so that the three 60 mm columns are where the cutter expects them."""
    found = pdfmeasure.words(staff_client.get("/guides/qr-sheet.pdf").data)
    heading = [w for w in found if w.page == 1 and w.top < 20]
    assert abs(min(w.left for w in heading) - 15) <= 0.3
    assert abs(max(w.right for w in heading) - 195) <= 0.3


@pytest.fixture
def twelve_long_names(app):
    """Twelve published guides whose names run to three lines in a cell."""
    matters = []
    for number in range(12):
        name = f"企业职工基本养老保险关系跨统筹区域转移接续及个人账户记录核对申请第{number + 1}项"
        matters.append(guides.matter(f"long-{number}", published=True, name=name, category="talent"))
    return matters


def test_twelve_guides_fill_one_page_with_names_in_at_most_two_lines(auth, client, twelve_long_names):
    auth.login("staff")
    data = client.get("/guides/qr-sheet.pdf").data
    assert pdfmeasure.page_count(data) == 1
    name_lines = [line for line in pdfmeasure.lines(data) if line.text.startswith(("企业职工", "转移接续", "记录核对", "跨统筹"))]
    heads = [line for line in name_lines if line.text.startswith("企业职工")]
    assert len(heads) == 12 and len(name_lines) <= 24


def test_every_code_keeps_a_quiet_zone_of_four_modules_to_the_cut_lines(auth, client, twelve_long_names, tmp_path):
    """Rasterised at 300 dpi: from the dashed cut lines to the first cell's code."""
    auth.login("staff")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(client.get("/guides/qr-sheet.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "300", str(path), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page-*.png"))).convert("L")
    pixels, mm = image.load(), 300 / 25.4
    grey = lambda v: 90 < v < 200  # noqa: E731 - the dashed #888 cut lines, anti-aliased
    cut_rows = [y for y in range(image.height) if sum(grey(pixels[x, y]) for x in range(0, image.width, 3)) > image.width / 12]
    cut_columns = [x for x in range(image.width) if sum(grey(pixels[x, y]) for y in range(0, image.height, 3)) > image.height / 12]
    top, left = cut_rows[0], cut_columns[0]
    # The first cell's code: the dark pixels in the 42 mm square below its top cut line, above its name.
    dark = [(x, y) for y in range(top + 3, top + int(41 * mm)) for x in range(left + 3, left + int(58 * mm)) if pixels[x, y] < 60]
    code_left, code_top = min(x for x, _ in dark), min(y for _, y in dark)
    code_width = max(x for x, _ in dark) - code_left
    url = f"{BASE}/g/{twelve_long_names[0].code}"
    modules = segno.make(url, error="m", micro=False).symbol_size(border=0)[0]
    module = code_width / modules
    assert (code_top - top) / module >= 4 and (code_left - left) / module >= 4
    assert code_width / mm >= 30  # still a code a phone reads from a metre away


def test_a_name_cut_to_two_lines_on_the_qr_sheet_ends_with_an_ellipsis(auth, client, twelve_long_names):
    """The reader sees the name goes on ("…"), rather than a second line that simply stops."""
    auth.login("staff")
    data = client.get("/guides/qr-sheet.pdf").data
    lines = pdfmeasure.lines(data)
    for start in range(len(lines)):
        if lines[start].text.startswith("企业职工"):
            second = lines[start + 1].text
            assert second.endswith("…") and "第" not in second, second
            break
    else:
        pytest.fail("no guide name on the sheet")


def test_a_name_that_fits_is_printed_whole():
    from hubapp.pdf import clamped

    assert clamped("企业开办一件事", 2, 14) == "企业开办一件事"
    assert clamped("A" * 40, 2, 14) == "A" * 40  # 40 narrow letters take about 24 em
    cut = clamped("企业职工基本养老保险关系跨统筹区域转移接续及个人账户记录核对申请", 2, 14)
    assert cut == "企业职工基本养老保险关系跨统筹区域转移接续及个人账户记…"  # 27 characters and the ellipsis
