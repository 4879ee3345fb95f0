"""Forms for connections: validation only; the services do the writing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwell.accounts.models import Membership
from linkwell.directory.models import Service
from linkwell.forms import DateField
from linkwell.referrals.models import ClosureReason, Need

from .models import AccompanimentStatus, AttendanceStatus, DeclineReason, StopReason

LENGTH_CHOICES = [
    ("scheme", ""),
    ("8", "8 weeks"),
    ("12", "12 weeks"),
    ("other", "Another length"),
    ("open", "Open-ended"),
]


class ServiceSearchForm(forms.Form):
    q = forms.CharField(label="Search the directory", required=False, max_length=100)


class ProposeForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose a service", "invalid_choice": "Choose a service from the list"},
    )
    length = forms.ChoiceField(
        label="How long is the prescription?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the prescription is"},
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        required=False,
        min_value=1,
        max_value=104,
        error_messages={
            "invalid": "Enter the number of weeks as a whole number, like 10",
            "min_value": "Enter a length of at least 1 week",
            "max_value": "Enter a length of 104 weeks or fewer",
        },
    )
    why_referred = forms.CharField(
        label="Why this service suits the person",
        help_text="The provider sees these words. Write only what they need to welcome the person.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why this service suits the person"},
    )

    def __init__(self, *args: Any, services: Any, default_weeks: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.default_weeks = default_weeks
        choices = list(LENGTH_CHOICES)
        choices[0] = ("scheme", f"The scheme's usual length ({default_weeks} weeks)")
        self.fields["length"].choices = choices  # type: ignore[attr-defined]
        self.fields["length"].initial = "scheme"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        length = data.get("length")
        if length == "other" and not data.get("weeks") and "weeks" not in self.errors:
            self.add_error("weeks", "Enter the number of weeks")
        return data

    def prescription_weeks(self) -> int | None:
        length = self.cleaned_data["length"]
        if length == "open":
            return None
        if length == "scheme":
            return self.default_weeks
        if length == "other":
            return int(self.cleaned_data["weeks"])
        return int(length)


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your answer",
        choices=[
            ("accept", "Accept: we can take them on now"),
            ("waitlist", "Put them on our waiting list"),
            ("decline", "Decline"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your answer"},
    )
    decline_reason = forms.ChoiceField(
        label="Why are you declining?",
        choices=[("", "Choose a reason"), *DeclineReason.choices],
        required=False,
    )
    note = forms.CharField(
        label="Note for the link worker (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline":
            if not data.get("decline_reason"):
                self.add_error("decline_reason", "Choose why you are declining")
            elif data["decline_reason"] == DeclineReason.OTHER and not data.get("note", "").strip():
                self.add_error("note", "Explain the reason in the note")
        return data


class EndConnectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did the connection end?",
        choices=[("completed", "Completed"), ("stopped", "Stopped early")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the connection ended"},
    )
    stop_reason = forms.ChoiceField(
        label="Why did it stop?", choices=[("", "Choose a reason"), *StopReason.choices], required=False
    )
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "stopped":
            if not data.get("stop_reason"):
                self.add_error("stop_reason", "Choose why the connection stopped")
            elif data["stop_reason"] == StopReason.OTHER and not data.get("note", "").strip():
                self.add_error("note", "Explain the reason in the note")
        return data


class AccompanimentForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label="Volunteer or peer supporter",
        queryset=Membership.objects.none(),
        empty_label="Choose a volunteer",
        error_messages={"required": "Choose a volunteer", "invalid_choice": "Choose a volunteer from the list"},
    )
    session_date = DateField(label="Date of the first session")
    arrangements = forms.CharField(
        label="Where and when to meet (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["volunteer"].label_from_instance = lambda m: f"{m.user.display_name} ({m.organisation.name})"  # type: ignore[attr-defined]

    def clean_session_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["session_date"]
        if value < timezone.localdate():
            raise forms.ValidationError("The first session must be today or in the future")
        return value


class AccompanimentOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label="Did you go with them?",
        choices=[
            (AccompanimentStatus.DONE, "Yes, it happened"),
            (AccompanimentStatus.NOT_DONE, "No, it did not happen"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the accompaniment happened"},
    )
    note = forms.CharField(
        label="Anything the link worker should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegisterPickForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose a service", "invalid_choice": "Choose one of your services"},
    )
    date = forms.DateField(
        label="Session date",
        widget=forms.DateInput(attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"}),
        error_messages={"invalid": "Enter the session date as a real date"},
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services  # type: ignore[attr-defined]

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Registers can only be taken for today or an earlier date")
        return value


ATTENDANCE_CHOICES = AttendanceStatus.choices


class CheckInForm(forms.Form):
    card = forms.CharField(
        label="Card number",
        help_text="The 10 letters and numbers under the QR code, for example ABCDE-FGH23",
        max_length=20,
        error_messages={"required": "Enter the card number"},
    )

    def clean_card(self) -> str:
        from .models import CARD_LENGTH, normalise_card_number

        value = normalise_card_number(self.cleaned_data["card"])
        if len(value) != CARD_LENGTH:
            raise forms.ValidationError("Enter the 10 letters and numbers on the card")
        return value


class CloseReferralForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the referral closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the referral is closing"},
    )
    note = forms.CharField(
        label="Summary for the referrer (optional)",
        help_text="The referrer sees this in the closing summary.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class BookingNeedsForm(forms.Form):
    """What the person needs, in the referrer's words: the direct booking page suggests services from it."""

    describe = forms.CharField(
        label="Describe what the person needs",
        help_text="For example, wants to get more active after a heart attack. We suggest services that take "
        "direct referrals, best match first.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the description to 500 characters or fewer"},
    )

    def clean_describe(self) -> str:
        return " ".join(self.cleaned_data.get("describe", "").split())


class DirectBookingForm(forms.Form):
    service = forms.ModelChoiceField(
        label="Service",
        queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={"required": "Choose a service", "invalid_choice": "Choose a service from the list"},
    )
    needs = forms.MultipleChoiceField(
        label="Reasons for referral",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason for referral"},
    )
    reason_text = forms.CharField(
        label="Why you are booking this service",
        help_text="The provider sees these words.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you are booking this service"},
    )
    consent_to_refer = forms.BooleanField(
        label="The person agrees to this referral",
        error_messages={"required": "The person must agree to the referral"},
    )
    consent_to_share = forms.BooleanField(
        label="The person agrees to share their contact details with the provider",
        error_messages={"required": "The person must agree to share their details with the provider"},
    )

    def __init__(self, *args: Any, services: list[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(pk__in=[s.pk for s in services])  # type: ignore[attr-defined]
