"""Which measures are due for a link worker's people, and which are overdue.

Baseline: due from the assessment while any of the scheme's measures has no baseline. Follow-up: due when the
referral moves to follow-up, or `follow_up_weeks` after support started (the referral became active),
whichever comes first. Later: `later_timepoint_weeks` after support started, when the scheme asks for it.
Anything due for more than OVERDUE_DAYS is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, Q
from django.utils import timezone

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, require
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.policies import referrals_for

from .definitions import outcome_settings_for, scheme_measures
from .models import MeasureResponse, Timepoint

OVERDUE_DAYS = 14
BASELINE_STATUSES = (Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP, Status.ON_HOLD, Status.REOPENED)
FOLLOW_UP_STATUSES = (Status.ACTIVE, Status.FOLLOW_UP, Status.ON_HOLD, Status.REOPENED)
LATER_STATUSES = (*FOLLOW_UP_STATUSES, Status.CLOSED)


@dataclass(frozen=True)
class DueMeasures:
    """Measures due for one referral at one timepoint."""

    referral: Referral
    timepoint: str
    measures: tuple[str, ...]
    measure_names: tuple[str, ...]
    due_on: dt.date
    overdue: bool

    @property
    def timepoint_label(self) -> str:
        return str(Timepoint(self.timepoint).label)


def _date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def due_for(membership: Membership, today: dt.date | None = None) -> list[DueMeasures]:
    """Measures due for the referrals assigned to this link worker, most overdue first."""
    require(membership, Capability.OUTCOMES_RECORD)
    today = today or timezone.localdate()
    scheme = membership.organisation.scheme
    settings = outcome_settings_for(scheme)
    definitions = scheme_measures(scheme)
    if not definitions:
        return []
    names = {d.code: d.name for d in definitions}
    referrals = list(
        referrals_for(membership)
        .filter(assigned_to=membership, status__in=(*LATER_STATUSES, Status.ASSESSED))
        .select_related("person")
        .annotate(
            assessed_at=Min("events__at", filter=Q(events__to_status=Status.ASSESSED)),
            active_at=Min("events__at", filter=Q(events__to_status=Status.ACTIVE)),
            follow_up_at=Min("events__at", filter=Q(events__to_status=Status.FOLLOW_UP)),
        )
    )
    done: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for referral_id, measure, timepoint in MeasureResponse.objects.filter(
        referral__in=[r.pk for r in referrals]
    ).values_list("referral_id", "measure", "timepoint"):
        done[referral_id][timepoint].add(measure)

    found: list[DueMeasures] = []

    def add(referral: Referral, timepoint: str, due_on: dt.date | None, codes: list[str]) -> None:
        if due_on is None or due_on > today or not codes:
            return
        found.append(
            DueMeasures(
                referral=referral,
                timepoint=timepoint,
                measures=tuple(codes),
                measure_names=tuple(names[c] for c in codes),
                due_on=due_on,
                overdue=(today - due_on).days > OVERDUE_DAYS,
            )
        )

    for referral in referrals:
        recorded = done[referral.pk]
        baseline = recorded[Timepoint.BASELINE]
        started = _date(getattr(referral, "active_at", None))
        if referral.status in BASELINE_STATUSES:
            missing = [c for c in names if c not in baseline]
            add(referral, Timepoint.BASELINE, _date(getattr(referral, "assessed_at", None)), missing)
        if referral.status in FOLLOW_UP_STATUSES and baseline:
            options = [
                d
                for d in (
                    _date(getattr(referral, "follow_up_at", None)),
                    started + dt.timedelta(weeks=settings.follow_up_weeks) if started else None,
                )
                if d is not None
            ]
            missing = [c for c in names if c in baseline and c not in recorded[Timepoint.FOLLOW_UP]]
            add(referral, Timepoint.FOLLOW_UP, min(options) if options else None, missing)
        if settings.later_timepoint_weeks and started and recorded[Timepoint.FOLLOW_UP]:
            missing = [c for c in names if c in baseline and c not in recorded[Timepoint.LATER]]
            add(referral, Timepoint.LATER, started + dt.timedelta(weeks=settings.later_timepoint_weeks), missing)
    found.sort(key=lambda d: (d.due_on, d.referral.pk))
    return found
