"""The printable evaluation report (PDF) for a period: activity, outcomes, inequalities, return on investment,
method notes and limitations in plain English. Aggregates only, with the same suppression as the pages.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from linkwell.accounts.models import Scheme

from . import panels, queries
from .evaluation import LIMITATIONS, METHOD_NOTES, evaluate_period
from .panels import Table

HEADINGS = (
    "Summary",
    "Activity",
    "Outcomes",
    "Inequalities",
    "Return on investment",
    "How we worked it out",
    "Limitations",
)
NHS_BLUE = colors.HexColor("#005eb8")


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], textColor=NHS_BLUE, alignment=0),
        "h1": ParagraphStyle("h1", parent=sheet["Heading1"], textColor=NHS_BLUE),
        "h2": ParagraphStyle("h2", parent=sheet["Heading3"]),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=sheet["BodyText"], fontSize=7.5, leading=9),
    }


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> list[Any]:
    parts: list[Any] = [Paragraph(escape(table.title), styles["h2"])]
    if not table.rows:
        return [*parts, Paragraph("No data for this period.", styles["body"])]
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{escape(str(c))}</b>", cell) for c in table.columns]]
    data += [[Paragraph(escape(str(value)), cell) for value in row] for row in table.rows]
    width = 180 * mm
    first = min(55 * mm, width / 2)
    rest = (width - first) / max(len(table.columns) - 1, 1)
    pdf = PdfTable(data, colWidths=[first] + [rest] * (len(table.columns) - 1), repeatRows=1)
    pdf.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#aeb7bd")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    parts.append(pdf)
    if table.note:
        parts.append(Paragraph(escape(table.note), styles["small"]))
    parts.append(Spacer(1, 4 * mm))
    return parts


def _bullets(items: Sequence[str], styles: dict[str, ParagraphStyle]) -> list[Any]:
    return [Paragraph(escape(item), styles["body"], bulletText="•") for item in items]


def render_report(scheme: Scheme, filters: queries.Filters) -> bytes:
    """The evaluation report for the scheme and period as PDF bytes."""
    styles = _styles()
    period = dict(filters.describe())
    headline = queries.headline(filters)
    funnel, rates = panels.funnel_tables(filters)
    evaluation = evaluate_period(scheme, filters.date_from, filters.date_to)
    story: list[Any] = [
        Paragraph(escape(f"{scheme.name}: social prescribing evaluation report"), styles["title"]),
        Paragraph(
            escape(
                f"Referrals received from {period['Received from']} to {period['Received to']}. "
                f"Produced by Linkwell on {timezone.localdate():%d %B %Y}."
            ),
            styles["body"],
        ),
        Paragraph("Summary", styles["h1"]),
        Paragraph(
            escape(
                f"{headline['referrals']} referrals for {headline['people']} people were received in the period; "
                f"{headline['connections']} connections to local services were made and "
                f"{headline['open']} referrals are still open."
            ),
            styles["body"],
        ),
        Paragraph("Activity", styles["h1"]),
        *_table(funnel, styles),
        *_table(rates, styles),
        *_table(panels.waits_table(filters), styles),
        *_table(panels.categories_table(filters), styles),
        Paragraph("Outcomes", styles["h1"]),
        *_table(evaluation.outcomes, styles),
        Paragraph("Inequalities", styles["h1"]),
        Paragraph(
            "The change in the first reported measure for different groups of people. Groups of 1 to 4 people are "
            "hidden, with any figure that would reveal them.",
            styles["body"],
        ),
    ]
    for breakdown in evaluation.breakdowns:
        story += _table(breakdown, styles)
    story += _table(panels.unmet_table(filters), styles)
    story.append(Paragraph("Return on investment", styles["h1"]))
    if evaluation.gp is not None:
        story += _table(evaluation.gp, styles)
    if evaluation.roi_table is not None:
        story += _table(evaluation.roi_table, styles)
    if evaluation.assumptions is not None:
        story += _table(evaluation.assumptions, styles)
    story.append(Paragraph("How we worked it out", styles["h1"]))
    story += _bullets(METHOD_NOTES, styles)
    story.append(Paragraph("Limitations", styles["h1"]))
    story += _bullets(LIMITATIONS, styles)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{scheme.name} evaluation report",
        author="Linkwell",
    )
    document.build(story)
    return out.getvalue()
