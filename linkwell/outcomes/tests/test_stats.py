import math

import numpy as np
import pytest
from scipy import stats as sps

from linkwell.outcomes.stats import (
    DEFAULT_GP_APPOINTMENT_COST,
    DEFAULT_VOLUNTEER_HOUR_VALUE,
    Assumption,
    evaluation_summary,
    gp_appointment_change,
    lost_to_follow_up,
    match_scores,
    paired_change,
    roi,
)

# SWEMWBS metric scores for twelve fictional people at baseline and follow-up.
BASELINE = [17.43, 19.25, 14.08, 21.54, 18.59, 16.36, 23.21, 15.84, 19.98, 20.73, 17.98, 13.33]
FOLLOW_UP = [19.98, 21.54, 17.43, 21.54, 19.25, 20.73, 22.35, 19.25, 23.21, 20.73, 21.54, 16.88]
PAIRS = list(zip(BASELINE, FOLLOW_UP, strict=True))


def test_paired_change_matches_scipy_ttest_rel():
    result = paired_change(PAIRS, higher_is_better=True, meaningful_change=3.0)
    expected = sps.ttest_rel(FOLLOW_UP, BASELINE)
    interval = expected.confidence_interval(0.95)

    assert result.n == 12
    assert result.mean_change == pytest.approx(np.mean(np.subtract(FOLLOW_UP, BASELINE)))
    assert result.ci_low == pytest.approx(interval.low)
    assert result.ci_high == pytest.approx(interval.high)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.mean_baseline == pytest.approx(np.mean(BASELINE))
    assert result.mean_follow_up == pytest.approx(np.mean(FOLLOW_UP))


def test_the_interval_is_mean_plus_or_minus_t_times_the_standard_error():
    changes = np.subtract(FOLLOW_UP, BASELINE)
    half_width = sps.t.ppf(0.975, len(changes) - 1) * changes.std(ddof=1) / math.sqrt(len(changes))

    result = paired_change(PAIRS)

    assert result.ci_low is not None and result.ci_high is not None and result.mean_change is not None
    assert result.ci_high - result.mean_change == pytest.approx(half_width)
    assert result.mean_change - result.ci_low == pytest.approx(half_width)


def test_a_90_percent_interval_is_narrower_and_matches_scipy():
    result = paired_change(PAIRS, confidence=0.90)
    interval = sps.ttest_rel(FOLLOW_UP, BASELINE).confidence_interval(0.90)

    assert (result.ci_low, result.ci_high) == (pytest.approx(interval.low), pytest.approx(interval.high))


def test_the_effect_size_is_cohens_dz():
    # Changes 1, 2, 3, 4, 5: mean 3, sample sd sqrt(2.5).
    result = paired_change([(10, 11), (10, 12), (10, 13), (10, 14), (10, 15)])

    assert result.effect_size == pytest.approx(3 / math.sqrt(2.5))
    assert result.sd_change == pytest.approx(math.sqrt(2.5))


def test_it_counts_meaningful_improvement_in_the_measures_own_direction():
    pairs = [(5, 2), (5, 4), (5, 5), (5, 8), (6, 5)]

    lonelier_is_worse = paired_change(pairs, higher_is_better=False, meaningful_change=1)
    higher_is_better = paired_change(pairs, higher_is_better=True, meaningful_change=1)

    assert lonelier_is_worse.share_improved_meaningfully == pytest.approx(3 / 5)
    assert higher_is_better.share_improved_meaningfully == pytest.approx(1 / 5)
    assert lonelier_is_worse.mean_change == higher_is_better.mean_change == pytest.approx(-0.4)


def test_a_change_of_exactly_the_threshold_counts_despite_decimal_rounding():
    # 22.35 - 19.35 is 2.999999... in binary floating point.
    assert paired_change([(19.35, 22.35)], meaningful_change=3).share_improved_meaningfully == 1.0


