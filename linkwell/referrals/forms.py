"""Validation of referral forms; forms only validate, services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing

from linkwell.accounts.models import Membership
from linkwell.forms import DateField
from linkwell.people.forms import PersonForm
from linkwell.people.models import ContactMethod

from .models import Need, RejectionReason, Urgency

MIN_SECONDS_TO_COMPLETE = 3
MAX_SECONDS_TO_COMPLETE = 60 * 60 * 4
_STARTED_SALT = "linkwell.referrals.self-referral-started"


class ReferralDetailsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label="Reasons for referral",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one reason for referral"},
    )
    reason_text = forms.CharField(
        label="In your own words, why are you referring them?",
        max_length=4000,
        widget=forms.Textarea,
        error_messages={
            "required": "Say in your own words why you are referring them",
            "max_length": "Keep this to 4,000 characters or fewer",
        },
    )
    what_matters = forms.CharField(
        label="What matters to the person, if you know",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="For example, getting back to the allotment, or seeing people again",
        error_messages={"max_length": "Keep this to 2,000 characters or fewer"},
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.ROUTINE,
        error_messages={"required": "Select how urgent the referral is"},
    )
    safeguarding_concern = forms.BooleanField(label="I have a safeguarding concern about this person", required=False)
    safeguarding_details = forms.CharField(
        label="Safeguarding concern",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="What the concern is and what has been done. Follow your own safeguarding procedure as well.",
    )
    consent_to_refer = forms.BooleanField(
        label="The person agrees to be referred to social prescribing",
        error_messages={"required": "The person must agree to be referred. Ask them before sending the referral"},
    )
    consent_to_share = forms.BooleanField(
        label="The person agrees that their details can be shared with the services they are connected to",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("safeguarding_concern") and not data.get("safeguarding_details", "").strip():
            self.add_error("safeguarding_details", "Describe the safeguarding concern")
        if not data.get("safeguarding_concern"):
            data["safeguarding_details"] = ""
        return data


class AcceptForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label="Link worker",
        queryset=Membership.objects.none(),
        empty_label="Choose a link worker",
        error_messages={
            "required": "Choose the link worker who will contact the person",
            "invalid_choice": "Choose a link worker from the list",
        },
    )
    note = forms.CharField(label="Note", max_length=4000, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, link_workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        field.queryset = link_workers  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: m.user.display_name  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is the referral not being accepted?",
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the referral is not being accepted"},
    )
    note = forms.CharField(
        label="Note for the referrer",
        max_length=4000,
        required=False,
        widget=forms.Textarea,
        help_text="The referrer sees this, so say what they could do instead",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == RejectionReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Explain the reason in the note")
        return data


SELF_CONTACT_CHOICES = [
    (ContactMethod.PHONE, "Phone call"),
    (ContactMethod.SMS, "Text message"),
    (ContactMethod.EMAIL, "Email"),
    (ContactMethod.LETTER, "Letter"),
]


def started_token() -> str:
    """A signed timestamp put in the form, to tell people from bots that submit instantly."""
    return signing.TimestampSigner(salt=_STARTED_SALT).sign("started")


class SelfReferralForm(forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter your first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter your last name"}
    )
    date_of_birth = DateField(
        label="Date of birth",
        past_only=True,
        help_text="For example, 15 3 1984",
        error_messages={"required": "Enter your date of birth"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter your postcode"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    phone = forms.CharField(
        label="Phone number", max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    email = forms.CharField(
        label="Email address", max_length=254, required=False, widget=forms.TextInput(attrs={"autocomplete": "email"})
    )
    preferred_contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=SELF_CONTACT_CHOICES,
        widget=forms.RadioSelect,
        initial=ContactMethod.PHONE,
        error_messages={"required": "Select how we should contact you"},
    )
    needs = forms.MultipleChoiceField(
        label="What would you like help with?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select at least one thing you would like help with"},
    )
    reason_text = forms.CharField(
        label="Tell us a little about what is going on",
        max_length=4000,
        widget=forms.Textarea,
        error_messages={
            "required": "Tell us a little about what is going on",
            "max_length": "Keep this to 4,000 characters or fewer",
        },
    )
    what_matters = forms.CharField(
        label="What matters to you?",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="For example, getting out more, meeting people, sorting out money worries",
        error_messages={"max_length": "Keep this to 2,000 characters or fewer"},
    )
    consent_to_refer = forms.BooleanField(
        label="I agree to be contacted by a link worker about getting support",
        error_messages={"required": "You need to agree to be contacted so that a link worker can help you"},
    )
    consent_to_share = forms.BooleanField(
        label="I agree that my details can be shared with the services I choose to be connected to",
        required=False,
    )
    # Spam protection: people never see or fill this field; bots that fill every input do.
    website = forms.CharField(label="Leave this empty", required=False)

    # PersonForm's cleaning of shared fields, so both forms accept and refuse the same postcodes and phones.
    clean_postcode = PersonForm.clean_postcode
    clean_phone = PersonForm.clean_phone
    clean_email = PersonForm.clean_email

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def _started_problem(self) -> str:
        """Why the form's start time is not acceptable, or "" when it is."""
        signer = signing.TimestampSigner(salt=_STARTED_SALT)
        value = str(self.data.get("started", ""))
        try:
            signer.unsign(value, max_age=MAX_SECONDS_TO_COMPLETE)
        except signing.BadSignature:  # also SignatureExpired: the form was left open for hours
            return "This form has expired. Check your answers and send it again"
        try:
            signer.unsign(value, max_age=MIN_SECONDS_TO_COMPLETE)
        except signing.SignatureExpired:
            return ""
        return "Please take a moment to check your answers, then send the form again"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problem = self._started_problem()
        if problem:
            self.add_error(None, problem)
        method = data.get("preferred_contact_method")
        if method in (ContactMethod.PHONE, ContactMethod.SMS) and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Enter a phone number, or choose another way for us to contact you")
        if method == ContactMethod.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter an email address, or choose another way for us to contact you")
        return data
