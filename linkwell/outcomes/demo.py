"""Demo outcomes for the Wellbrook scheme: baselines at assessment, follow-ups for about 60% of people who got
help (the rest lost to follow-up, as in real schemes), and GP appointment counts a year either side.

Changes are drawn to be realistic rather than flattering: SWEMWBS improves by about 2.5 metric points on average
with a wide spread (some people get worse), loneliness and anxiety fall a little, appointments fall slightly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db.models import Min, Q
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Scheme
from linkwell.accounts.services import audit_record
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent, Status

from .definitions import outcome_settings_for, scheme_measures
from .models import AppointmentCount, MeasureResponse, Method, Timepoint
from .scoring import MeasureDefinition

FOLLOW_UP_SHARE = 0.6
SELF_COMPLETED_SHARE = 0.25


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _spread(total: int, items: int, low: int, high: int, rng: random.Random) -> list[int]:
    """Whole-number answers within [low, high] that add up to `total` (already clipped to what is possible)."""
    answers = [low] * items
    remaining = total - low * items
    while remaining > 0:
        index = rng.randrange(items)
        if answers[index] < high:
            answers[index] += 1
            remaining -= 1
    return answers


def _answers(definition: MeasureDefinition, level: float, rng: random.Random) -> list[int]:
    """Answers for one person at one time; `level` is their wellbeing on a 0-1 scale (higher is better)."""
    items = definition.items
    if definition.code == "swemwbs":
        total = _clip(7 + 28 * level + rng.gauss(0, 1.5), 7, 35)
        return _spread(total, 7, 1, 5, rng)
    if definition.code == "ucla3":
        lonely = _clip(3 + 6 * (1 - level) + rng.gauss(0, 0.8), 3, 9)
        direct = _clip(1 + 4 * (1 - level) + rng.gauss(0, 0.7), 1, 5)
        return [*_spread(lonely, 3, 1, 3, rng), direct]
    if definition.code == "ons4":
        positive = [_clip(10 * level + rng.gauss(0, 1.3), 0, 10) for _ in range(3)]
        return [*positive, _clip(10 * (1 - level) + rng.gauss(0, 1.8), 0, 10)]
    return [_clip(item.min + (item.max - item.min) * level + rng.gauss(0, 1), item.min, item.max) for item in items]


def _responses(
    definitions: Sequence[MeasureDefinition],
    referral: Referral,
    timepoint: str,
    level: float,
    when: dt.datetime,
    rng: random.Random,
) -> list[MeasureResponse]:
    worker = referral.assigned_to
    self_completed = rng.random() < SELF_COMPLETED_SHARE or worker is None
    rows = []
    for definition in definitions:
        values = _answers(definition, level, rng)
        rows.append(
            MeasureResponse(
                scheme_id=referral.scheme_id,
                person_id=referral.person_id,
                referral=referral,
                measure=definition.code,
                timepoint=timepoint,
                answers={str(item.number): value for item, value in zip(definition.items, values, strict=True)},
                scores=definition.score(values),
                completed_at=when,
                created_at=when,
                method=Method.SELF_LINK if self_completed else Method.WITH_LINK_WORKER,
                recorded_by=None if self_completed or worker is None else worker.user,
                recorded_by_organisation=None if self_completed or worker is None else worker.organisation,
            )
        )
    return rows


def build_demo_outcomes(scheme: Scheme, rng: random.Random, *, gp_appointments: tuple[float, float] = (9, 4)) -> int:
    """Add demo measures and appointment counts to a demo scheme's referrals; returns responses made.

    The measures are the scheme's own (its outcomes settings); `gp_appointments` is the mean and spread of the
    GP appointments people had in the year before their referral.
    """
    outcome_settings_for(scheme)
    definitions = scheme_measures(scheme)
    now = timezone.now()
    referrals = list(
        Referral.objects.filter(scheme=scheme)
        .select_related("assigned_to__user", "assigned_to__organisation", "person")
        .annotate(
            assessed_at=Min("events__at", filter=Q(events__to_status=Status.ASSESSED)),
            follow_up_at=Min("events__at", filter=Q(events__to_status=Status.FOLLOW_UP)),
        )
        .filter(assessed_at__isnull=False)
        .order_by("pk")
    )
    completed = set(
        ReferralEvent.objects.filter(
            referral__scheme=scheme, to_status=Status.CLOSED, reason=ClosureReason.COMPLETED
        ).values_list("referral_id", flat=True)
    )
    closed_at = dict(
        ReferralEvent.objects.filter(referral__scheme=scheme, to_status=Status.CLOSED)
        .values("referral_id")
        .annotate(at=Min("at"))
        .values_list("referral_id", "at")
    )
    responses: list[MeasureResponse] = []
    counts: list[AppointmentCount] = []
    for referral in referrals:
        assessed: dt.datetime = referral.assessed_at  # type: ignore[attr-defined]
        level = min(0.95, max(0.05, rng.gauss(0.42, 0.15)))
        baseline_at = min(assessed + dt.timedelta(minutes=rng.randint(5, 60)), now)
        responses += _responses(definitions, referral, Timepoint.BASELINE, level, baseline_at, rng)
        follow_up_at = referral.follow_up_at or (  # type: ignore[attr-defined]
            closed_at.get(referral.pk) if referral.pk in completed else None
        )
        if follow_up_at is not None and follow_up_at > baseline_at and rng.random() < FOLLOW_UP_SHARE:
            # About +2.5 SWEMWBS metric points on average, with a spread that leaves some people worse off.
            improved = min(0.98, max(0.02, level + rng.gauss(0.1, 0.15)))
            when = min(follow_up_at + dt.timedelta(days=rng.randint(0, 10)), now)
            responses += _responses(definitions, referral, Timepoint.FOLLOW_UP, improved, when, rng)
        received = referral.received_at.date()
        if referral.person.nhs_number and (now.date() - received).days >= 365 and rng.random() < 0.7:
            before = max(0, round(rng.gauss(*gp_appointments)))
            after = max(0, round(before * rng.uniform(0.55, 1.2) + rng.gauss(0, 1.5)))
            counts.append(
                AppointmentCount(
                    scheme=scheme,
                    person_id=referral.person_id,
                    referral=referral,
                    nhs_number=referral.person.nhs_number,
                    referral_date=received,
                    before_12m=before,
                    after_12m=after,
                    imported_at=now,
                    source="demo",
                )
            )
    MeasureResponse.objects.bulk_create(responses, batch_size=1000)
    AppointmentCount.objects.bulk_create(counts, batch_size=1000, ignore_conflicts=True)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        scheme=scheme,
        summary=f"Demo outcomes: {len(responses)} measure responses, {len(counts)} appointment counts",
    )
    return len(responses)
