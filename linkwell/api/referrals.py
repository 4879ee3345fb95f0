"""Referral endpoints: create one (idempotently) and read its status and events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router
from ninja import Status as Reply

from linkwell.accounts.models import Membership
from linkwell.people.models import ContactMethod, Person
from linkwell.people.validators import normalise_nhs_number
from linkwell.places.postcodes import normalise_postcode
from linkwell.referrals import services
from linkwell.referrals.models import Channel, Referral, Status
from linkwell.referrals.policies import get_referral_by_uid_for, referrals_for

from .errors import ApiError
from .models import ApiToken
from .schemas import ErrorOut, PersonIn, ReferralIn, ReferralOut, ReferralPageOut

router = Router(tags=["referrals"])


def _membership(request: HttpRequest) -> Membership:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.membership


def referral_out(referral: Referral) -> dict[str, Any]:
    person = referral.person
    return {
        "id": referral.uid,
        "status": referral.status,
        "status_label": Status(referral.status).label,
        "received_at": referral.received_at,
        "status_changed_at": referral.status_changed_at,
        "source": referral.source,
        "channel": referral.channel,
        "urgency": referral.urgency,
        "needs": referral.needs,
        "person": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "nhs_number": person.nhs_number,
        },
        "events": [
            {
                "at": e.at,
                "from_status": e.from_status or None,
                "to_status": e.to_status,
                "reason": e.reason,
                "note": e.note,
            }
            for e in referral.events.order_by("at", "id")
        ],
    }


def _clean_person(data: PersonIn) -> dict[str, Any]:
    """Validate what pydantic cannot check alone (NHS number checksum, live postcode, contact details)."""
    fields: dict[str, list[str]] = {}
    values = data.dict()
    for name, clean in (("nhs_number", normalise_nhs_number), ("postcode", normalise_postcode)):
        raw = values[name].strip()
        if not raw:
            continue
        try:
            values[name] = clean(raw)
        except DjangoValidationError as error:
            fields[f"person.{name}"] = list(error.messages)
    values["given_name"] = values["given_name"].strip()
    values["family_name"] = values["family_name"].strip()
    method = values["preferred_contact_method"]
    if method in (ContactMethod.PHONE, ContactMethod.SMS) and not values["phone"].strip():
        fields["person.phone"] = ["Give a phone number, or another preferred_contact_method"]
    if method == ContactMethod.EMAIL and not values["email"].strip():
        fields["person.email"] = ["Give an email address, or another preferred_contact_method"]
    if fields:
        raise ApiError(422, "invalid", "Some of the values sent are not valid", fields)
    return values


def _person_for(membership: Membership, values: dict[str, Any]) -> Person:
    try:
        return services.person_for_referral(actor=membership, values=values)
    except services.PersonMismatch as error:
        raise ApiError(422, "person_mismatch", str(error), {"person.nhs_number": [str(error)]}) from None


@router.post(
    "/referrals",
    response={201: ReferralOut, 400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Send a referral",
    description=(
        "Creates a referral from the token's organisation. Send a unique `Idempotency-Key` header per referral: "
        "repeating a request with the same key and body returns the original referral (and the header "
        "`Idempotent-Replayed: true`) instead of creating another; the same key with a different body is refused "
        "with 409."
    ),
)
def create_referral(
    request: HttpRequest,
    response: HttpResponse,
    payload: ReferralIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # type: ignore[assignment]
) -> Reply[dict[str, Any]]:
    membership = _membership(request)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ApiError(
            400,
            "idempotency_key_required",
            "Send an Idempotency-Key header of 1 to 100 characters, unique per referral",
            {"Idempotency-Key": ["Required, at most 100 characters"]},
        )
    fingerprint = services.request_fingerprint(payload.dict())
    existing = referrals_for(membership).filter(idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise ApiError(409, "idempotency_key_reused", "This Idempotency-Key was already used for a different referral")
    if existing is None:
        if not payload.consent_to_refer:
            raise ApiError(
                422,
                "consent_required",
                "A referral needs the person's agreement to be referred",
                {"consent_to_refer": ["Must be true"]},
            )
        if payload.safeguarding_concern and not payload.safeguarding_details.strip():
            raise ApiError(
                422,
                "invalid",
                "Describe the safeguarding concern",
                {"safeguarding_details": ["Required when safeguarding_concern is true"]},
            )
        person = _person_for(membership, _clean_person(payload.person))
        try:
            referral = services.referral_create(
                actor=membership,
                person=person,
                needs=[str(n) for n in payload.needs],
                reason_text=payload.reason_text,
                what_matters=payload.what_matters,
                urgency=payload.urgency,
                safeguarding=payload.safeguarding_concern,
                safeguarding_details=payload.safeguarding_details,
                consent_to_refer=payload.consent_to_refer,
                consent_to_share=payload.consent_to_share,
                idempotency_key=key,
                channel=Channel.API,
                fingerprint=fingerprint,
            )
        except services.IdempotencyConflict:
            raise ApiError(
                409, "idempotency_key_reused", "This Idempotency-Key was already used for a different referral"
            ) from None
        except ValueError as error:
            raise ApiError(422, "invalid", str(error)) from None
    else:
        referral = existing
        response["Idempotent-Replayed"] = "true"
    response["Location"] = f"/api/v1/referrals/{referral.uid}"
    return Reply(201, referral_out(referral))


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Read a referral's status and events",
)
def read_referral(request: HttpRequest, referral_id: uuid.UUID) -> dict[str, Any]:
    membership = _membership(request)
    referral = get_referral_by_uid_for(membership, referral_id)
    return referral_out(referral)


@router.get(
    "/referrals",
    response={200: ReferralPageOut, 401: ErrorOut, 422: ErrorOut},
    summary="List the organisation's referrals",
    description=(
        "Every referral the token's organisation has made, most recently changed first. Poll with "
        "`changed_since` to pick up status changes."
    ),
)
def list_referrals(
    request: HttpRequest,
    status: Status | None = None,
    changed_since: dt.datetime | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    referrals = referrals_for(_membership(request)).order_by("-status_changed_at", "-id")
    if status is not None:
        referrals = referrals.filter(status=status)
    if changed_since is not None:
        referrals = referrals.filter(status_changed_at__gt=changed_since)
    rows = referrals.values("uid", "status", "received_at", "status_changed_at", "urgency")[offset : offset + limit]
    return {
        "total": referrals.count(),
        "limit": limit,
        "offset": offset,
        "items": [
            {
                "id": row["uid"],
                "status": row["status"],
                "status_label": Status(row["status"]).label,
                "received_at": row["received_at"],
                "status_changed_at": row["status_changed_at"],
                "urgency": row["urgency"],
            }
            for row in rows
        ],
    }
