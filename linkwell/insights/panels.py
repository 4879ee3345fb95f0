"""The dashboard's panels: each a table (title, columns, rows) and a chart drawn from that same table.

The page, the CSV/XLSX exports and the PDF report all take their figures from `dashboard_tables`, so a chart,
its table and every download always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from linkwell.referrals.models import Need, Source

from . import charts, queries

HIDDEN = "Hidden (1 to 4)"


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    chart: SafeString | None = field(default=None, repr=False)


def _cell(value: Any) -> Any:
    return HIDDEN if value is None else value


def _blank(value: Any) -> Any:
    return "" if value is None else value


def over_time_table(filters: queries.Filters) -> Table:
    rows = queries.referrals_over_time(filters)
    labels = dict(Source.choices)
    sources = [code for code in Source.values if any(row[code] for row in rows)]
    table = Table(
        slug="referrals-by-source",
        title="Referrals received each month, by source",
        columns=["Month", *[str(labels[s]) for s in sources], "Total"],
        rows=[[row["month"], *[row[s] for s in sources], row["total"]] for row in rows],
    )
    months = [row["month"] for row in rows]
    table.chart = charts.line(
        "chart-sources",
        table.title,
        months,
        [charts.Series(str(labels[s]), [row[s] for row in rows]) for s in sources]
        + [charts.Series("Total", [row["total"] for row in rows])],
    )
    return table


def by_need_table(filters: queries.Filters) -> Table:
    rows = queries.referrals_by_need(filters)
    labels = dict(Need.choices)
    needs = [code for code in Need.values if any(row[code] for row in rows)]
    totals = [sum(row[n] for row in rows) for n in needs]
    table = Table(
        slug="referrals-by-need",
        title="Referrals received each month, by need",
        columns=["Month", *[str(labels[n]) for n in needs], "Referrals"],
        rows=[[row["month"], *[row[n] for n in needs], row["total"]] for row in rows],
        note="A referral with several needs counts once under each of them, and once in Referrals.",
    )
    table.chart = charts.bar("chart-needs", "Referrals by need (whole period)", [str(labels[n]) for n in needs], totals)
    return table


def funnel_tables(filters: queries.Filters) -> tuple[Table, Table]:
    data = queries.funnel(filters)
    stages = Table(
        slug="funnel",
        title="From referral to getting help",
        columns=["Stage", "Referrals", "Share of received (%)"],
        rows=[[s["stage"], s["count"], _blank(s["share"])] for s in data["stages"]],
        note="A referral counts at a stage if it ever reached it (or a later one), whatever happened afterwards.",
    )
    stages.chart = charts.bar(
        "chart-funnel", stages.title, [s["stage"] for s in data["stages"]], [s["count"] for s in data["stages"]]
    )
    rates = Table(
        slug="rejection-and-contact",
        title="Not accepted and could not contact",
        columns=["Measure", "Referrals", "Out of", "Rate (%)"],
        rows=[[r["measure"], r["count"], r["of"], _blank(r["share"])] for r in data["rates"]],
        note="Rejections are out of all referrals received; could-not-contact is out of those accepted.",
    )
    rates.chart = charts.bar(
        "chart-rates", rates.title, [r["measure"] for r in data["rates"]], [r["share"] or 0 for r in data["rates"]], "%"
    )
    return stages, rates


def waits_table(filters: queries.Filters) -> Table:
    waits = queries.waiting_times(filters)
    table = Table(
        slug="waiting-times",
        title="Waiting times (days)",
        columns=["Wait", "Referrals", "Median (days)", "90th percentile (days)"],
        rows=[[w.label, w.count, _blank(w.median), _blank(w.p90)] for w in waits],
        note=(
            "First contact is the first successful contact recorded by a link worker; first connection is the "
            "first time a service was sent the person's details. Nine in ten waited no longer than the 90th "
            "percentile."
        ),
    )
    table.chart = charts.stacked_bar(
        "chart-waits",
        table.title,
        [w.label for w in waits],
        [
            charts.Series("Median", [w.median or 0 for w in waits]),
            charts.Series("To 90th percentile", [max((w.p90 or 0) - (w.median or 0), 0) for w in waits]),
        ],
        " days",
    )
    return table


def categories_table(filters: queries.Filters) -> Table:
    rows = queries.connections_by_category(filters)
    table = Table(
        slug="connections-by-category",
        title="Connections by service category",
        columns=["Category", "Connections", "Taken up", "Declined by provider"],
        rows=[[r["category"], r["total"], r["connected"], r["declined"]] for r in rows],
        note="A service listed under two categories counts under both.",
    )
    table.chart = charts.stacked_bar(
        "chart-categories",
        table.title,
        [r["category"] for r in rows],
        [
            charts.Series("Taken up", [r["connected"] for r in rows]),
            charts.Series("Other", [r["total"] - r["connected"] for r in rows]),
        ],
    )
    return table


def providers_table(filters: queries.Filters) -> Table:
    rows = queries.providers(filters)
    table = Table(
        slug="providers",
        title="Connections, response times and attendance by provider",
        columns=[
            "Provider",
            "Connections",
            "Taken up",
            "Declined",
            "Mean days to respond",
            "Sessions recorded",
            "Attendance (%)",
        ],
        rows=[
            [
                r["provider"],
                r["total"],
                r["connected"],
                r["declined"],
                _blank(r["mean_response_days"]),
                r["sessions"],
                _blank(r["attendance_rate"]),
            ]
            for r in rows
        ],
        note="Days to respond run from sending the connection to the provider's answer. Late counts as attended.",
    )
    table.chart = charts.bar(
        "chart-providers", "Connections by provider", [r["provider"] for r in rows], [r["total"] for r in rows]
    )
    return table


def capacity_table(filters: queries.Filters) -> Table:
    rows = queries.capacity(filters)
    table = Table(
        slug="capacity",
        title="Capacity and waiting lists",
        columns=["Service", "Places available (stated)", "Waiting list (stated)", "On Linkwell waiting list"],
        rows=[
            [r["name"], _blank(r["capacity_available"]), _blank(r["waiting_list_length"]), r["waitlisted"]]
            for r in rows
        ],
        note="Stated figures are what the provider last told the directory; Linkwell's count is connections "
        "waiting now for referrals matching the filters.",
    )
    table.chart = charts.stacked_bar(
        "chart-capacity",
        table.title,
        [r["name"] for r in rows],
        [
            charts.Series("Places available", [r["capacity_available"] or 0 for r in rows]),
            charts.Series("On Linkwell waiting list", [r["waitlisted"] for r in rows]),
        ],
    )
    return table


def unmet_table(filters: queries.Filters) -> Table:
    unmet = queries.unmet_needs(filters)
    table = Table(
        slug="unmet-needs",
        title="Unmet needs by area",
        columns=["Postcode district", *[str(label) for _, label in unmet.needs], "Total"],
        rows=[[r["area"], *[_cell(r[code]) for code, _ in unmet.needs], _cell(r["total"])] for r in unmet.rows],
        note=(
            "Needs on referrals that closed or were not accepted without the person being taken on by any "
            "service. Counts of 1 to 4, and any figure that would let one be worked out, are hidden."
        ),
    )
    areas = unmet.rows[:-1]
    table.chart = charts.bar(
        "chart-unmet", "Unmet needs by postcode district", [r["area"] for r in areas], [r["total"] for r in areas]
    )
    return table


def dashboard_tables(filters: queries.Filters) -> list[Table]:
    """Every panel of the main dashboard, in page order."""
    funnel, rates = funnel_tables(filters)
    return [
        over_time_table(filters),
        by_need_table(filters),
        funnel,
        rates,
        waits_table(filters),
        categories_table(filters),
        providers_table(filters),
        capacity_table(filters),
        unmet_table(filters),
    ]
