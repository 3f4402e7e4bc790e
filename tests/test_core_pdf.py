"""What every print shares (hubapp/pdf.py): a PDF's fonts are subset to the glyphs its text uses,
and doing so no longer parses a C type for each new glyph count (pdf._OneTypePerElement), which
cost 10–20 ms of every print whose text was new — among them a worker's first."""

import subprocess

from weasyprint.text.ffi import ffi

from hubapp import pdf

SHORT = "会议纪要"
LONG = "产业社区党群服务中心企业服务直通车：问题诉求、技术需求、资金需求、配套需求，办结后评价。"


def _sized_codepoint_arrays() -> set[str]:
    return {name for name in ffi._parsed_types if name.startswith("hb_codepoint_t[") and name != "hb_codepoint_t[]"}


def _print(app, tmp_path, text: str):
    path = tmp_path / f"{len(text)}.pdf"
    with app.test_request_context("/"):
        path.write_bytes(pdf.render_pdf("pdf/warm_up.html", qr_code=text))
    return path


def test_prints_of_new_texts_keep_their_text_and_embed_subset_fonts_without_a_type_per_glyph_count(app, tmp_path):
    before = _sized_codepoint_arrays()
    for text in (SHORT, LONG):
        path = _print(app, tmp_path, text)
        words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert text in "".join(words.split())
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        embedded = [line for line in fonts.splitlines() if "CJK" in line]
        # pdffonts' columns end in "emb sub uni object ID": every CJK font embedded and subset.
        assert embedded and all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in embedded), fonts
    assert _sized_codepoint_arrays() == before
