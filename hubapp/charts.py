"""Charts drawn on the server as inline SVG: the same markup shows in the browser (no script, nothing
fetched) and in WeasyPrint's PDFs. Every bar carries its figure as text, so a chart printed in
black and white still says its numbers; the fonts are named, as in the print CSS.

Two shapes cover what the statistics need: grouped vertical bars over categories (demands per
month, per list) and horizontal bars of percentages (rates per department).
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
#: Series colours: dark enough to read on paper, apart enough to tell in greyscale. The third is
#: red: where a chart has a third series, it is what went wrong (逾期).
PALETTE = ("#1d5fa8", "#e39a2d", "#b71c1c", "#1b7a3d")
#: The most characters of a row label in a rate chart; a longer one ends in an ellipsis.
LABEL_MAX = 11


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float]


def _nice_top(largest: float) -> tuple[float, float]:
    """A round top for the value axis and its step (four or five gridlines)."""
    if largest <= 0:
        return 4, 1
    magnitude = 10 ** (len(str(int(largest))) - 1)
    for step in (magnitude / 5, magnitude / 2, magnitude, magnitude * 2, magnitude * 5):
        step = max(step, 1)
        if largest / step <= 5:
            top = step * (int(largest // step) + (0 if largest % step == 0 else 1))
            return top, step
    return largest, largest / 5


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _text(x: float, y: float, content: str, size: float = 12, anchor: str = "middle", fill: str = "#1f2933", **extra) -> str:
    attributes = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{attributes}>'
        f"{escape(content)}</text>"
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" style="font-family: {FONT}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _heading(title: str, width: int) -> str:
    return _text(width / 2, 15, title, size=14, font_weight="700")


def _legend(series: list[Series], x: float, y: float) -> list[str]:
    parts = []
    for index, one in enumerate(series):
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(_text(x + 14, y, one.name, anchor="start"))
        x += 14 + 13 * len(one.name) + 18
    return parts


def bar_chart(title: str, categories: list[str], series: list[Series], unit: str = "") -> Markup:
    """Grouped vertical bars: one group per category, one bar per series, each with its figure."""
    width, height = 640, 280
    left, right, top, bottom = 40, 10, 50, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    largest = max((v for s in series for v in s.values), default=0)
    axis_top, step = _nice_top(largest)
    body = [_heading(title, width)] + _legend(series, left, 36)
    if unit:
        body.append(_text(width - right, 36, f"单位：{unit}", anchor="end", fill="#65717e"))
    tick = 0.0
    while tick <= axis_top + 1e-9:
        y = top + plot_h - plot_h * tick / axis_top
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d9dee4" stroke-width="0.8"/>')
        body.append(_text(left - 5, y + 4, _figure(tick), size=11, anchor="end", fill="#65717e"))
        tick += step
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(group_w * 0.8 / max(len(series), 1), 28)
    for i, category in enumerate(categories):
        group_x = left + group_w * i + (group_w - bar_w * len(series)) / 2
        for j, one in enumerate(series):
            value = one.values[i]
            bar_h = plot_h * value / axis_top
            x, y = group_x + bar_w * j, top + plot_h - bar_h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{bar_h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(category)} {escape(one.name)}：{_figure(value)}</title></rect>'
            )
            if value:
                body.append(_text(x + (bar_w - 1) / 2, y - 3, _figure(value), size=10))
        body.append(_text(left + group_w * (i + 0.5), height - bottom + 16, category))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#65717e"/>')
    return _svg(width, height, title, body)


def rate_chart(title: str, labels: list[str], series: list[Series]) -> Markup:
    """Horizontal bars of percentages (0–100), one row per label, one bar per series; a rate that
    cannot be computed (nothing counted yet) is None and says 无数据 instead of a bar."""
    label_w, width, row_gap = 150, 640, 8
    bar_h = 14
    row_h = bar_h * len(series) + row_gap
    top = 52
    height = top + row_h * len(labels) + 22
    plot_left, plot_w = label_w, width - label_w - 50
    body = [_heading(title, width)] + _legend(series, plot_left, 36)
    for percent in (0, 25, 50, 75, 100):
        x = plot_left + plot_w * percent / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 18}" stroke="#d9dee4" stroke-width="0.8"/>')
        body.append(_text(x, height - 5, f"{percent}%", size=10, fill="#65717e"))
    for i, label in enumerate(labels):
        y = top + row_h * i
        # A full department name (国家税务总局威海南海新区税务局) would run off the left edge.
        shown = label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"
        body.append(_text(label_w - 8, y + row_h / 2 + 1, shown, anchor="end"))
        for j, one in enumerate(series):
            value = one.values[i]
            bar_y = y + bar_h * j
            if value is None:
                body.append(_text(plot_left + 4, bar_y + bar_h - 3, f"{one.name}：无数据", size=10, anchor="start", fill="#65717e"))
                continue
            bar_w = plot_w * value / 100
            body.append(
                f'<rect x="{plot_left}" y="{bar_y:.1f}" width="{bar_w:.1f}" height="{bar_h - 2}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)} {escape(one.name)}：{value:.1f}%</title></rect>'
            )
            body.append(_text(plot_left + bar_w + 4, bar_y + bar_h - 3, f"{value:.1f}%", size=10, anchor="start"))
    return _svg(width, height, title, body)
