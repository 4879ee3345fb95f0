"""Validation for sign-in, organisation switching and scheme settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from .models import AuditAction, Scheme


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your scheme manager.",
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).lower()


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    pass


class SwitchOrganisationForm(forms.Form):
    membership = forms.TypedChoiceField(
        label="Which organisation are you working for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation you are working for"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = choices  # type: ignore[attr-defined]


class SchemeSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Scheme
        fields = [
            "name",
            "area_description",
            "default_prescription_weeks",
            "provider_response_working_days",
            "contact_attempts_limit",
            "contact_attempts_window_days",
            "listing_verify_months",
            "provider_edits_need_moderation",
            "allow_direct_booking",
        ]
        labels = {
            "name": "Scheme name",
            "area_description": "Area served",
            "default_prescription_weeks": "Default prescription length (weeks)",
            "provider_response_working_days": "Working days a provider has to answer a referral",
            "contact_attempts_limit": "Contact attempts before closing as could not contact",
            "contact_attempts_window_days": "Over how many days",
            "listing_verify_months": "Months before a directory listing must be checked again",
            "provider_edits_need_moderation": "Provider changes to listings wait for moderation",
            "allow_direct_booking": "Referrers may book directly into services that accept it",
        }
        error_messages = {
            name: {
                "min_value": "Enter a number of %(limit_value)s or more",
                "max_value": "Enter a number of %(limit_value)s or less",
                "invalid": "Enter a whole number",
                "required": "Enter a value",
            }
            for name in (
                "default_prescription_weeks",
                "provider_response_working_days",
                "contact_attempts_limit",
                "contact_attempts_window_days",
                "listing_verify_months",
            )
        }
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric"})
            for name in (
                "default_prescription_weeks",
                "provider_response_working_days",
                "contact_attempts_limit",
                "contact_attempts_window_days",
                "listing_verify_months",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the scheme's name"


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices])
    person = forms.IntegerField(label="Person record number", required=False, min_value=1)
    actor = forms.CharField(label="User's email contains", required=False, max_length=254)
