"""Validation of people's details and consent decisions; forms only validate, services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from linkwell.accounts.models import Membership, Organisation, OrganisationKind
from linkwell.forms import DateField
from linkwell.places.postcodes import normalise_postcode

from .models import (
    ConsentGivenBy,
    ConsentMethod,
    ConsentScope,
    ContactMethod,
    EthnicCategory,
    LongTermCondition,
    Sex,
)
from .validators import normalise_nhs_number

PHONE_CHARS = set("0123456789+ ()-")


class PersonForm(forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the person's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the person's last name"}
    )
    preferred_name = forms.CharField(label="Preferred name", max_length=100, required=False)
    date_of_birth = DateField(
        label="Date of birth",
        past_only=True,
        help_text="For example, 15 3 1984",
        error_messages={"required": "Enter the person's date of birth"},
    )
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=14,
        help_text="10 digits, for example 485 777 3456",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=16,
        error_messages={
            "required": "Enter the person's postcode",
            "max_length": "Enter a full UK postcode, like LS1 4AP",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.CharField(label="Email address", max_length=254, required=False)
    preferred_contact_method = forms.ChoiceField(
        label="How do they prefer to be contacted?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ContactMethod.PHONE,
        error_messages={"required": "Select how the person prefers to be contacted"},
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    language = forms.CharField(label="Main language", max_length=60, required=False, initial="English")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.NOT_KNOWN)
    ethnic_category = forms.ChoiceField(
        label="Ethnic group", choices=EthnicCategory.choices, initial=EthnicCategory.NOT_KNOWN
    )
    long_term_conditions = forms.MultipleChoiceField(
        label="Long-term conditions",
        choices=LongTermCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registered_practice = forms.ModelChoiceField(
        label="Registered GP practice",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not known",
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registered_practice"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            scheme_id=membership.organisation.scheme_id, kind=OrganisationKind.GP_PRACTICE, is_active=True
        )
        self.fields["registered_practice"].error_messages["invalid_choice"] = "Select a GP practice from the list"

    def clean_nhs_number(self) -> str:
        value = self.cleaned_data.get("nhs_number", "").strip()
        return normalise_nhs_number(value) if value else ""

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        digits = [c for c in value if c.isdigit()]
        if value and (not set(value) <= PHONE_CHARS or not 10 <= len(digits) <= 13):
            raise ValidationError("Enter a phone number, like 01632 960 001 or 07700 900 982")
        return value

    def clean_email(self) -> str:
        value = self.cleaned_data.get("email", "").strip()
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                raise ValidationError("Enter an email address in the correct format, like name@example.com") from None
        return value.lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("preferred_contact_method")
        if method in (ContactMethod.PHONE, ContactMethod.SMS) and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number, or choose another way to contact them")
        if method == ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, or choose another way to contact them")
        if data.get("interpreter_needed") and not data.get("language"):
            self.add_error("language", "Enter the language the interpreter should speak")
        return data


class ConfirmNewPersonForm(forms.Form):
    confirm_new = forms.BooleanField(
        label="None of these is the person I am adding",
        required=True,
        error_messages={"required": "Open the matching record, or confirm that none of these is the person"},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or NHS number",
        max_length=100,
        required=False,
        help_text="For example, Margaret Hale or 485 777 3456",
    )
    date_of_birth = DateField(label="Date of birth", required=False, help_text="For example, 15 3 1984")

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("q") and not data.get("date_of_birth"):
            raise ValidationError("Enter a name, NHS number or date of birth to search")
        q = data.get("q") or ""
        if q and len(q.replace(" ", "")) < 2:
            self.add_error("q", "Enter at least 2 letters or numbers")
        return data


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label="What is the consent for?",
        choices=ConsentScope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the consent is for"},
    )
    granted = forms.TypedChoiceField(
        label="What did the person decide?",
        choices=[("yes", "They agreed"), ("no", "They did not agree")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person agreed"},
    )
    method = forms.ChoiceField(
        label="How was it given?",
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the consent was given"},
    )
    given_by = forms.ChoiceField(
        label="Who gave it?",
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        initial=ConsentGivenBy.PERSON,
        error_messages={"required": "Select who gave the consent"},
    )
    representative_name = forms.CharField(label="Representative's name", max_length=200, required=False)
    notes = forms.CharField(label="Notes", max_length=500, required=False, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("given_by") == ConsentGivenBy.REPRESENTATIVE and not data.get("representative_name", "").strip():
            self.add_error("representative_name", "Enter the name of the person's representative")
        return data


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(
        label="Why is consent being withdrawn?",
        max_length=500,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why consent is being withdrawn",
            "max_length": "Keep the reason to 500 characters or fewer",
        },
    )
