"""Small server-rendered SVG charts (bar, stacked bar, line) drawn from the same rows as the table beside them.

No JavaScript. Each chart is an <svg role="img"> with a <title> and <desc>; the table next to it carries the
figures for screen readers, so the SVG itself is a picture with a text alternative. Colours come from the NHS
palette and each series also differs in position (stacking order, legend), not only in colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#005eb8", "#007f3b", "#ffb81c", "#330072", "#d5281b", "#00a499", "#ae2573", "#768692", "#41b6e6")
WIDTH = 640
ROW_HEIGHT = 22
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _open(chart_id: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg class="linkwell-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Frutiger W01, Arial, sans-serif" font-size="12">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend(series: Sequence[Series], y: int) -> tuple[str, int]:
    parts, x = [], 0
    for index, item in enumerate(series):
        if x > WIDTH - 150:
            x, y = 0, y + 18
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 10}" fill="#212b32">{escape(item.name)}</text>')
        x += 16 + 7 * len(item.name) + 20
    return "".join(parts), y + 22


def _empty(chart_id: str, title: str) -> SafeString:
    return mark_safe(
        _open(chart_id, title, "No data for these filters.", 30) + '<text x="0" y="20">No data</text></svg>'
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
    plot = WIDTH - LABEL_WIDTH - 60
    legend_svg, y = _legend(series, 0) if legend and len(series) > 1 else ("", 0)
    height = y + ROW_HEIGHT * len(labels) + 4
    parts = [_open(chart_id, title, f"{title}. The figures are in the table that follows.", height), legend_svg]
    for row, label in enumerate(labels):
        top_y = y + row * ROW_HEIGHT
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{top_y + 15}" text-anchor="end" fill="#212b32">{escape(label[:32])}</text>'
        )
        x = float(LABEL_WIDTH)
        hidden = False
        for index, item in enumerate(series):
            value = item.values[row]
            if value is None:
                hidden = True
                continue
            width = plot * value / top
            if width > 0:
                colour = PALETTE[index % len(PALETTE)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{top_y + 3}" width="{width:.1f}" height="{ROW_HEIGHT - 6}" fill="{colour}"/>'
                )
            x += width
        text = f"{_fmt(totals[row])}{unit}" + (" (some hidden)" if hidden else "")
        parts.append(f'<text x="{x + 4:.1f}" y="{top_y + 15}" fill="#212b32">{escape(text)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """One line per series over the labels (months), with the y axis from zero."""
    if not labels or not any(v for s in series for v in s.values):
        return _empty(chart_id, title)
    legend_svg, y0 = _legend(series, 0) if len(series) > 1 else ("", 0)
    plot_h, left, bottom_pad = 180, 40, 24
    height = y0 + plot_h + bottom_pad
    top = max((v or 0) for s in series for v in s.values) or 1
    step = (WIDTH - left - 10) / max(len(labels) - 1, 1)
    parts = [_open(chart_id, title, f"{title}. The figures are in the table that follows.", height), legend_svg]
    base = y0 + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#768692"/>')
    parts.append(f'<text x="{left - 4}" y="{y0 + 10}" text-anchor="end" fill="#212b32">{_fmt(top)}</text>')
    parts.append(f'<text x="{left - 4}" y="{base}" text-anchor="end" fill="#212b32">0</text>')
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0:
            x = left + index * step
            parts.append(
                f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" fill="#212b32">{escape(label)}</text>'
            )
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(
            f"{left + i * step:.1f},{base - plot_h * (v or 0) / top:.1f}" for i, v in enumerate(item.values)
        )
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
