"""The honest evaluation of a scheme for a period, as tables: paired change with loss to follow-up, the same
change broken down by deprivation, age, sex and ethnic group (small numbers hidden), GP appointments and the
return on investment with every assumption beside the figure.

The statistics come from linkwell.outcomes (evaluation.py, stats.py); this module only arranges them and applies
small-number suppression. Any group of 1 to 4 people, and any figure that would let one be worked out, is
hidden along with its statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery

from linkwell.accounts.models import Scheme
from linkwell.outcomes import breakdowns
from linkwell.outcomes.definitions import outcome_settings_for
from linkwell.outcomes.evaluation import change_for, evaluation_rows, gp_change, opted_out
from linkwell.outcomes.models import Timepoint
from linkwell.outcomes.stats import Assumption, ReturnOnInvestment, paired_change, roi
from linkwell.outcomes.suppression import is_small, suppress_breakdown
from linkwell.people.models import Person
from linkwell.places.models import Postcode

from .panels import HIDDEN, Table

METHOD_NOTES: tuple[str, ...] = (
    "Each person counts once per measure: their first baseline in the period, and their first follow-up on "
    "the same referral after it. Change is follow-up minus baseline, for people with both (a paired analysis).",
    "People with a baseline but no follow-up are 'lost to follow-up'. We show how many, and whether their "
    "baseline scores differed from those who stayed: if they did, the average change may not apply to everyone.",
    "The 95% confidence interval is the range the true average change probably lies in. A wide range means "
    "few people answered; a range that includes zero means the change could be chance.",
    "Groups of 1 to 4 people are hidden, as is any figure that would let a hidden group be worked out "
    "(for example by subtracting the other groups from the total).",
)
LIMITATIONS: tuple[str, ...] = (
    "There is no comparison group, so a change cannot be proved to be caused by social prescribing: people "
    "often feel better over time anyway, especially after a low point that prompted the referral.",
    "People who answer follow-up questionnaires may be those who did better.",
    "GP appointment counts come from practices and cover only the people they were provided for.",
    "Money values depend on the assumptions listed beside them; change an assumption and the figure changes.",
)


@dataclass
class Evaluation:
    outcomes: Table
    breakdowns: list[Table] = field(default_factory=list)
    gp: Table | None = None
    roi: ReturnOnInvestment | None = None
    roi_table: Table | None = None
    assumptions: Table | None = None


def _r(value: float | None, digits: int = 2) -> Any:
    return "" if value is None else round(value, digits)


def _pct(value: float | None) -> Any:
    return "" if value is None else round(100 * value, 1)


def _ci(low: float | None, high: float | None) -> str:
    return "" if low is None or high is None else f"{low:.2f} to {high:.2f}"


def _age(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _people(person_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Sex, ethnic category, date of birth and IMD decile of the evaluated people, in one query."""
    decile = Postcode.objects.filter(postcode=OuterRef("postcode")).values("imd_decile")[:1]
    rows = (
        Person.objects.filter(pk__in=person_ids)
        .annotate(imd_decile=Subquery(decile))
        .values("pk", "sex", "ethnic_category", "date_of_birth", "imd_decile")
    )
    return {row["pk"]: dict(row) for row in rows}


def _opted_out_note(scheme: Scheme) -> str:
    count = len(opted_out(scheme))
    if count == 0:
        return "Nobody has said no to their answers being used for evaluation."
    shown = "fewer than 5" if is_small(count) else str(count)
    return f"People who said no to their answers being used for evaluation are left out ({shown} people)."


