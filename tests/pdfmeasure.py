"""Where things land on paper, read back from the PDF with poppler's ``pdftotext -bbox-layout``:
every word and every line with its page and its box in millimetres from the paper's top-left
corner. Layout tests measure what a reader would hold a ruler to, not the HTML."""

import re
import subprocess
from dataclasses import dataclass

MM = 72 / 25.4  # PDF points per millimetre

_BOX = re.compile(r'<(word|line) xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)(?:</word>)?$')


@dataclass(frozen=True)
class Box:
    page: int
    left: float
    top: float
    right: float
    bottom: float
    text: str


def _layout(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def words_and_lines(data: bytes) -> tuple[list[Box], list[Box]]:
    words: list[Box] = []
    lines: list[Box] = []
    page = 0
    current_line: list = []
    for raw in _layout(data).splitlines():
        raw = raw.strip()
        if raw.startswith("<page "):
            page += 1
            continue
        match = _BOX.match(raw)
        if match:
            kind, *edges, text = match.groups()
            left, top, right, bottom = (float(edge) / MM for edge in edges)
            if kind == "line":
                current_line = [page, left, top, right, bottom]
            else:
                words.append(Box(page, left, top, right, bottom, text))
                current_line.append(text)
        elif raw == "</line>" and current_line:
            lines.append(Box(*current_line[:5], "".join(current_line[5:])))
    return words, lines


def words(data: bytes) -> list[Box]:
    return words_and_lines(data)[0]


def lines(data: bytes) -> list[Box]:
    """Each line of text as poppler groups it, its text the words joined without spaces."""
    return words_and_lines(data)[1]


def page_count(data: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def broken_words(data: bytes, vocabulary: list[str]) -> list[str]:
    """The words of ``vocabulary`` that a line break splits: one line ends with the word's head,
    the next begins with its tail."""
    found = lines(data)
    broken = []
    for before, after in zip(found, found[1:], strict=False):
        for word in vocabulary:
            if any(before.text.endswith(word[:i]) and after.text.startswith(word[i:]) for i in range(1, len(word))):
                broken.append(word)
    return broken
