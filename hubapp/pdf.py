"""PDF rendering with WeasyPrint.

Print templates extend ``pdf/base.html``, which inlines ``pdf/print.css``: A4, and the Debian
fonts named explicitly (Noto Serif CJK SC for body text, Noto Sans CJK SC for headings), never
left to a fallback. Nothing is fetched over the network: the intranet has none.
"""

import functools
import logging
import os
import re
import sys
import time
import unicodedata

from flask import Flask, current_app, render_template
from markupsafe import Markup, escape


def layout(template: str, **context):
    """The laid-out WeasyPrint document, for callers that measure it before writing it."""
    # Imported here: WeasyPrint takes about a second to import, and most processes never print.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _one_array_type_per_element()
    html = render_template(template, **context)
    # Only embedded data and local files: a print job must never wait on the network.
    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    return HTML(string=html, base_url=current_app.root_path, url_fetcher=fetcher).render()


def render_pdf(template: str, **context) -> bytes:
    return layout(template, **context).write_pdf()


# --- Font subsetting without a C parser -------------------------------------------------------
#
# WeasyPrint subsets each font of a PDF with ``ffi.new(f"hb_codepoint_t[{n}]", glyphs)``: a C type
# named after the glyph count. cffi keeps the types it has parsed by name, and parses a new name
# with pycparser, preceded by every declaration WeasyPrint made: 2–3 ms each, two per font, so
# 10–20 ms of every print whose text is new, and most of what made a worker's first print slower
# than the next. ``ffi.new("hb_codepoint_t[]", glyphs)`` makes the same array of the same length
# from one type, parsed once.

_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


class _OneTypePerElement:
    """WeasyPrint's ffi, except that an array made from its items is typed by its element alone."""

    def __init__(self, ffi):
        self._ffi = ffi

    def __getattr__(self, name):
        return getattr(self._ffi, name)

    def new(self, cdecl, init=None):
        sized = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized and isinstance(init, (list, tuple)) and len(init) == int(sized[2]):
            cdecl = f"{sized[1]}[]"
        return self._ffi.new(cdecl, init)


@functools.cache
def _one_array_type_per_element() -> None:
    from weasyprint.pdf import fonts

    fonts.ffi = _OneTypePerElement(fonts.ffi)


# --- Lines break between words ---------------------------------------------------------------
#
# Chinese may break between any two characters, so a large title or a short sentence on a sign
# can split a word ("政/策", "爽/约"). CSS's `word-break: keep-all` would keep words whole only
# with break opportunities marked between them, and WeasyPrint ignores it anyway. So the words
# come from jieba and each is an unbreakable span (`.word` in print.css); lines break between them.


def keep_words(text: str | None) -> Markup:
    """``text`` with each word of two or more characters kept on one line."""
    if not text:
        return Markup("")
    return Markup("").join(
        Markup('<span class="word">{}</span>').format(word) if len(word) > 1 else escape(word) for word in _segment(text)
    )


def clamped(text: str, lines: int, line_ems: float) -> str:
    """``text`` cut to what ``lines`` lines of ``line_ems`` em each hold, ending in "…" when cut.

    WeasyPrint's line-clamp drops the lines beyond the last but draws no ellipsis, so a name cut
    short would read as if it ended there. Widths are counted as the CJK fonts set them: a Chinese
    character or full-width mark one em, anything else about half, which errs on the short side.
    """
    room = lines * line_ems
    widths = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text]
    if sum(widths) <= room:
        return text
    used, kept = 0.0, []
    for ch, width in zip(text, widths, strict=True):
        if used + width > room - 1:  # one em left for the ellipsis
            break
        kept.append(ch)
        used += width
    return "".join(kept).rstrip() + "…"


def _segment(text: str) -> list[str]:
    # Imported here: jieba loads its dictionary on first use (about a second), and only print
    # jobs need it.
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces every dictionary load on stderr
    return list(jieba.cut(text))