def evaluate_period(scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Evaluation:
    """Every evaluation table for the scheme's baselines completed in the period."""
    reported, rows = evaluation_rows(scheme, date_from, date_to)
    outcome_rows: list[list[Any]] = []
    changes = {}
    for score in reported:
        change, loss = change_for(score, rows)
        changes[score.code] = score
        hidden = is_small(change.n)
        outcome_rows.append(
            [
                score.label,
                HIDDEN if hidden else change.n,
                "" if hidden else _r(change.mean_baseline),
                "" if hidden else _r(change.mean_follow_up),
                "" if hidden else _r(change.mean_change),
                "" if hidden else _ci(change.ci_low, change.ci_high),
                "" if hidden else _r(change.effect_size),
                "" if hidden else _pct(change.share_improved_meaningfully),
                HIDDEN if is_small(loss.n_lost) else loss.n_lost,
                "" if is_small(loss.n_lost) or hidden else _pct(loss.share_lost),
                "Higher is better" if score.higher_is_better else "Lower is better",
            ]
        )
    outcomes = Table(
        slug="outcomes",
        title="Change in wellbeing measures (follow-up minus baseline)",
        columns=[
            "Measure",
            "People with both",
            "Mean at baseline",
            "Mean at follow-up",
            "Mean change",
            "95% confidence interval",
            "Effect size",
            "Improved meaningfully (%)",
            "Lost to follow-up",
            "Lost to follow-up (%)",
            "Direction",
        ],
        rows=outcome_rows,
        note=_opted_out_note(scheme),
    )
    result = Evaluation(outcomes=outcomes)
    if reported:
        result.breakdowns = _breakdowns(reported[0], rows)
    gp = gp_change(scheme, date_from, date_to)
    gp_hidden = is_small(gp.n)
    result.gp = Table(
        slug="gp-appointments",
        title="GP appointments in the 12 months before and after referral",
        columns=["People with counts", "Mean before", "Mean after", "Mean change", "95% confidence interval"],
        rows=[
            [
                HIDDEN if gp_hidden else gp.n,
                "" if gp_hidden else _r(gp.mean_baseline),
                "" if gp_hidden else _r(gp.mean_follow_up),
                "" if gp_hidden else _r(gp.mean_change),
                "" if gp_hidden else _ci(gp.ci_low, gp.ci_high),
            ]
        ],
        note="Negative change means fewer appointments after referral.",
    )
    settings = outcome_settings_for(scheme)
    cost = Assumption(
        name="Cost of a GP appointment",
        value=float(settings.gp_appointment_cost),
        unit="£ per appointment",
        source="Set in the scheme's outcome settings.",
    )
    value = roi(
        scheme_cost=float(settings.annual_scheme_cost),
        gp_change=None if gp_hidden else gp,
        gp_appointment_cost=cost,
        volunteer_hour_value=Assumption(
            "Value of an hour of volunteering",
            float(settings.volunteer_hour_value),
            "£ per hour",
            "Set in the scheme's outcome settings.",
        ),
    )
    result.roi = value
    result.roi_table = Table(
        slug="return-on-investment",
        title="Return on investment",
        columns=["Figure", "Value", "Low", "High"],
        rows=[
            ["Scheme cost (£)", _r(value.scheme_cost), "", ""],
            [
                "GP appointments avoided",
                _r(value.appointments_avoided, 1),
                _r(value.appointments_avoided_low, 1),
                _r(value.appointments_avoided_high, 1),
            ],
            ["Value of GP time freed (£)", _r(value.gp_value), "", ""],
            ["Value of volunteering (£)", _r(value.volunteer_value), "", ""],
            ["Total value (£)", _r(value.total_value), _r(value.total_value_low), _r(value.total_value_high)],
            ["Value per £1 spent", _r(value.ratio), _r(value.ratio_low), _r(value.ratio_high)],
        ],
        note=" ".join(value.caveats),
    )
    result.assumptions = Table(
        slug="assumptions",
        title="Assumptions behind the return on investment",
        columns=["Assumption", "Value", "Unit", "Source"],
        rows=[[a.name, _r(a.value), a.unit, a.source] for a in value.assumptions],
    )
    return result


_GROUPINGS = (
    ("deprivation", "Deprivation quintile", breakdowns.DEPRIVATION_QUINTILE_LABELS),
    ("age", "Age band", breakdowns.AGE_BAND_LABELS),
    ("sex", "Sex", breakdowns.SEX_GROUP_LABELS),
    ("ethnicity", "Ethnic group", breakdowns.ETHNIC_GROUP_LABELS),
)


def _breakdowns(score: Any, rows: list[Any]) -> list[Table]:
    """Paired change in one score by each grouping, with groups of 1 to 4 (and what reveals them) hidden."""
    baseline = {r.person_id: r for r in rows if r.measure == score.code and r.timepoint == Timepoint.BASELINE}
    follow = {r.person_id: r.score for r in rows if r.measure == score.code and r.timepoint == Timepoint.FOLLOW_UP}
    paired = [pid for pid in baseline if pid in follow]
    people = _people(set(paired))

    def group(kind: str, pid: int) -> str:
        person = people.get(pid, {})
        if kind == "deprivation":
            return breakdowns.deprivation_quintile_label(person.get("imd_decile"))
        if kind == "age":
            return breakdowns.age_band(_age(person.get("date_of_birth"), baseline[pid].date))
        if kind == "sex":
            return breakdowns.sex_group(person.get("sex"))
        return breakdowns.ethnic_group(person.get("ethnic_category"))

    tables = []
    for kind, title, labels in _GROUPINGS:
        pairs: dict[str, list[tuple[float, float]]] = {label: [] for label in labels}
        for pid in paired:
            pairs.setdefault(group(kind, pid), []).append((baseline[pid].score, follow[pid]))
        stats = {
            label: paired_change(items, score.higher_is_better, score.meaningful_change)
            for label, items in pairs.items()
            if items
        }
        shown = suppress_breakdown({label: len(items) for label, items in pairs.items()}, stats)
        table_rows = []
        for label in pairs:
            count = shown.counts[label]
            change = shown.statistics.get(label)
            table_rows.append(
                [
                    label,
                    HIDDEN if count is None else count,
                    "" if change is None else _r(change.mean_change),
                    "" if change is None else _ci(change.ci_low, change.ci_high),
                ]
            )
        table_rows.append(["All people", HIDDEN if shown.total is None else shown.total, "", ""])
        tables.append(
            Table(
                slug=f"breakdown-{kind}",
                title=f"{score.label}: change by {title.lower()}",
                columns=[title, "People with both", "Mean change", "95% confidence interval"],
                rows=table_rows,
            )
        )
    return tables
