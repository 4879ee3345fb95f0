"""The network view: the headline figures of several schemes side by side, aggregates only, small numbers hidden.

Each scheme's figures come from the same functions as its own dashboard and evaluation (`queries.headline`,
`queries.funnel`, `queries.waiting_times`, `outcomes.evaluation`), so the two always agree. Then, per scheme:

- a count of 1 to 4 is hidden;
- a rate is hidden when it is worked out on fewer than 5, or when its part or what is left of the whole is 1 to 4
  (98% of 100 would say that 2 did not complete);
- a median, mean or confidence interval is hidden when fewer than 5 people are behind it;
- lost to follow-up is a count, hidden when 1 to 4.

No network total is shown: schemes are separate groups of people, so with no total there is nothing to subtract
a hidden figure from. Callers authorise first (`accounts.policies.networks_for`); this module takes schemes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import mark_safe

from linkwell.accounts.models import Scheme
from linkwell.outcomes.evaluation import change_for, evaluation_rows
from linkwell.outcomes.scoring import ScoreDefinition
from linkwell.outcomes.stats import LossToFollowUp, PairedChange
from linkwell.outcomes.suppression import THRESHOLD_HIGH, is_small

from . import charts, queries
from .panels import HIDDEN, Table

# A statistic (rate, median, mean, interval) hidden because too few people are behind it.
HIDDEN_FIGURE = "Hidden (fewer than 5)"
NO_DATA = "No data"
NOT_MEASURED = "Not measured"
MINIMUM_GROUP = THRESHOLD_HIGH + 1
FIRST_CONTACT = "Referral to first contact"

NOTES: tuple[str, ...] = (
    "Referrals, people, connections, completion and waiting times count referrals received in the period. "
    "Wellbeing change counts people whose first baseline questionnaire was completed in the period.",
    "Counts of 1 to 4 are hidden, and so is any rate, median or average worked out on fewer than 5, or that "
    "would let a count of 1 to 4 be worked out. No network total is shown, so nothing can be worked out by "
    "subtraction.",
    "Schemes record and follow up differently; a difference between two schemes is not proof that one works better.",
)


@dataclass(frozen=True)
class SchemeFigures:
    """One scheme's unsuppressed aggregates for a period (never shown as they are)."""

    scheme: Scheme
    referrals: int
    people: int
    connections: int
    completed: int
    first_contact_count: int
    first_contact_median: float | None
    changes: dict[str, tuple[PairedChange, LossToFollowUp]] = field(default_factory=dict)
    scores: dict[str, ScoreDefinition] = field(default_factory=dict)


def scheme_figures(scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None) -> SchemeFigures:
    """The aggregates the network table shows for one scheme, from the dashboard's and evaluation's functions."""
    filters = queries.Filters(scheme_id=scheme.pk, date_from=date_from, date_to=date_to)
    headline = queries.headline(filters)
    stages = {stage["stage"]: stage["count"] for stage in queries.funnel(filters)["stages"]}
    wait = next(w for w in queries.waiting_times(filters) if w.label == FIRST_CONTACT)
    reported, rows = evaluation_rows(scheme, date_from, date_to)
    return SchemeFigures(
        scheme=scheme,
        referrals=int(headline["referrals"]),
        people=int(headline["people"]),
        connections=int(headline["connections"]),
        completed=int(stages[queries.FUNNEL_LABELS["completed"]] or 0),
        first_contact_count=wait.count,
        first_contact_median=wait.median,
        changes={score.code: change_for(score, rows) for score in reported},
        scores={score.code: score for score in reported},
    )


def count_cell(value: int) -> Any:
    """A count as shown: hidden when 1 to 4 (zero is shown)."""
    return HIDDEN if is_small(value) else value


def rate_cell(part: int, whole: int) -> Any:
    """part as a percentage of whole, hidden when the whole is under 5 or the part or the rest is 1 to 4."""
    if whole == 0:
        return NO_DATA
    if whole < MINIMUM_GROUP or is_small(part) or is_small(whole - part):
        return HIDDEN_FIGURE
    return round(100.0 * part / whole, 1)


