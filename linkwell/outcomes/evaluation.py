"""A scheme's evaluation: the analysis dataset, paired change per reported score, and its pseudonymised export.

One rule decides who counts, so `linkwell evaluate` and the exported CSV always agree: for each person and
measure, the earliest baseline completed in the date range; then, from the same referral and no earlier than
that baseline, the earliest follow-up and the earliest later response. The export is exactly those rows, so
anyone can recompute the evaluation from it.

People who said no to their data being used for evaluation (their latest evaluation-use consent decision is a
refusal, or was withdrawn) are left out of both: the analysis, and so the export. Nobody is asked twice, so
people with no recorded decision count (the consent form asks the question; the demo and most schemes record it).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone

from linkwell.accounts.models import Scheme
from linkwell.people.models import Consent, ConsentScope

from .definitions import UnknownMeasure, measure_definition, outcome_settings_for, scheme_measures
from .models import AppointmentCount, MeasureResponse, Timepoint
from .scoring import HEADLINE_SCORE_CODES, MeasureDefinition, ScoreDefinition
from .stats import (
    PairedChange,
    evaluation_summary,
    gp_appointment_change,
    lost_to_follow_up,
    match_scores,
    paired_change,
)

EXPORT_COLUMNS = ("pseudonym", "measure", "timepoint", "score", "date")
TIMEPOINT_ORDER = {Timepoint.BASELINE: 0, Timepoint.FOLLOW_UP: 1, Timepoint.LATER: 2}
PSEUDONYM_LENGTH = 16


@dataclass(frozen=True)
class DataRow:
    """One reported score of one person at one timepoint."""

    person_id: int
    measure: str  # the score code, e.g. "ons4_anxiety"
    timepoint: str
    score: float
    date: dt.date


def _local_date(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


def _reported_scores(definitions: Iterable[MeasureDefinition]) -> list[ScoreDefinition]:
    scores = [score for definition in definitions for score in definition.scores if score.headline]
    position = {code: i for i, code in enumerate(HEADLINE_SCORE_CODES)}
    return sorted(scores, key=lambda s: (position.get(s.code, len(position)), scores.index(s)))


def _definitions(scheme: Scheme, codes: Iterable[str]) -> list[MeasureDefinition]:
    found = {d.code: d for d in scheme_measures(scheme)}
    for code in codes:
        if code not in found:
            try:
                found[code] = measure_definition(code, scheme)
            except UnknownMeasure:
                continue
    return list(found.values())


def opted_out(scheme: Scheme | int) -> set[int]:
    """Ids of the scheme's people whose latest decision on evaluation use is no (refused, or withdrawn)."""
    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    latest: dict[int, tuple[bool, bool]] = {}
    decisions = (
        Consent.objects.filter(person__scheme_id=scheme_id, scope=ConsentScope.EVALUATION)
        .order_by("person_id", "recorded_at", "id")
        .values_list("person_id", "granted", "withdrawn_at")
    )
    for person_id, granted, withdrawn_at in decisions:
        latest[person_id] = (granted, withdrawn_at is not None)
    return {person_id for person_id, (granted, withdrawn) in latest.items() if not granted or withdrawn}


def analysis_responses(
    scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict[str, Any]]:
    """The responses the evaluation uses (see the module docstring), as plain rows."""
    baselines = MeasureResponse.objects.filter(scheme=scheme, timepoint=Timepoint.BASELINE).exclude(
        person_id__in=opted_out(scheme)
    )
    if date_from is not None:
        baselines = baselines.filter(completed_at__date__gte=date_from)
    if date_to is not None:
        baselines = baselines.filter(completed_at__date__lte=date_to)
    fields = ("id", "person_id", "referral_id", "measure", "timepoint", "scores", "completed_at")
    chosen: dict[tuple[int, str], dict[str, Any]] = {}
    for row in baselines.order_by("completed_at", "id").values(*fields):
        chosen.setdefault((row["person_id"], row["measure"]), row)
    later = MeasureResponse.objects.filter(
        scheme=scheme,
        timepoint__in=[Timepoint.FOLLOW_UP, Timepoint.LATER],
        person_id__in={person for person, _ in chosen},
    ).order_by("completed_at", "id")
    picked: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in later.values(*fields):
        base = chosen.get((row["person_id"], row["measure"]))
        if base is None or row["referral_id"] != base["referral_id"] or row["completed_at"] < base["completed_at"]:
            continue
        picked.setdefault((row["person_id"], row["measure"], row["timepoint"]), row)
    return [*chosen.values(), *picked.values()]


