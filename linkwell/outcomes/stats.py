"""Honest evaluation statistics: paired change, loss to follow-up, GP appointment change and return on investment.

Change is always follow-up minus baseline, on people who have both (a paired analysis): comparing the mean of
everyone at baseline with the mean of the (fewer, often better-off) people seen again would flatter a scheme.
Confidence intervals use the t distribution. The effect size is Cohen's d_z: the mean change divided by the
standard deviation of the changes (also called the standardised response mean). It keeps the sign of the
change, so for a measure where lower is better (anxiety, loneliness, GP appointments) a negative d_z is an
improvement.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats as sps

CONFIDENCE = 0.95

# One fewer appointment a year is the smallest change a person can have; used for "share with fewer appointments".
GP_APPOINTMENTS_MEANINGFUL_CHANGE = 1.0


@dataclass(frozen=True)
class PairedChange:
    """Change from baseline to follow-up among people with both, with its 95% confidence interval."""

    n: int
    mean_baseline: float | None
    mean_follow_up: float | None
    mean_change: float | None
    sd_change: float | None
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    share_improved_meaningfully: float | None
    p_value: float | None
    higher_is_better: bool
    meaningful_change: float | None
    confidence: float = CONFIDENCE

    def as_dict(self) -> dict[str, float | int | bool | None]:
        """The figures as a plain dict, ready for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class LossToFollowUp:
    """Who was lost to follow-up, and how their baseline differed from those who stayed (Welch's t interval)."""

    n_lost: int
    n_kept: int
    share_lost: float | None
    mean_baseline_lost: float | None
    mean_baseline_kept: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    confidence: float = CONFIDENCE

    def as_dict(self) -> dict[str, float | int | None]:
        """The figures as a plain dict, ready for JSON."""
        return asdict(self)


def _finite(values: Sequence[float], what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"Every {what} must be a number.")
    return array


def _t_interval(mean: float, se: float, df: float, confidence: float) -> tuple[float, float, float | None]:
    """The interval mean +/- t*se and the two-sided p-value for mean = 0 (None when se is 0)."""
    if se == 0:
        # Every value identical: the interval collapses and a p-value is undefined.
        return mean, mean, None
    t_crit = float(sps.t.ppf(1 - (1 - confidence) / 2, df))
    p_value = float(2 * sps.t.sf(abs(mean / se), df))
    return mean - t_crit * se, mean + t_crit * se, p_value


def paired_change(
    pairs: Sequence[tuple[float, float]],
    higher_is_better: bool = True,
    meaningful_change: float | None = None,
    *,
    confidence: float = CONFIDENCE,
) -> PairedChange:
    """Paired change (follow-up minus baseline) with a t-distribution CI; CI and effect size need n >= 2."""
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must be between 0 and 1, e.g. 0.95.")
    if meaningful_change is not None and meaningful_change <= 0:
        raise ValueError("A meaningful change must be a positive amount.")
    n = len(pairs)
    if n == 0:
        return PairedChange(
            n=0,
            mean_baseline=None,
            mean_follow_up=None,
            mean_change=None,
            sd_change=None,
            ci_low=None,
            ci_high=None,
            effect_size=None,
            share_improved_meaningfully=None,
            p_value=None,
            higher_is_better=higher_is_better,
            meaningful_change=meaningful_change,
            confidence=confidence,
        )
    array = _finite([value for pair in pairs for value in pair], "baseline and follow-up score")
    if array.size != 2 * n:
        raise ValueError("Each pair must be (baseline, follow-up).")
    baseline, follow_up = array[0::2], array[1::2]
    changes = follow_up - baseline
    mean_change = float(changes.mean())
    share = None
    if meaningful_change is not None:
        improvement = changes if higher_is_better else -changes
        # A tolerance, because differences of published decimals (e.g. 22.35 - 19.35) are not exact in binary.
        share = float(np.count_nonzero(improvement >= meaningful_change - 1e-9) / n)
    sd_change: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    effect_size: float | None = None
    p_value: float | None = None
    if n >= 2:
        sd_change = float(changes.std(ddof=1))
        ci_low, ci_high, p_value = _t_interval(mean_change, sd_change / math.sqrt(n), n - 1, confidence)
        effect_size = mean_change / sd_change if sd_change > 0 else None
    return PairedChange(
        n=n,
        mean_baseline=float(baseline.mean()),
        mean_follow_up=float(follow_up.mean()),
        mean_change=mean_change,
        sd_change=sd_change,
        ci_low=ci_low,
        ci_high=ci_high,
        effect_size=effect_size,
        share_improved_meaningfully=share,
        p_value=p_value,
        higher_is_better=higher_is_better,
        meaningful_change=meaningful_change,
        confidence=confidence,
    )


