"""Answers and referrals for outcomes tests."""

from __future__ import annotations

from typing import Any

from linkwell.outcomes import services
from linkwell.outcomes.models import MeasureResponse
from linkwell.referrals.models import Referral
from linkwell.testing.cast import SchemeCast

# Raw 7+... : every item answered 3 gives raw 21 -> metric 19.25.
SWEMWBS_ALL_THREES = {str(n): 3 for n in range(1, 8)}
UCLA3_ANSWERS = {"1": 2, "2": 2, "3": 3, "4": 4}
ONS4_ANSWERS = {"1": 6, "2": 7, "3": 5, "4": 4}


def swemwbs(value: int) -> dict[str, int]:
    return {str(n): value for n in range(1, 8)}


def form_data(answers: dict[str, Any], prefix: str = "", **extra: Any) -> dict[str, Any]:
    start = f"{prefix}-" if prefix else ""
    return {f"{start}item_{k}": v for k, v in answers.items()} | extra


def record(cast: SchemeCast, referral: Referral, measure: str, timepoint: str, answers: Any) -> MeasureResponse:
    return services.measure_response_record(
        actor=cast.link_worker, referral=referral, measure=measure, timepoint=timepoint, answers=answers
    )
