"""Creating referrals (referrer form, API, public self-referral) and auditing reads of them.

Status changes after creation live in lifecycle.py, the one state machine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Organisation, OrganisationKind, Scheme, User
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.people.models import Consent, ConsentGivenBy, ConsentMethod, ConsentScope, ContactMethod, Person
from linkwell.people.services import consent_record, person_create
from linkwell.places.postcodes import coordinates_for

from .models import (
    SOURCE_FOR_ORGANISATION_KIND,
    Channel,
    Need,
    Referral,
    ReferralEvent,
    Source,
    Status,
    Urgency,
)

# The account that public self-referrals are recorded under; it cannot sign in (no usable password).
INTAKE_EMAIL = "self-referral-form@system.linkwell.invalid"


class ConsentRequired(ValueError):
    """A referral needs the person's agreement to be referred."""


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different request."""

    def __init__(self, existing: Referral) -> None:
        super().__init__("This idempotency key was already used for a different referral")
        self.existing = existing


@dataclass(frozen=True)
class ReferralDetails:
    """What the referrer says about the referral (the PRSB "needs and concerns" group)."""

    needs: list[str]
    reason_text: str
    what_matters: str = ""
    urgency: str = Urgency.ROUTINE
    safeguarding: bool = False
    safeguarding_details: str = ""

    def validated(self) -> ReferralDetails:
        needs = list(dict.fromkeys(self.needs))
        unknown = [n for n in needs if n not in Need.values]
        if not needs or unknown:
            raise ValueError("Choose at least one reason for referral from the list")
        if not self.reason_text.strip():
            raise ValueError("Describe the reason for referral")
        if self.urgency not in Urgency.values:
            raise ValueError(f"Unknown urgency {self.urgency!r}")
        if self.safeguarding and not self.safeguarding_details.strip():
            raise ValueError("Describe the safeguarding concern")
        return ReferralDetails(
            needs=needs,
            reason_text=self.reason_text.strip(),
            what_matters=self.what_matters.strip(),
            urgency=self.urgency,
            safeguarding=self.safeguarding,
            safeguarding_details=self.safeguarding_details.strip() if self.safeguarding else "",
        )


def request_fingerprint(payload: Any) -> str:
    """A stable hash of a request body, to tell a repeat from a different request under the same key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def source_for(organisation: Organisation) -> str:
    return str(SOURCE_FOR_ORGANISATION_KIND.get(organisation.kind, Source.OTHER))


def _replay(existing: Referral, fingerprint: str) -> Referral:
    if fingerprint and existing.request_fingerprint and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict(existing)
    return existing


def _new_referral(
    *,
    scheme_id: int,
    person: Person,
    details: ReferralDetails,
    source: str,
    channel: str,
    organisation: Organisation | None,
    user: User | None,
    referrer_name: str,
    idempotency_key: str,
    fingerprint: str,
) -> Referral:
    now = timezone.now()
    referral = Referral(
        scheme_id=scheme_id,
        person=person,
        source=source,
        channel=channel,
        referring_organisation=organisation,
        referred_by=user,
        referrer_name=referrer_name[:200],
        needs=details.needs,
        reason_text=details.reason_text,
        what_matters=details.what_matters,
        urgency=details.urgency,
        safeguarding_concern=details.safeguarding,
        safeguarding_details=details.safeguarding_details,
        received_at=now,
        status=Status.RECEIVED,
        status_changed_at=now,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
    )
    referral.full_clean(
        exclude=["person", "scheme", "referring_organisation", "referred_by"], validate_constraints=False
    )
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        at=now,
        actor=user,
        actor_organisation=organisation,
        actor_role="",
        actor_label=referrer_name[:254],
        from_status="",
        to_status=Status.RECEIVED,
    )
    return referral


class PersonMismatch(ValueError):
    """The NHS number sent belongs to a recorded person with a different date of birth."""