def lost_to_follow_up(
    baseline_only: Sequence[float],
    paired_baselines: Sequence[float],
    *,
    confidence: float = CONFIDENCE,
) -> LossToFollowUp:
    """How many people had a baseline but no follow-up, and how their baselines differed (lost minus kept)."""
    lost = _finite(baseline_only, "baseline score")
    kept = _finite(paired_baselines, "baseline score")
    n_lost, n_kept = lost.size, kept.size
    everyone = n_lost + n_kept
    mean_lost = float(lost.mean()) if n_lost else None
    mean_kept = float(kept.mean()) if n_kept else None
    difference = mean_lost - mean_kept if mean_lost is not None and mean_kept is not None else None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    if difference is not None and n_lost >= 2 and n_kept >= 2:
        var_lost, var_kept = lost.var(ddof=1) / n_lost, kept.var(ddof=1) / n_kept
        se = math.sqrt(var_lost + var_kept)
        if se > 0:
            # Welch-Satterthwaite degrees of freedom: the two groups need not share a variance.
            df = (var_lost + var_kept) ** 2 / (var_lost**2 / (n_lost - 1) + var_kept**2 / (n_kept - 1))
            ci_low, ci_high, p_value = _t_interval(difference, se, df, confidence)
        else:
            ci_low = ci_high = difference
    return LossToFollowUp(
        n_lost=n_lost,
        n_kept=n_kept,
        share_lost=n_lost / everyone if everyone else None,
        mean_baseline_lost=mean_lost,
        mean_baseline_kept=mean_kept,
        difference=difference,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        confidence=confidence,
    )


def gp_appointment_change(pairs: Sequence[tuple[float, float]], *, confidence: float = CONFIDENCE) -> PairedChange:
    """Change in GP appointments (12 months after minus 12 months before referral); a fall is an improvement."""
    for before, after in pairs:
        if before < 0 or after < 0:
            raise ValueError("Appointment counts cannot be negative.")
    return paired_change(
        pairs,
        higher_is_better=False,
        meaningful_change=GP_APPOINTMENTS_MEANINGFUL_CHANGE,
        confidence=confidence,
    )


@dataclass(frozen=True)
class MatchedScores[K: Hashable]:
    """Scores split for a paired analysis: pairs for people with both, and who has only one of the two."""

    pairs: list[tuple[float, float]]
    baseline_only: list[float]
    paired_baselines: list[float]
    follow_up_only: frozenset[K]


def match_scores[K: Hashable](baseline: Mapping[K, float], follow_up: Mapping[K, float]) -> MatchedScores[K]:
    """Pair each person's baseline and follow-up score (keys are people); follow-up without baseline is left out."""
    both = [key for key in baseline if key in follow_up]
    return MatchedScores(
        pairs=[(baseline[key], follow_up[key]) for key in both],
        baseline_only=[value for key, value in baseline.items() if key not in follow_up],
        paired_baselines=[baseline[key] for key in both],
        follow_up_only=frozenset(key for key in follow_up if key not in baseline),
    )


def evaluation_summary(change: PairedChange, loss: LossToFollowUp) -> dict[str, float | int | None]:
    """One measure's entry in `linkwell evaluate --json`: n_paired, mean_change, CI, effect size, lost."""
    return {
        "n_paired": change.n,
        "mean_change": change.mean_change,
        "ci_low": change.ci_low,
        "ci_high": change.ci_high,
        "effect_size": change.effect_size,
        "lost_to_follow_up": loss.n_lost,
    }


# --- Return on investment --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumption:
    """A figure a result depends on, shown beside the result: name, value, unit and where it came from."""

    name: str
    value: float
    unit: str
    source: str


DEFAULT_GP_APPOINTMENT_COST = Assumption(
    name="Cost of a GP appointment",
    value=42.0,
    unit="£ per appointment",
    source=(
        "Example figure - set your own. PSSRU Unit Costs of Health and Social Care publishes a cost per GP "
        "surgery consultation each year (the 2015 edition gave £33-£44 for 11.7 minutes); £42 has not been "
        "checked against the current edition."
    ),
)
DEFAULT_VOLUNTEER_HOUR_VALUE = Assumption(
    name="Value of an hour of volunteering",
    value=12.21,
    unit="£ per hour",
    source=(
        "Example figure - set your own. The National Living Wage (21 and over) from 1 April 2025 (GOV.UK, Low "
        "Pay Commission), i.e. what the same hours would cost to pay for at the legal minimum."
    ),
)
ROI_CAVEATS: tuple[str, ...] = (
    "A before-and-after change is not proof that the scheme caused it: there is no comparison group, and "
    "appointments often fall anyway after the peak that prompted a referral (regression to the mean).",
    "Appointments avoided free up GP time; they are not cash the NHS gets back.",
)