def test_it_gives_no_interval_or_effect_size_for_fewer_than_two_people():
    empty = paired_change([])
    one = paired_change([(20.0, 23.0)], meaningful_change=3)

    assert empty.n == 0 and empty.mean_change is None and empty.ci_low is None
    assert one.n == 1 and one.mean_change == 3.0
    assert one.ci_low is None and one.ci_high is None and one.effect_size is None and one.p_value is None
    assert one.share_improved_meaningfully == 1.0


def test_identical_changes_give_a_collapsed_interval_and_no_effect_size():
    result = paired_change([(1, 3), (2, 4), (5, 7)])

    assert (result.ci_low, result.ci_high) == (2.0, 2.0)
    assert result.effect_size is None and result.p_value is None


def test_it_refuses_scores_that_are_not_numbers():
    with pytest.raises(ValueError, match="must be a number"):
        paired_change([(1.0, float("nan"))])
    with pytest.raises(ValueError, match="positive"):
        paired_change(PAIRS, meaningful_change=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        paired_change(PAIRS, confidence=95)


def test_the_result_serialises_for_json():
    data = paired_change(PAIRS).as_dict()

    assert {"n", "mean_change", "ci_low", "ci_high", "effect_size"} <= set(data)


# --- Loss to follow-up -----------------------------------------------------------------------------------------


def test_loss_to_follow_up_matches_scipy_welch():
    lost = [14.08, 15.32, 13.33, 17.43, 12.40, 16.36, 15.84]
    result = lost_to_follow_up(lost, BASELINE)
    expected = sps.ttest_ind(lost, BASELINE, equal_var=False)
    interval = expected.confidence_interval(0.95)

    assert (result.n_lost, result.n_kept) == (7, 12)
    assert result.share_lost == pytest.approx(7 / 19)
    assert result.difference == pytest.approx(np.mean(lost) - np.mean(BASELINE))
    assert result.ci_low == pytest.approx(interval.low)
    assert result.ci_high == pytest.approx(interval.high)
    assert result.p_value == pytest.approx(expected.pvalue)


def test_loss_to_follow_up_with_nobody_lost_or_too_few_people():
    nobody = lost_to_follow_up([], BASELINE)
    one = lost_to_follow_up([10.0], BASELINE)
    no_one_at_all = lost_to_follow_up([], [])

    assert nobody.n_lost == 0 and nobody.share_lost == 0 and nobody.difference is None
    assert one.difference == pytest.approx(10.0 - np.mean(BASELINE)) and one.ci_low is None
    assert no_one_at_all.share_lost is None


# --- Matching and the evaluate summary ------------------------------------------------------------------------


def test_it_pairs_people_with_both_scores_and_sets_aside_the_rest():
    baseline = {"p1": 18.0, "p2": 21.0, "p3": 15.0, "p4": 20.0}
    follow_up = {"p2": 23.0, "p1": 19.0, "p9": 30.0}

    matched = match_scores(baseline, follow_up)

    assert matched.pairs == [(18.0, 19.0), (21.0, 23.0)]
    assert matched.paired_baselines == [18.0, 21.0]
    assert matched.baseline_only == [15.0, 20.0]
    assert matched.follow_up_only == {"p9"}


def test_the_evaluate_summary_has_exactly_the_promised_keys():
    matched = match_scores({1: 18.0, 2: 21.0, 3: 15.0, 4: 20.0}, {1: 19.0, 2: 23.0, 4: 20.5})

    summary = evaluation_summary(
        paired_change(matched.pairs), lost_to_follow_up(matched.baseline_only, matched.paired_baselines)
    )

    assert set(summary) == {"n_paired", "mean_change", "ci_low", "ci_high", "effect_size", "lost_to_follow_up"}
    assert summary["n_paired"] == 3
    assert summary["mean_change"] == pytest.approx(3.5 / 3)
    assert summary["lost_to_follow_up"] == 1


# --- GP appointments -------------------------------------------------------------------------------------------

GP_PAIRS = [(8, 5), (6, 6), (12, 7), (4, 5), (9, 6), (7, 4), (10, 9), (5, 3), (6, 6), (11, 8)]


def test_gp_appointment_change_is_paired_and_treats_a_fall_as_improvement():
    result = gp_appointment_change(GP_PAIRS)
    before, after = zip(*GP_PAIRS, strict=True)
    interval = sps.ttest_rel(after, before).confidence_interval()

    assert result.mean_change == pytest.approx(-1.9)
    assert result.ci_low == pytest.approx(interval.low)
    assert result.ci_high == pytest.approx(interval.high)
    assert result.higher_is_better is False
    assert result.share_improved_meaningfully == pytest.approx(7 / 10)


def test_gp_appointment_change_refuses_negative_counts():
    with pytest.raises(ValueError, match="cannot be negative"):
        gp_appointment_change([(3, -1)])


# --- Return on investment --------------------------------------------------------------------------------------


def test_roi_values_appointments_avoided_and_volunteering_and_shows_every_assumption():
    change = gp_appointment_change(GP_PAIRS)
    gp_cost = Assumption("Cost of a GP appointment", 40.0, "£ per appointment", "Scheme setting")
    hour = Assumption("Value of an hour of volunteering", 10.0, "£ per hour", "Scheme setting")

    result = roi(
        scheme_cost=1000.0,
        gp_change=change,
        volunteer_hours=30,
        gp_appointment_cost=gp_cost,
        volunteer_hour_value=hour,
    )

    # 1.9 fewer appointments each for 10 people = 19 appointments x £40 = £760, plus 30 h x £10 = £300.
    assert result.appointments_avoided == pytest.approx(19)
    assert result.gp_value == pytest.approx(760)
    assert result.volunteer_value == pytest.approx(300)
    assert result.total_value == pytest.approx(1060)
    assert result.net_value == pytest.approx(60)
    assert result.ratio == pytest.approx(1.06)
    assert change.ci_high is not None
    assert result.appointments_avoided_low == pytest.approx(-change.ci_high * 10)
    assert result.ratio_low is not None and result.ratio is not None and result.ratio_high is not None
    assert result.ratio_low < result.ratio < result.ratio_high
    names = [a.name for a in result.assumptions]
    assert names == [
        "Scheme cost",
        "Change in GP appointments per person",
        "People the change is applied to",
        "Cost of a GP appointment",
        "Volunteer hours",
        "Value of an hour of volunteering",
    ]
    people = result.assumptions[2]
    assert people.value == 10 and "no extrapolation" in people.source
    assert any("not proof" in caveat for caveat in result.caveats)


def test_roi_extrapolation_is_stated_as_an_assumption():
    result = roi(scheme_cost=1000.0, gp_change=gp_appointment_change(GP_PAIRS), people=50)

    assert result.appointments_avoided == pytest.approx(95)
    assert "Extrapolated from 10 people with counts to 50 people" in result.assumptions[2].source


def test_roi_reports_a_rise_in_appointments_as_negative_value():
    result = roi(scheme_cost=500.0, gp_change=gp_appointment_change([(2, 4), (3, 5), (1, 3)]))

    assert result.gp_value == pytest.approx(-6 * DEFAULT_GP_APPOINTMENT_COST.value)
    assert result.net_value < -500


def test_roi_without_gp_data_counts_volunteering_only_and_says_so():
    result = roi(scheme_cost=0.0, gp_change=None, volunteer_hours=10)

    assert result.gp_value is None and result.appointments_avoided is None
    assert result.total_value == pytest.approx(10 * DEFAULT_VOLUNTEER_HOUR_VALUE.value)
    assert result.ratio is None  # no cost to divide by
    assert "No GP appointment data was available." in result.caveats
    assert [a.name for a in result.assumptions] == [
        "Scheme cost",
        "Volunteer hours",
        "Value of an hour of volunteering",
    ]


def test_the_default_unit_costs_say_they_are_examples_to_replace():
    for assumption in (DEFAULT_GP_APPOINTMENT_COST, DEFAULT_VOLUNTEER_HOUR_VALUE):
        assert assumption.source.startswith("Example figure - set your own.")


def test_roi_refuses_negative_inputs():
    with pytest.raises(ValueError, match="cannot be negative"):
        roi(scheme_cost=-1.0, gp_change=None)
