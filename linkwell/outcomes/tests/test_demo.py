from __future__ import annotations

import random

import nhs_number

from linkwell.outcomes.demo import build_demo_outcomes
from linkwell.outcomes.evaluation import evaluate, gp_change
from linkwell.outcomes.models import MeasureResponse, Timepoint
from linkwell.referrals.demo import build_demo_referrals
from linkwell.testing.cast import Cast
from linkwell.testing.factories import PersonFactory


def test_demo_outcomes_have_baselines_realistic_loss_and_a_positive_change(cast: Cast) -> None:
    scheme = cast.north.scheme
    numbers = nhs_number.generate(valid=True, for_region=nhs_number.REGION_SYNTHETIC, quantity=60)
    for number in sorted(set(numbers))[:30]:
        PersonFactory.create(scheme=scheme, registered_practice=cast.north.practice, nhs_number=number)
    build_demo_referrals(scheme, random.Random(7), count=300)
    made = build_demo_outcomes(scheme, random.Random(7))
    assert made == MeasureResponse.objects.count() > 0
    baselines = MeasureResponse.objects.filter(timepoint=Timepoint.BASELINE, measure="swemwbs").count()
    follow_ups = MeasureResponse.objects.filter(timepoint=Timepoint.FOLLOW_UP, measure="swemwbs").count()
    assert 0 < follow_ups < baselines
    swemwbs = evaluate(scheme)["swemwbs"]
    # The evaluation counts people (their first baseline), and these 30 people have several referrals each.
    people = MeasureResponse.objects.filter(measure="swemwbs").values("person_id").distinct().count()
    paired, lost = int(swemwbs["n_paired"] or 0), int(swemwbs["lost_to_follow_up"] or 0)
    assert 0 < paired <= follow_ups
    assert paired + lost == people
    assert swemwbs["mean_change"] is not None and 0.5 < swemwbs["mean_change"] < 5
    # Every follow-up comes after its baseline.
    for response in MeasureResponse.objects.filter(timepoint=Timepoint.FOLLOW_UP):
        baseline = MeasureResponse.objects.get(
            referral=response.referral, measure=response.measure, timepoint=Timepoint.BASELINE
        )
        assert baseline.completed_at <= response.completed_at
    gp = gp_change(scheme)
    assert gp.n > 0 and gp.mean_change is not None and gp.mean_change < 0
