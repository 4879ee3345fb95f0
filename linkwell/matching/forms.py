"""The scheme manager's matching weights form: each part of a suggestion's score, in plain English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from .types import Weights

DEFAULTS = Weights()


@dataclass(frozen=True)
class Part:
    name: str
    short: str  # how error messages name it
    label: str
    hint: str


# In the order a link worker would explain a suggestion: what it is about, then who it is for, then practicalities.
COMPONENTS = (
    Part(
        "semantic",
        "The meaning of the words",
        "How much the meaning of the referral's words counts",
        "Finds services described in other words: “on his own since his wife died” finds a bereavement café.",
    ),
    Part(
        "lexical",
        "The exact words",
        "How much the referral's exact words count",
        "Services that use the same words as the referral or search, like “choir” or “allotment”.",
    ),
    Part(
        "needs",
        "The person's needs",
        "How much the person's needs count",
        "Services about the needs recorded for the person, like loneliness or debt.",
    ),
    Part(
        "eligibility",
        "Being made for someone like them",
        "How much a service made for someone like them counts",
        "Groups for the person's age, sex or condition, like a men's shed or a carers' café.",
    ),
    Part(
        "distance", "Nearness", "How much being close by counts", "How near the service is to where the person lives."
    ),
    Part(
        "capacity",
        "Places free",
        "How much having places free counts",
        "Services with places free come before those with a waiting list or that are full.",
    ),
    Part(
        "outcomes",
        "Past results",
        "How much past results count",
        "How many people connected to the service before completed it, and how their wellbeing changed. "
        f"Counts only once the scheme has recorded {DEFAULTS.outcome_min_history} connections.",
    ),
)

REMOTE = Part(
    "remote_distance",
    "Nearness of phone, online and home-visit services",
    "How near a phone, online or home-visit service counts as being, from 0 to 1",
    "1 counts it as if it were on the person's doorstep, 0 as if it were far away.",
)
DISTANCE_SCALE = Part(
    "distance_scale_km",
    "The distance",
    "Distance at which nearness counts for about a third, in kilometres",
    "Nearness fades smoothly with distance: a service this far away counts about a third as much as one on the "
    "doorstep, and one twice as far about an eighth.",
)

FIELD_NAMES = tuple(part.name for part in (*COMPONENTS, DISTANCE_SCALE, REMOTE))
MAX_DISTANCE_KM = 50.0


def _share_field(part: Part) -> forms.FloatField:
    default = getattr(DEFAULTS, part.name)
    return forms.FloatField(
        label=part.label,
        help_text=f"{part.hint} Default {default:g}.",
        min_value=0,
        max_value=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter a number from 0 to 1 for {part.short.lower()}",
            "invalid": f"{part.short} must be a number from 0 to 1, like 0.25",
            "min_value": f"{part.short} must be 0 or more",
            "max_value": f"{part.short} must be 1 or less",
        },
    )


class MatchingWeightsForm(forms.Form):
    """Weights are relative: the score divides by their total, so they need not add up to 1."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in COMPONENTS:
            self.fields[part.name] = _share_field(part)
        self.fields[DISTANCE_SCALE.name] = forms.FloatField(
            label=DISTANCE_SCALE.label,
            help_text=f"{DISTANCE_SCALE.hint} Default {DEFAULTS.distance_scale_km:g} km.",
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            error_messages={
                "required": "Enter the distance in kilometres, like 3",
                "invalid": "The distance must be a number of kilometres, like 3",
            },
        )
        self.fields[REMOTE.name] = _share_field(REMOTE)

    def component_fields(self) -> list[forms.BoundField]:
        return [self[part.name] for part in COMPONENTS]

    def clean_distance_scale_km(self) -> float:
        value: float = self.cleaned_data["distance_scale_km"]
        if value <= 0:
            raise forms.ValidationError("The distance must be more than 0 km")
        if value > MAX_DISTANCE_KM:
            raise forms.ValidationError(f"The distance must be {MAX_DISTANCE_KM:g} km or less")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shares = [cleaned.get(part.name) for part in COMPONENTS]
        if all(share is not None for share in shares) and not any(shares):
            raise forms.ValidationError(
                "At least one part of the score must count: give one of them a number above 0",
                code="all_zero",
            )
        return cleaned
