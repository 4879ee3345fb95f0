"""Validation for directory search, provider upkeep, problem reports and moderation; services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from linkwell.places.postcodes import postcode_shape

from .models import Frequency, ProblemKind, ProblemStatus, Service, ServiceStatus, TermKind
from .search import WEEKDAYS, facet_terms

POSTCODE_MESSAGE = "Enter a full UK postcode, like LS1 4AP"
DISTANCE_CHOICES = [("1", "1 km"), ("2", "2 km"), ("5", "5 km"), ("10", "10 km"), ("25", "25 km")]
PHONE_CHARS = set("0123456789+ ()-")


class DirectorySearchForm(forms.Form):
    """The public (and in-app) search: every field optional, all in the query string."""

    q = forms.CharField(
        label="What are you looking for?",
        required=False,
        max_length=100,
        help_text="For example, walking, choir, debt advice",
        error_messages={"max_length": "Keep your search to 100 characters or fewer"},
    )
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=16,
        help_text="To see what is nearest to you",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
        error_messages={"max_length": POSTCODE_MESSAGE},
    )
    distance = forms.ChoiceField(
        label="Distance",
        required=False,
        choices=DISTANCE_CHOICES,
        initial="10",
        error_messages={"invalid_choice": "Choose a distance from the list"},
    )
    category = forms.ChoiceField(
        label="Type of activity or support",
        required=False,
        error_messages={"invalid_choice": "Choose a type of activity or support from the list"},
    )
    day = forms.ChoiceField(
        label="Day",
        required=False,
        choices=[("", "Any day"), *WEEKDAYS],
        error_messages={"invalid_choice": "Choose a day of the week from the list"},
    )
    free = forms.BooleanField(label="Free only", required=False)
    step_free = forms.BooleanField(label="Step-free access", required=False, help_text="No steps, or a ramp or lift")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = facet_terms().values_list("code", "name")
        self.fields["category"].choices = [("", "Any type"), *terms]  # type: ignore[attr-defined]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_postcode(self) -> str:
        value = self.cleaned_data.get("postcode", "").strip()
        if not value:
            return ""
        normalised = postcode_shape(value)
        if normalised is None:
            raise ValidationError(POSTCODE_MESSAGE)
        return normalised

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments for search.search_services from the cleaned data."""
        data = self.cleaned_data
        return {
            "words": data.get("q", ""),
            "postcode": data.get("postcode", ""),
            "max_km": float(data["distance"]) if data.get("distance") else None,
            "category_codes": [data["category"]] if data.get("category") else [],
            "weekday": data.get("day", ""),
            "free_only": bool(data.get("free")),
            "step_free": bool(data.get("step_free")),
        }


