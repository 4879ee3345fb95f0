"""Validation of casework forms; forms only validate, services write."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from linkwell.forms import DateField
from linkwell.referrals.models import ClosureReason, Need, Status

from .models import MAX_CONTACT_MINUTES, ContactDirection, ContactKind, GoalOutcome

TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
YES_NO = [("yes", "Yes, we spoke"), ("no", "No, we could not reach them")]


class ContactForm(forms.Form):
    successful = forms.ChoiceField(
        label="Did you reach the person?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you reached the person",
            "invalid_choice": "Select whether you reached the person",
        },
    )
    kind = forms.ChoiceField(
        label="How",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you contacted them",
            "invalid_choice": "Select how you contacted them",
        },
    )
    direction = forms.ChoiceField(
        label="Who got in touch",
        choices=ContactDirection.choices,
        widget=forms.RadioSelect,
        initial=ContactDirection.OUTGOING,
        error_messages={"required": "Select who got in touch", "invalid_choice": "Select who got in touch"},
    )
    date = DateField(
        label="Date",
        past_only=True,
        earliest_year=2000,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the contact"},
    )
    time = forms.CharField(
        label="Time",
        max_length=5,
        required=False,
        help_text="Use the 24-hour clock, for example 14:30. Leave blank if you do not know",
    )
    duration_minutes = forms.IntegerField(
        label="How long did it take, in minutes?",
        required=False,
        min_value=0,
        max_value=MAX_CONTACT_MINUTES,
        help_text="Needed when you reached the person",
        error_messages={
            "invalid": "Enter the length of the contact as a whole number of minutes",
            "min_value": "The length of the contact cannot be negative",
            "max_value": f"The length of the contact must be {MAX_CONTACT_MINUTES} minutes (8 hours) or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the notes to 4,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        time_text = (data.get("time") or "").strip()
        clock = dt.time(12, 0)
        if time_text:
            match = TIME_PATTERN.match(time_text)
            if match is None:
                self.add_error("time", "Enter the time as hours and minutes, for example 14:30")
            else:
                clock = dt.time(int(match.group(1)), int(match.group(2)))
        day = data.get("date")
        if day is not None and "time" not in self.errors:
            moment = timezone.make_aware(dt.datetime.combine(day, clock))
            now = timezone.now()
            if moment > now:
                if time_text:
                    self.add_error("time", "The contact cannot be in the future")
                else:
                    moment = now
            data["occurred_at"] = moment
        successful = data.get("successful") == "yes"
        data["successful_bool"] = successful
        if successful and data.get("duration_minutes") is None and "duration_minutes" not in self.errors:
            self.add_error("duration_minutes", "Enter how long the contact took, in minutes")
        return data


class AssessmentForm(forms.Form):
    what_matters = forms.CharField(
        label="What matters to the person",
        max_length=4000,
        widget=forms.Textarea,
        help_text="In their words, where you can",
        error_messages={
            "required": "Enter what matters to the person",
            "max_length": "Keep this to 4,000 characters or fewer",
        },
    )
    strengths = forms.CharField(
        label="Strengths",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text="What they are good at, who and what they have around them",
        error_messages={"max_length": "Keep this to 4,000 characters or fewer"},
    )
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    barriers = forms.CharField(
        label="Barriers",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text="What makes it hard: cost, transport, confidence, caring, health",
        error_messages={"max_length": "Keep this to 4,000 characters or fewer"},
    )
    notes = forms.CharField(
        label="Notes",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the notes to 4,000 characters or fewer"},
    )


class GoalForm(forms.Form):
    description = forms.CharField(
        label="Goal",
        max_length=1000,
        widget=forms.Textarea,
        help_text="What the person wants to achieve, in their words. For example, go to the lunch club every week",
        error_messages={"required": "Describe the goal", "max_length": "Keep the goal to 1,000 characters or fewer"},
    )
    target_date = DateField(
        label="Target date",
        required=False,
        earliest_year=2000,
        help_text="For example, 30 6 2026",
    )

    def clean_target_date(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("target_date")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("The target date must be today or in the future")
        return value


class GoalProgressForm(forms.Form):
    score = forms.IntegerField(
        label="How far along is the goal, from 0 to 10?",
        min_value=0,
        max_value=10,
        help_text="0 means not started, 10 means done",
        error_messages={
            "required": "Enter a score from 0 to 10",
            "invalid": "Enter a score from 0 to 10 as a whole number",
            "min_value": "Enter a score from 0 to 10",
            "max_value": "Enter a score from 0 to 10",
        },
    )
    note = forms.CharField(
        label="How is it going?",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say how the goal is going",
            "max_length": "Keep this to 2,000 characters or fewer",
        },
    )


class GoalEndForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=GoalOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the goal was achieved",
            "invalid_choice": "Select whether the goal was achieved",
        },
    )
    note = forms.CharField(
        label="Notes",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the notes to 2,000 characters or fewer"},
    )


# The status changes offered on the casework page, with the button label and what each asks for.
# Triage (accept, reject) stays with the referrals app.
TRANSITIONS: dict[str, tuple[str, str]] = {
    Status.CONTACTED: ("Record as contacted", "optional"),
    Status.UNABLE_TO_CONTACT: ("Mark as unable to contact", "optional"),
    Status.ASSESSED: ("Mark as assessed", "optional"),
    Status.ACTIVE: ("Mark as active (support under way)", "optional"),
    Status.FOLLOW_UP: ("Start follow-up", "optional"),
    Status.ON_HOLD: ("Put on hold", "required"),
    Status.CLOSED: ("Close the referral", "optional"),
    Status.REOPENED: ("Reopen", "required"),
    "resume": ("Take off hold", "optional"),
}


class TransitionForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the referral closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why the referral is closing"},
    )
    note = forms.CharField(
        label="Note",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Keep the note to 4,000 characters or fewer"},
    )

    def __init__(self, *args: Any, target: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.target = target
        if target != Status.CLOSED:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = "Select why the referral is closing"
        if TRANSITIONS[target][1] == "required":
            note = self.fields["note"]
            note.required = True
            note.label = "Why?"
            note.error_messages["required"] = (
                "Say why the referral is on hold"
                if target == Status.ON_HOLD
                else "Say why the referral is being reopened"
            )