def evaluation_rows(
    scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> tuple[list[ScoreDefinition], list[DataRow]]:
    """The reported scores and one row per person, score and timepoint of the analysis dataset."""
    responses = analysis_responses(scheme, date_from, date_to)
    reported = _reported_scores(_definitions(scheme, {r["measure"] for r in responses}))
    codes = {score.code for score in reported}
    rows = [
        DataRow(
            person_id=r["person_id"],
            measure=code,
            timepoint=r["timepoint"],
            score=value,
            date=_local_date(r["completed_at"]),
        )
        for r in responses
        for code, value in r["scores"].items()
        if code in codes
    ]
    return reported, rows


def change_for(score: ScoreDefinition, rows: Iterable[DataRow]) -> tuple[PairedChange, Any]:
    """Paired change (follow-up minus baseline) and loss to follow-up for one score."""
    baseline = {r.person_id: r.score for r in rows if r.measure == score.code and r.timepoint == Timepoint.BASELINE}
    follow_up = {r.person_id: r.score for r in rows if r.measure == score.code and r.timepoint == Timepoint.FOLLOW_UP}
    matched = match_scores(baseline, follow_up)
    change = paired_change(matched.pairs, score.higher_is_better, score.meaningful_change)
    loss = lost_to_follow_up(matched.baseline_only, matched.paired_baselines)
    return change, loss


def evaluate(
    scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict[str, dict[str, float | int | None]]:
    """Score code -> n_paired, mean_change, ci_low, ci_high, effect_size, lost_to_follow_up."""
    reported, rows = evaluation_rows(scheme, date_from, date_to)
    return {score.code: evaluation_summary(*change_for(score, rows)) for score in reported}


def gp_change(scheme: Scheme, date_from: dt.date | None = None, date_to: dt.date | None = None) -> PairedChange:
    """Change in GP appointments (after minus before) for counts whose referral date is in the range."""
    counts = AppointmentCount.objects.filter(scheme=scheme)
    if date_from is not None:
        counts = counts.filter(referral_date__gte=date_from)
    if date_to is not None:
        counts = counts.filter(referral_date__lte=date_to)
    pairs = [(float(b), float(a)) for b, a in counts.order_by("id").values_list("before_12m", "after_12m")]
    return gp_appointment_change(pairs)


def pseudonym(secret: str, person_id: int) -> str:
    """A stable pseudonym for a person within one scheme: HMAC-SHA256 of the id under the scheme's secret."""
    digest = hmac.new(secret.encode(), str(person_id).encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def format_score(value: float) -> str:
    # repr round-trips a float exactly, so the CSV recomputes the same figures to the last bit.
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return str(int(value))
    return repr(float(value))


def write_export(scheme: Scheme, out: IO[str], date_from: dt.date | None = None, date_to: dt.date | None = None) -> int:
    """Write the pseudonymised record-level CSV; returns the number of data rows."""
    secret = outcome_settings_for(scheme).pseudonym_secret
    _, rows = evaluation_rows(scheme, date_from, date_to)
    lines = sorted(
        (pseudonym(secret, r.person_id), r.measure, TIMEPOINT_ORDER[Timepoint(r.timepoint)], r) for r in rows
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for name, measure, _, row in lines:
        writer.writerow([name, measure, row.timepoint, format_score(row.score), row.date.isoformat()])
    return len(lines)
