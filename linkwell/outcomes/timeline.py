"""Measure entries for the referral timeline that casework builds."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linkwell.referrals.models import Referral

from .definitions import UnknownMeasure, measure_definition
from .models import MeasureResponse, Timepoint


def _entry(**kwargs: Any) -> Any:
    from linkwell.casework.timeline import TimelineEntry

    return TimelineEntry(**kwargs)


def score_summary(response: MeasureResponse, referral: Referral) -> tuple[str, str]:
    """The measure's name and its reported scores as "Label: value" text."""
    try:
        definition = measure_definition(response.measure, referral.scheme)
    except UnknownMeasure:
        return response.measure, ", ".join(f"{code}: {value}" for code, value in response.scores.items())
    parts = []
    for score in definition.scores:
        if score.code in response.scores:
            parts.append(f"{score.label}: {response.scores[score.code]:g}")
    return definition.name, "; ".join(parts)


def measure_entries(referral: Referral) -> Iterable[Any]:
    responses = MeasureResponse.objects.filter(referral=referral).select_related("recorded_by")
    for response in responses:
        name, detail = score_summary(response, referral)
        yield _entry(
            when=response.completed_at,
            kind="outcome",
            title=f"{name} ({Timepoint(response.timepoint).label.lower()})",
            detail=f"{detail}. {response.get_method_display()}.",
            actor=response.recorded_by.display_name if response.recorded_by else "The person, from a link",
        )