class AppSearchForm(DirectorySearchForm):
    """The in-app search adds needs and can leave out listings nobody has confirmed for a year."""

    need = forms.ChoiceField(
        label="Need",
        required=False,
        error_messages={"invalid_choice": "Choose a need from the list"},
    )
    fresh_only = forms.BooleanField(
        label="Only listings checked in the last 12 months",
        required=False,
        help_text="Listings not checked for over a year are left out of matching",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = facet_terms(TermKind.NEED).values_list("code", "name")
        self.fields["need"].choices = [("", "Any need"), *needs]  # type: ignore[attr-defined]

    def search_arguments(self) -> dict[str, Any]:
        arguments = super().search_arguments()
        if self.cleaned_data.get("need"):
            arguments["category_codes"] = [*arguments["category_codes"], self.cleaned_data["need"]]
        arguments["matchable_only"] = bool(self.cleaned_data.get("fresh_only"))
        return arguments


# ---------------------------------------------------------------------------------------------- upkeep

WEEK_OF_MONTH = [("", "Every week"), ("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last")]


class ScheduleRowForm(forms.Form):
    """One regular session: a day, which week of the month (or every week), and times."""

    day = forms.ChoiceField(label="Day", required=False, choices=[("", "Not used"), *WEEKDAYS])
    week = forms.ChoiceField(label="How often", required=False, choices=WEEK_OF_MONTH)
    opens_at = forms.TimeField(
        label="Starts",
        required=False,
        help_text="For example, 10:00",
        error_messages={"invalid": "Enter a start time, like 10:00 or 19:30"},
    )
    closes_at = forms.TimeField(
        label="Ends",
        required=False,
        help_text="For example, 12:00",
        error_messages={"invalid": "Enter an end time, like 12:00 or 21:00"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = data.get("day") or data.get("opens_at") or data.get("closes_at")
        if used and not data.get("day"):
            self.add_error("day", "Choose the day this session runs")
        if used and not data.get("opens_at") and "opens_at" not in self.errors:
            self.add_error("opens_at", "Enter the time it starts")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The end time must be after the start time")
        return data

    def as_schedule(self) -> dict[str, Any] | None:
        """The schedule as services.service_update expects it, or None for an unused row."""
        data = self.cleaned_data
        if not data.get("day"):
            return None
        week = data.get("week") or ""
        opens: dt.time | None = data.get("opens_at")
        closes: dt.time | None = data.get("closes_at")
        return {
            "freq": Frequency.MONTHLY if week else Frequency.WEEKLY,
            "interval": 1,
            "byday": f"{week}{data['day']}",
            "opens_at": opens,
            "closes_at": closes,
        }

    @staticmethod
    def initial_for(schedule: dict[str, Any]) -> dict[str, Any]:
        """Form values from a schedule dict of the current listing."""
        byday = (schedule.get("byday") or "").split(",")[0].strip().upper()
        day, week = byday[-2:], byday[:-2]
        return {
            "day": day,
            "week": week if schedule.get("freq") == Frequency.MONTHLY else "",
            "opens_at": schedule.get("opens_at"),
            "closes_at": schedule.get("closes_at"),
        }


SCHEDULE_ROWS = 3


class ServiceEditForm(forms.Form):
    """What a provider keeps up to date about a listing."""

    name = forms.CharField(
        label="Name of the service",
        max_length=300,
        error_messages={"required": "Enter the name of the service"},
    )
    description = forms.CharField(
        label="What happens there",
        widget=forms.Textarea,
        max_length=4000,
        error_messages={"required": "Describe what the service offers"},
    )
    eligibility_description = forms.CharField(
        label="Who it is for",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="For example, men over 50, or carers of someone with dementia",
    )
    minimum_age = forms.IntegerField(
        label="Youngest age",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the youngest age as a number, like 18"},
    )
    maximum_age = forms.IntegerField(
        label="Oldest age",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the oldest age as a number, like 25"},
    )
    fees = forms.CharField(
        label="Cost",
        required=False,
        max_length=500,
        help_text="For example, Free, £2 suggested donation, or £4.50 per session",
    )
    phone = forms.CharField(label="Phone number", required=False, max_length=30)
    status = forms.ChoiceField(
        label="Is it running?",
        choices=[
            (ServiceStatus.ACTIVE, "Yes, it is running"),
            (ServiceStatus.TEMPORARILY_CLOSED, "It is closed for now"),
            (ServiceStatus.INACTIVE, "It has stopped"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the service is running"},
    )
    accepts_direct_referrals = forms.BooleanField(
        label="Professionals may refer people straight to this service", required=False
    )
    categories = forms.MultipleChoiceField(
        label="Type of activity or support", required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity_available = forms.IntegerField(
        label="Places available now",
        required=False,
        min_value=0,
        help_text="Leave blank if you do not limit numbers",
        error_messages={"invalid": "Enter the number of places, like 4", "min_value": "Places cannot be less than 0"},
    )
    waiting_list_length = forms.IntegerField(
        label="People on the waiting list",
        required=False,
        min_value=0,
        error_messages={"invalid": "Enter a number, like 0", "min_value": "The waiting list cannot be less than 0"},
    )
    note = forms.CharField(
        label="Note for the scheme team",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        help_text="What changed and why, if it helps whoever checks it",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.term_ids = dict(facet_terms().values_list("code", "pk"))
        self.fields["categories"].choices = list(  # type: ignore[attr-defined]
            facet_terms().values_list("code", "name")
        )
        self.fields["categories"].error_messages["invalid_choice"] = "Choose types of activity from the list"

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        digits = [c for c in value if c.isdigit()]
        if value and (not set(value) <= PHONE_CHARS or not 10 <= len(digits) <= 13):
            raise ValidationError("Enter a phone number, like 01632 960 001")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", "The oldest age must be the same as or more than the youngest age")
        return data

    @staticmethod
    def initial_for(service: Service, phone: str, category_codes: list[str]) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(service, name) for name in LISTING_FIELDS}
        initial.update(
            phone=phone,
            categories=category_codes,
            capacity_available=service.capacity_available,
            waiting_list_length=service.waiting_list_length,
        )
        return initial


# Scalar listing fields the edit form sends to services.service_update.
LISTING_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "fees",
    "status",
    "accepts_direct_referrals",
)


class ProblemReportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is wrong?",
        choices=ProblemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong", "invalid_choice": "Choose what is wrong"},
    )
    details = forms.CharField(
        label="Tell us more",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        help_text="For example, the new day and time, or the right phone number",
        error_messages={"max_length": "Keep it to 1,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ProblemKind.OTHER and not data.get("details", "").strip():
            self.add_error("details", "Tell us what is wrong")
        return data


class ReviewChangeForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: make the change live"), ("reject", "Reject: keep the listing as it is")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or reject the change"},
    )
    note = forms.CharField(
        label="Note to the provider",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        help_text="Needed when you reject a change, so the provider knows what to fix",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("note", "").strip():
            self.add_error("note", "Say why the change is rejected")
        return data


class ResolveReportForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (ProblemStatus.RESOLVED, "Resolved: the listing has been put right"),
            (ProblemStatus.DISMISSED, "Dismissed: the listing was right"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose resolved or dismissed"},
    )
    note = forms.CharField(label="Note", required=False, max_length=500, widget=forms.Textarea)
