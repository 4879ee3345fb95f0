"""Request and response shapes of the referral API (they are the OpenAPI schema at /api/docs)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from linkwell.people.models import ContactMethod
from linkwell.referrals.models import Need, Urgency


class PersonIn(Schema):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date
    nhs_number: str = Field("", max_length=14, description="10 digits; spaces allowed")
    postcode: str = Field(min_length=5, max_length=10)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    preferred_contact_method: ContactMethod = ContactMethod.PHONE


class ReferralIn(Schema):
    person: PersonIn
    needs: list[Need] = Field(min_length=1, description="Reasons for referral")
    reason_text: str = Field(min_length=1, max_length=4000, description="The referrer's own words")
    what_matters: str = Field("", max_length=2000)
    urgency: Urgency = Urgency.ROUTINE
    safeguarding_concern: bool = False
    safeguarding_details: str = Field("", max_length=2000)
    consent_to_refer: bool = Field(description="The person agrees to be referred; must be true")
    consent_to_share: bool = False


class PersonOut(Schema):
    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str


class EventOut(Schema):
    at: dt.datetime
    from_status: str | None
    to_status: str
    reason: str
    note: str


class ReferralOut(Schema):
    id: uuid.UUID
    status: str
    status_label: str
    received_at: dt.datetime
    status_changed_at: dt.datetime
    source: str
    channel: str
    urgency: str
    needs: list[str]
    person: PersonOut
    events: list[EventOut]


class ReferralSummaryOut(Schema):
    id: uuid.UUID
    status: str
    status_label: str
    received_at: dt.datetime
    status_changed_at: dt.datetime
    urgency: str


class ReferralPageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[ReferralSummaryOut]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorDetail
