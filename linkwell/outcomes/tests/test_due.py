from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from linkwell.outcomes import services
from linkwell.outcomes.due import due_for
from linkwell.outcomes.models import Timepoint
from linkwell.referrals import lifecycle
from linkwell.referrals.models import Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast

from .helpers import ONS4_ANSWERS, SWEMWBS_ALL_THREES, UCLA3_ANSWERS, record

START = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)


def _due(cast: Cast, day: dt.date) -> list[tuple[int, str, tuple[str, ...], bool]]:
    return [(d.referral.pk, d.timepoint, d.measures, d.overdue) for d in due_for(cast.north.link_worker, day)]


def test_baseline_is_due_from_assessment_until_every_measure_is_recorded(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        referral = make_referral(cast.north, status=Status.ASSESSED)
        record(cast.north, referral, "swemwbs", Timepoint.BASELINE, SWEMWBS_ALL_THREES)
    day = START.date()
    assert _due(cast, day) == [(referral.pk, "baseline", ("ucla3", "ons4"), False)]
    assert _due(cast, day + dt.timedelta(days=14)) == [(referral.pk, "baseline", ("ucla3", "ons4"), False)]
    assert _due(cast, day + dt.timedelta(days=15)) == [(referral.pk, "baseline", ("ucla3", "ons4"), True)]
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
        record(cast.north, referral, "ons4", Timepoint.BASELINE, ONS4_ANSWERS)
    assert _due(cast, day + dt.timedelta(days=15)) == []


def test_nothing_is_due_before_assessment_or_for_other_link_workers(cast: Cast) -> None:
    make_referral(cast.north, status=Status.CONTACTED)
    make_referral(cast.south, status=Status.ASSESSED)
    assert _due(cast, timezone.localdate()) == []


def test_follow_up_is_due_weeks_after_support_starts_or_at_follow_up(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        referral = make_referral(cast.north, status=Status.ACTIVE)
        record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
    services.outcome_settings_update(actor=None, scheme=cast.north.scheme, values={"measures": ["ucla3"]})
    twelve_weeks = START.date() + dt.timedelta(weeks=12)
    assert _due(cast, twelve_weeks - dt.timedelta(days=1)) == []
    assert _due(cast, twelve_weeks) == [(referral.pk, "follow_up", ("ucla3",), False)]
    # Moving to follow-up earlier makes it due at once.
    with time_machine.travel(START + dt.timedelta(weeks=6), tick=False):
        lifecycle.referral_start_follow_up(actor=cast.north.link_worker, referral=referral)
    assert _due(cast, START.date() + dt.timedelta(weeks=6)) == [(referral.pk, "follow_up", ("ucla3",), False)]


def test_a_later_measurement_is_due_only_when_the_scheme_asks_for_one(cast: Cast) -> None:
    with time_machine.travel(START, tick=False):
        referral = make_referral(cast.north, status=Status.ACTIVE)
        record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
        record(cast.north, referral, "ucla3", Timepoint.FOLLOW_UP, UCLA3_ANSWERS)
    services.outcome_settings_update(actor=None, scheme=cast.north.scheme, values={"measures": ["ucla3"]})
    later = START.date() + dt.timedelta(weeks=26)
    assert _due(cast, later) == []
    services.outcome_settings_update(actor=None, scheme=cast.north.scheme, values={"later_timepoint_weeks": 26})
    assert _due(cast, later) == [(referral.pk, "later", ("ucla3",), False)]
