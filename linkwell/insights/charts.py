"""Server-rendered SVG charts (bar, stacked bar, line) drawn from the same rows as the table beside them.

No JavaScript. Each chart is an <svg role="img"> with a <title> and <desc>; the table next to it carries the
figures for screen readers, so the SVG itself is a picture with a text alternative. Colours come from the NHS
palette and each series also differs in position (stacking order, legend), not only in colour.

The charts fill their column at any width without shrinking their text: the SVG has no viewBox, so its text is
drawn at the page's own pixel size (14px, 16px from tablet width up: see linkwell.css), while horizontal
positions are percentages of the column. Bars put their label and figure on a line above the bar, so a long
label never squeezes the bar on a phone. The line chart draws its lines in a nested, stretched SVG
(non-scaling strokes) and its labels in the outer one. Legends are HTML, so they wrap like text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#005eb8", "#007f3b", "#ffb81c", "#330072", "#d5281b", "#00a499", "#ae2573", "#768692", "#41b6e6")
INK = "#212b32"
# Heights in CSS pixels, sized for the 16px text of wider screens (phones use 14px).
ROW_HEIGHT = 46
LABEL_BASELINE = 17
BAR_TOP = 23
BAR_HEIGHT = 16
PLOT_HEIGHT = 180
LABEL_CHARS = 40


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _open(chart_id: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg class="linkwell-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'width="100%" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="14" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend(series: Sequence[Series]) -> str:
    # The figures are in the table beside the chart, so the legend is for sighted readers only.
    items = "".join(
        f'<li><svg width="12" height="12" focusable="false"><rect width="12" height="12" '
        f'fill="{PALETTE[index % len(PALETTE)]}"/></svg> {escape(item.name)}</li>'
        for index, item in enumerate(series)
    )
    return f'<ul class="linkwell-chart-legend" aria-hidden="true">{items}</ul>'


def _figure(legend: str, svg: str) -> SafeString:
    return mark_safe(f'<div class="linkwell-chart-figure">{legend}{svg}</div>')


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _empty(chart_id: str, title: str) -> SafeString:
    return _figure(
        "", _open(chart_id, title, "No data for these filters.", 30) + '<text x="0" y="20">No data</text></svg>'
    )


def bar(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "") -> SafeString:
    """Horizontal bars, one per label; hidden (None) values are drawn as "hidden"."""
    return stacked_bar(chart_id, title, labels, [Series(title, values)], unit=unit, legend=False)


def stacked_bar(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    legend: bool = True,
) -> SafeString:
    """Horizontal bars, one per label, each split into the series (stacked in legend order)."""
    totals = [sum(v or 0 for v in values) for values in zip(*(s.values for s in series), strict=True)] if series else []
    if not labels or not any(totals):
        return _empty(chart_id, title)
    top = max(totals) or 1
    height = ROW_HEIGHT * len(labels)
    parts = [_open(chart_id, title, f"{title}. The figures are in the table that follows.", height)]
    for row, label in enumerate(labels):
        top_y = row * ROW_HEIGHT
        hidden = any(item.values[row] is None for item in series)
        figure = f"{_fmt(totals[row])}{unit}" + (" (some hidden)" if hidden else "")
        parts.append(f'<text x="0" y="{top_y + LABEL_BASELINE}">{escape(_short(label))}</text>')
        parts.append(f'<text x="100%" y="{top_y + LABEL_BASELINE}" text-anchor="end">{escape(figure)}</text>')
        x = 0.0
        for index, item in enumerate(series):
            value = item.values[row]
            if not value or value <= 0:
                continue
            width = 100 * value / top
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.2f}%" y="{top_y + BAR_TOP}" width="{width:.2f}%" height="{BAR_HEIGHT}" fill="{colour}"/>'
            )
            x += width
    parts.append("</svg>")
    return _figure(_legend(series) if legend and len(series) > 1 else "", "".join(parts))


def line(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """One line per series over the labels (months), with the y axis from zero."""
    if not labels or not any(v for s in series for v in s.values):
        return _empty(chart_id, title)
    top = max((v or 0) for s in series for v in s.values) or 1
    plot_top = 24
    base = plot_top + PLOT_HEIGHT
    height = base + 24
    last = max(len(labels) - 1, 1)
    parts = [_open(chart_id, title, f"{title}. The figures are in the table that follows.", height)]
    parts.append(f'<text x="0" y="{plot_top - 8}">{_fmt(top)}</text>')
    parts.append(
        f'<line x1="0" y1="{plot_top}" x2="100%" y2="{plot_top}" stroke="#d8dde0" stroke-dasharray="4 4"/>'
        f'<line x1="0" y1="{base}" x2="100%" y2="{base}" stroke="#768692"/>'
    )
    # Up to four month labels, so they fit side by side on a phone; the first and last hug the edges.
    every = max(1, -(-len(labels) // 4))
    for index in range(0, len(labels), every):
        label = labels[index]
        anchor = "start" if index == 0 else "end" if index == len(labels) - 1 else "middle"
        parts.append(
            f'<text x="{100 * index / last:.2f}%" y="{base + 18}" text-anchor="{anchor}">{escape(label)}</text>'
        )
    # The lines live in a stretched inner SVG (one unit per month across, one per count up), drawn with strokes
    # that keep their width however the column is sized.
    parts.append(
        f'<svg x="0" y="{plot_top}" width="100%" height="{PLOT_HEIGHT}" viewBox="0 0 {last} {top}" '
        'preserveAspectRatio="none" overflow="visible">'
    )
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        values = list(item.values) if len(item.values) > 1 else [*item.values, *item.values]
        points = " ".join(f"{i},{top - (v or 0):g}" for i, v in enumerate(values))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" vector-effect="non-scaling-stroke" '
            f'points="{points}"/>'
        )
    parts.append("</svg></svg>")
    return _figure(_legend(series) if len(series) > 1 else "", "".join(parts))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
