"""A form for any measure, built from its definition; scoring's own checks give the error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Method
from .scoring import AnswerError, ItemDefinition, MeasureDefinition


def _choices(item: ItemDefinition) -> list[tuple[str, str]]:
    labels = dict(item.options)
    return [
        (str(value), f"{value} – {labels[value]}" if value in labels else str(value))
        for value in range(item.min, item.max + 1)
    ]


class MeasureForm(forms.Form):
    """One radio question per item; on success `scores` holds the measure's scores and `answers` the values."""

    def __init__(self, *args: Any, definition: MeasureDefinition, with_method: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.scores: dict[str, float] = {}
        self.answers: dict[str, int] = {}
        for item in definition.items:
            message = f"Question {item.number} has not been answered."
            self.fields[f"item_{item.number}"] = forms.ChoiceField(
                label=f"{item.number}. {item.label()}" if item.text else item.label(),
                choices=_choices(item),
                widget=forms.RadioSelect,
                error_messages={
                    "required": message,
                    "invalid_choice": f"The answer to question {item.number} must be a whole number from "
                    f"{item.min} to {item.max}.",
                },
            )
        if with_method:
            self.fields["method"] = forms.ChoiceField(
                label="How was it completed?",
                choices=[
                    (Method.WITH_LINK_WORKER, "With the person, face to face"),
                    (Method.PHONE, "With the person, by phone"),
                ],
                initial=Method.WITH_LINK_WORKER,
                widget=forms.RadioSelect,
                error_messages={"required": "Say how the questionnaire was completed."},
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.number}"] for item in self.definition.items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        answers = {item.number: cleaned.get(f"item_{item.number}") for item in self.definition.items}
        try:
            self.scores = self.definition.score(answers)
        except AnswerError as error:
            for number, message in error.problems:
                self.add_error(f"item_{number}" if number is not None else None, message)
            return cleaned
        self.answers = {str(number): int(str(value)) for number, value in answers.items()}
        return cleaned


class LinkForm(forms.Form):
    timepoint = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, timepoints: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timepoint"].choices = timepoints  # type: ignore[attr-defined]


class OutcomeSettingsForm(forms.Form):
    measures = forms.MultipleChoiceField(
        label="Measures to take",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one measure."},
    )
    follow_up_weeks = forms.IntegerField(
        label="Follow-up, in weeks after support starts",
        min_value=1,
        max_value=104,
        error_messages={"required": "Enter the number of weeks to follow-up, like 12."},
    )
    later_timepoint_weeks = forms.IntegerField(
        label="Later measurement, in weeks after support starts",
        min_value=2,
        max_value=260,
        required=False,
        help_text="For example 26 for six months. Leave empty for no later measurement.",
    )
    gp_appointment_cost = forms.DecimalField(
        label="Cost of a GP appointment (£)", min_value=0, max_digits=8, decimal_places=2
    )
    volunteer_hour_value = forms.DecimalField(
        label="Value of an hour of volunteering (£)", min_value=0, max_digits=8, decimal_places=2
    )
    annual_scheme_cost = forms.DecimalField(
        label="Cost of the scheme for a year (£)", min_value=0, max_digits=12, decimal_places=2
    )

    def __init__(self, *args: Any, measure_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].choices = measure_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        later, follow_up = cleaned.get("later_timepoint_weeks"), cleaned.get("follow_up_weeks")
        if later is not None and follow_up is not None and later <= follow_up:
            self.add_error("later_timepoint_weeks", "The later measurement must come after the follow-up.")
        return cleaned