def person_for_referral(*, actor: Membership, values: dict[str, Any]) -> Person:
    """The scheme's record of this person (same NHS number, else same name, birth date and postcode), or a new one."""
    in_scheme = Person.objects.filter(scheme_id=actor.organisation.scheme_id)
    nhs_number = values.get("nhs_number") or ""
    if nhs_number:
        by_number = in_scheme.filter(nhs_number=nhs_number).first()
        if by_number is not None:
            if by_number.date_of_birth != values["date_of_birth"]:
                raise PersonMismatch("This NHS number is recorded with a different date of birth")
            return by_number
    same = (
        in_scheme.filter(
            given_name__iexact=values["given_name"].strip(),
            family_name__iexact=values["family_name"].strip(),
            date_of_birth=values["date_of_birth"],
            postcode=values["postcode"],
        )
        .order_by("pk")
        .first()
    )
    if same is not None:
        return same
    return person_create(actor=actor, values=values)


def referral_create(
    *,
    actor: Membership,
    person: Person,
    needs: list[str],
    reason_text: str,
    what_matters: str = "",
    urgency: str = Urgency.ROUTINE,
    safeguarding: bool = False,
    safeguarding_details: str = "",
    consent_to_refer: bool,
    consent_to_share: bool,
    idempotency_key: str = "",
    channel: str = Channel.FORM,
    fingerprint: str = "",
) -> Referral:
    """Send a referral for a person from the actor's organisation; a repeated idempotency key returns the first."""
    require(actor, Capability.REFERRAL_CREATE)
    if person.scheme_id != actor.organisation.scheme_id:
        raise ValueError("The person belongs to another scheme")
    if not consent_to_refer:
        raise ConsentRequired("A referral needs the person's agreement to be referred")
    details = ReferralDetails(
        needs=needs,
        reason_text=reason_text,
        what_matters=what_matters,
        urgency=urgency,
        safeguarding=safeguarding,
        safeguarding_details=safeguarding_details,
    ).validated()
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    key = idempotency_key.strip()[:100]
    if key:
        existing = Referral.objects.filter(referring_organisation=actor.organisation, idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            consent_record(
                actor=actor,
                person=person,
                scope=ConsentScope.REFER,
                granted=True,
                method=ConsentMethod.VIA_REFERRER,
                given_by=ConsentGivenBy.PERSON,
            )
            consent_record(
                actor=actor,
                person=person,
                scope=ConsentScope.SHARE_WITH_PROVIDERS,
                granted=consent_to_share,
                method=ConsentMethod.VIA_REFERRER,
                given_by=ConsentGivenBy.PERSON,
            )
            referral = _new_referral(
                scheme_id=actor.organisation.scheme_id,
                person=person,
                details=details,
                source=source_for(actor.organisation),
                channel=channel,
                organisation=actor.organisation,
                user=actor.user,
                referrer_name=actor.user.display_name,
                idempotency_key=key,
                fingerprint=fingerprint,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=referral,
                person_id=person.pk,
                summary=f"Referral sent ({channel}){' – urgent' if details.urgency == Urgency.URGENT else ''}",
            )
    except IntegrityError:
        # A concurrent repeat of the same request won the race: hand back its referral.
        winner = Referral.objects.filter(referring_organisation=actor.organisation, idempotency_key=key).first()
        if key and winner is not None:
            return _replay(winner, fingerprint)
        raise
    return referral


def intake_user() -> User:
    """The non-login account public self-referrals are attributed to."""
    user, created = User.objects.get_or_create(
        email=INTAKE_EMAIL, defaults={"first_name": "Online", "last_name": "self-referral form"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def intake_organisation(scheme: Scheme) -> Organisation | None:
    """The scheme's link worker service, which receives self-referrals; None if it has none."""
    return (
        Organisation.objects.filter(scheme=scheme, kind=OrganisationKind.LINK_WORKER_SERVICE, is_active=True)
        .order_by("pk")
        .first()
    )


def self_referral_create(
    *,
    scheme: Scheme,
    person_values: dict[str, Any],
    needs: list[str],
    reason_text: str,
    what_matters: str = "",
    consent_to_share: bool,
    idempotency_key: str,
    request: HttpRequest | None = None,
) -> Referral:
    """Record a resident's own referral from the public form, adding or linking their record."""
    organisation = intake_organisation(scheme)
    if organisation is None:
        raise ValueError("This scheme does not take self-referrals")
    details = ReferralDetails(needs=needs, reason_text=reason_text, what_matters=what_matters).validated()
    key = idempotency_key.strip()[:100]
    if key:
        existing = Referral.objects.filter(
            scheme=scheme, referring_organisation__isnull=True, idempotency_key=key
        ).first()
        if existing is not None:
            return existing
    user = intake_user()
    try:
        with transaction.atomic():
            person = _find_or_add_self_referrer(scheme=scheme, values=person_values, user=user)
            now = timezone.now()
            for scope, granted in ((ConsentScope.REFER, True), (ConsentScope.SHARE_WITH_PROVIDERS, consent_to_share)):
                consent = Consent(
                    person=person,
                    scope=scope,
                    granted=granted,
                    method=ConsentMethod.ELECTRONIC,
                    given_by=ConsentGivenBy.PERSON,
                    recorded_at=now,
                    recorded_by=user,
                    recorded_by_organisation=organisation,
                )
                consent.full_clean(exclude=["creation_key"])
                consent.save()
            referral = _new_referral(
                scheme_id=scheme.pk,
                person=person,
                details=details,
                source=Source.SELF,
                channel=Channel.SELF_FORM,
                organisation=None,
                user=None,
                referrer_name="Self-referral",
                idempotency_key=key,
                fingerprint="",
            )
            audit_record(
                actor=None,
                user=user,
                scheme=scheme,
                action=AuditAction.CREATE,
                obj=referral,
                person_id=person.pk,
                summary="Self-referral received from the public form",
                request=request,
            )
    except IntegrityError:
        winner = Referral.objects.filter(
            scheme=scheme, referring_organisation__isnull=True, idempotency_key=key
        ).first()
        if key and winner is not None:
            return winner
        raise
    return referral


SELF_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "preferred_contact_method",
)


def _find_or_add_self_referrer(*, scheme: Scheme, values: dict[str, Any], user: User) -> Person:
    """The person's existing record when name, date of birth and postcode all match; otherwise a new one."""
    match = (
        Person.objects.filter(
            scheme=scheme,
            given_name__iexact=values["given_name"].strip(),
            family_name__iexact=values["family_name"].strip(),
            date_of_birth=values["date_of_birth"],
            postcode=values["postcode"],
        )
        .order_by("pk")
        .first()
    )
    if match is not None:
        return match
    person = Person(scheme=scheme, created_by=user, created_by_organisation=None)
    for name in SELF_PERSON_FIELDS:
        setattr(
            person,
            name,
            values.get(name, "") if name != "preferred_contact_method" else values.get(name) or ContactMethod.PHONE,
        )
    person.given_name = person.given_name.strip()
    person.family_name = person.family_name.strip()
    coords = coordinates_for(person.postcode)
    person.latitude, person.longitude = coords if coords else (None, None)
    person.full_clean(exclude=["creation_key"])
    person.save()
    audit_record(
        actor=None,
        user=user,
        scheme=scheme,
        action=AuditAction.CREATE,
        obj=person,
        person_id=person.pk,
        summary=f"Added {person.full_name} from a self-referral",
    )
    return person


def referral_viewed(*, actor: Membership, referral: Referral, request: HttpRequest | None = None) -> None:
    """Audit a read of a referral (it carries the person's personal data)."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=referral,
        person_id=referral.person_id,
        summary="Viewed referral",
        request=request,
    )