def median_cell(count: int, median: float | None) -> Any:
    """A median of `count` values, hidden when fewer than 5 lie behind it."""
    if count == 0 or median is None:
        return NO_DATA
    if count < MINIMUM_GROUP:
        return HIDDEN_FIGURE
    return median


def _change_cells(found: tuple[PairedChange, LossToFollowUp] | None) -> list[Any]:
    """[people with both, mean change, 95% CI, lost to follow-up] for one scheme and score."""
    if found is None:
        return [NOT_MEASURED] * 4
    change, loss = found
    small = change.n < MINIMUM_GROUP
    if change.n == 0:
        mean: Any = NO_DATA
        interval: Any = NO_DATA
    elif small:
        mean = interval = HIDDEN_FIGURE
    else:
        mean = NO_DATA if change.mean_change is None else round(change.mean_change, 2)
        interval = (
            NO_DATA
            if change.ci_low is None or change.ci_high is None
            else f"{change.ci_low:.2f} to {change.ci_high:.2f}"
        )
    return [count_cell(change.n), mean, interval, count_cell(loss.n_lost)]


def _numeric(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def headline_table(figures: list[SchemeFigures]) -> Table:
    """Referrals, people, connections, completion and waiting: one column per scheme, with a chart."""
    names = [f.scheme.name for f in figures]
    referrals = [count_cell(f.referrals) for f in figures]
    completion = [rate_cell(f.completed, f.referrals) for f in figures]
    table = Table(
        slug="network-headline",
        title="Referrals, connections and waiting times",
        columns=["Figure", *names],
        rows=[
            ["Referrals received", *referrals],
            ["People referred", *[count_cell(f.people) for f in figures]],
            ["Connections made", *[count_cell(f.connections) for f in figures]],
            ["Completed (got help), % of referrals", *completion],
            [
                "Median days from referral to first contact",
                *[median_cell(f.first_contact_count, f.first_contact_median) for f in figures],
            ],
        ],
    )
    referral_chart = charts.bar(
        "chart-network-referrals", "Referrals received, by scheme", names, [_numeric(v) for v in referrals]
    )
    completion_chart = charts.bar(
        "chart-network-completion",
        "Completed (got help), % of referrals, by scheme",
        names,
        [_numeric(v) for v in completion],
        unit="%",
    )
    table.chart = mark_safe(referral_chart + completion_chart)
    return table


def wellbeing_table(figures: list[SchemeFigures]) -> Table:
    """Paired change per wellbeing score and loss to follow-up: one column per scheme."""
    scores: dict[str, ScoreDefinition] = {}
    for f in figures:
        for code, score in f.scores.items():
            scores.setdefault(code, score)
    rows: list[list[Any]] = []
    for code, score in scores.items():
        cells = [_change_cells(f.changes.get(code)) for f in figures]
        better = "higher" if score.higher_is_better else "lower"
        names = (
            "people with baseline and follow-up",
            f"mean change ({better} is better)",
            "95% confidence interval",
            "lost to follow-up",
        )
        for index, name in enumerate(names):
            rows.append([f"{score.label}: {name}", *[column[index] for column in cells]])
    return Table(
        slug="network-wellbeing",
        title="Change in wellbeing (follow-up minus baseline)",
        columns=["Measure and figure", *[f.scheme.name for f in figures]],
        rows=rows,
        note="Mean change is follow-up minus baseline among people with both. People with a baseline but no "
        "follow-up are lost to follow-up.",
    )


def network_tables(
    schemes: list[Scheme], date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[Table]:
    """Both network tables for the schemes (already authorised) and the period, small numbers hidden."""
    figures = [scheme_figures(scheme, date_from, date_to) for scheme in schemes]
    return [headline_table(figures), wellbeing_table(figures)]


def describe(network_name: str, date_from: dt.date | None, date_to: dt.date | None) -> list[tuple[str, str]]:
    """What the figures cover, for captions and downloads."""
    return [
        ("Network", network_name),
        ("From", date_from.isoformat() if date_from else "the start"),
        ("To", date_to.isoformat() if date_to else "today"),
        ("Small numbers", "Counts of 1 to 4 and figures worked out on fewer than 5 are hidden"),
    ]