# --- CJK justification -------------------------------------------------------------------------
#
# GB/T 9704 wants every full line of a 公文 to end at the text block's right edge. WeasyPrint's
# `text-align: justify` only widens spaces, and Chinese has none, so lines stay ragged by whatever
# a line break rule (no 。 at a line's start, digits kept together) left over; it has no
# `text-justify: inter-character`. So a document that needs it is laid out twice: the first pass
# says where each line of an element marked `data-justify="KEY"` breaks, the second prints each of
# those lines as a block of its own, unbreakable, with the letter spacing that makes it end at the
# edge. The characters are the same, in the same order, with no space added, so the text layer
# stays searchable and copyable.

#: A line shorter than this many characters is not stretched: it ends a paragraph, or a long Latin
#: word left a gap that spreading the characters apart would only make more visible.
MAX_STRETCH_CHARACTERS = 3

_PX_PER_MM = 96 / 25.4


def justified_lines(document) -> dict[str, list[tuple[str, float | None]]]:
    """For each element with ``data-justify``: its lines in order, each with the letter spacing in
    mm that makes it fill its block, or ``None`` for the last line (set as it is)."""
    from weasyprint.formatting_structure import boxes

    found: dict[str, list[tuple[str, float | None]]] = {}
    for page in document.pages:
        for box in page._page_box.descendants():
            key = box.element.get("data-justify") if isinstance(box, boxes.BlockBox) and box.element is not None else None
            if not key or box.element_tag != box.element.tag:
                continue
            right_edge = box.content_box_x() + box.width
            for line in box.children:
                if not isinstance(line, boxes.LineBox):
                    continue
                texts = [b for b in line.descendants() if isinstance(b, boxes.TextBox)]
                text = "".join(b.text for b in texts).strip()
                if not text:
                    continue
                spacing = texts[-1].style["letter_spacing"]
                base = 0 if spacing == "normal" else spacing
                extra = right_edge - max(b.position_x + b.width for b in texts)
                stretch = None
                if len(text) > 1 and extra < MAX_STRETCH_CHARACTERS * texts[-1].style["font_size"]:
                    # The laid-out width counts a spacing after every character; the printed line
                    # ends with the last glyph, so the line's n characters share n - 1 gaps.
                    stretch = (extra + len(text) * base) / (len(text) - 1) / _PX_PER_MM
                found.setdefault(key, []).append((text, stretch))
    for lines in found.values():
        lines[-1] = (lines[-1][0], None)
    return found


class Justify:
    """The template's ``justify(key, text)``: ``text`` as it is on the first pass; on the second,
    its lines as measured, each an unbreakable block stretched to the edge."""

    def __init__(self, lines: dict[str, list[tuple[str, float | None]]] | None = None):
        self.lines = lines or {}

    def __call__(self, key: str, text: str) -> Markup:
        lines = self.lines.get(key)
        # The text must be exactly what was measured, else the breaks would be someone else's.
        if not lines or "".join("".join(t for t, _ in lines).split()) != "".join(text.split()):
            return escape(text)
        return Markup("").join(
            Markup('<span class="justified-line"{}>{}</span>').format(
                Markup(f' style="letter-spacing: {spacing:.4f}mm"') if spacing is not None else "", line
            )
            for line, spacing in lines
        )


def warm_up(app: Flask) -> None:
    """Do once, as a worker starts, what the first print would otherwise do while someone waits:
    import WeasyPrint, load and subset the CJK fonts, compile every template. ``PDF_WARM_UP`` turns
    it on (the gunicorn config ``serve.conf.py`` does); tests and commands do not pay for it."""
    from hubapp import qr

    started = time.perf_counter()
    with app.test_request_context("/"):  # print templates build addresses with url_for
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
        render_pdf("pdf/warm_up.html", qr_code=qr.svg("https://example.invalid/warm-up"))
    _segment("预热分词词典")  # jieba's dictionary, which posters and door signs load on first use
    # On stderr, which gunicorn gathers in its log: the bench reads the memory from there.
    print(
        f"worker {os.getpid()} warmed up for printing in {time.perf_counter() - started:.1f} s; "
        f"memory (RSS) now {resident_megabytes()} MB",
        file=sys.stderr, flush=True,
    )  # fmt: skip


def resident_megabytes() -> str:
    """This process's resident memory, from /proc (Linux), or "?" elsewhere."""
    try:
        for line in open("/proc/self/status").read().splitlines():
            if line.startswith("VmRSS:"):
                return f"{int(line.split()[1]) / 1024:.0f}"
    except OSError:
        pass
    return "?"