@dataclass(frozen=True)
class ReturnOnInvestment:
    """Value set against the scheme's cost, with the range from the GP change's CI and every assumption."""

    scheme_cost: float
    appointments_avoided: float | None
    appointments_avoided_low: float | None
    appointments_avoided_high: float | None
    gp_value: float | None
    volunteer_value: float
    total_value: float
    total_value_low: float | None
    total_value_high: float | None
    net_value: float
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    assumptions: tuple[Assumption, ...]
    caveats: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The figures and assumptions as plain data, ready for JSON."""
        return asdict(self)


def roi(
    *,
    scheme_cost: float,
    gp_change: PairedChange | None,
    volunteer_hours: float = 0.0,
    gp_appointment_cost: Assumption = DEFAULT_GP_APPOINTMENT_COST,
    volunteer_hour_value: Assumption = DEFAULT_VOLUNTEER_HOUR_VALUE,
    people: int | None = None,
) -> ReturnOnInvestment:
    """Return on investment: GP appointments avoided and volunteering valued against cost, assumptions beside it.

    By default the GP change counts only for the people who had counts both before and after (no
    extrapolation); pass `people` to apply the mean change to more people, which is then listed as an
    assumption. An increase in appointments gives a negative value: it is reported, not hidden.
    """
    if scheme_cost < 0 or volunteer_hours < 0:
        raise ValueError("The scheme cost and volunteer hours cannot be negative.")
    if gp_appointment_cost.value < 0 or volunteer_hour_value.value < 0:
        raise ValueError("Unit costs cannot be negative.")
    assumptions = [
        Assumption("Scheme cost", scheme_cost, "£", "Entered by the scheme for the period evaluated."),
    ]
    avoided: float | None = None
    avoided_low: float | None = None
    avoided_high: float | None = None
    gp_value: float | None = None
    gp_low: float | None = None
    gp_high: float | None = None
    if gp_change is not None and gp_change.n > 0 and gp_change.mean_change is not None:
        applied_to = gp_change.n if people is None else people
        if applied_to < 0:
            raise ValueError("The number of people cannot be negative.")
        ci_note = (
            f"95% CI {gp_change.ci_low:.2f} to {gp_change.ci_high:.2f}"
            if gp_change.ci_low is not None and gp_change.ci_high is not None
            else "no confidence interval (fewer than 2 people)"
        )
        assumptions += [
            Assumption(
                "Change in GP appointments per person",
                gp_change.mean_change,
                "appointments (12 months after minus 12 months before referral)",
                f"Paired counts for {gp_change.n} people; {ci_note}.",
            ),
            Assumption(
                "People the change is applied to",
                applied_to,
                "people",
                "Only people with counts both before and after (no extrapolation)."
                if people is None
                else f"Extrapolated from {gp_change.n} people with counts to {applied_to} people.",
            ),
            gp_appointment_cost,
        ]
        # A fall in appointments (negative change) is appointments avoided.
        avoided = -gp_change.mean_change * applied_to
        gp_value = avoided * gp_appointment_cost.value
        if gp_change.ci_low is not None and gp_change.ci_high is not None:
            avoided_low = -gp_change.ci_high * applied_to
            avoided_high = -gp_change.ci_low * applied_to
            gp_low = avoided_low * gp_appointment_cost.value
            gp_high = avoided_high * gp_appointment_cost.value
    assumptions += [
        Assumption("Volunteer hours", volunteer_hours, "hours", "Hours logged by volunteers in the period."),
        volunteer_hour_value,
    ]
    volunteer_value = volunteer_hours * volunteer_hour_value.value
    total = volunteer_value + (gp_value or 0.0)
    total_low = volunteer_value + gp_low if gp_low is not None else None
    total_high = volunteer_value + gp_high if gp_high is not None else None
    caveats = ROI_CAVEATS if gp_value is not None else (*ROI_CAVEATS[1:], "No GP appointment data was available.")

    def per_pound(value: float | None) -> float | None:
        return value / scheme_cost if value is not None and scheme_cost > 0 else None

    return ReturnOnInvestment(
        scheme_cost=scheme_cost,
        appointments_avoided=avoided,
        appointments_avoided_low=avoided_low,
        appointments_avoided_high=avoided_high,
        gp_value=gp_value,
        volunteer_value=volunteer_value,
        total_value=total,
        total_value_low=total_low,
        total_value_high=total_high,
        net_value=total - scheme_cost,
        ratio=per_pound(total),
        ratio_low=per_pound(total_low),
        ratio_high=per_pound(total_high),
        assumptions=tuple(assumptions),
        caveats=caveats,
    )
