"""Every write to people and consent: one transaction, one audit row, no half-writes."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, OrganisationKind
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record, field_changes
from linkwell.places.postcodes import coordinates_for

from .models import Consent, ConsentScope, Person

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "preferred_contact_method",
    "interpreter_needed",
    "language",
    "sex",
    "ethnic_category",
    "long_term_conditions",
    "registered_practice",
]


class DuplicateNhsNumber(Exception):
    """A person with this NHS number is already in the scheme."""

    def __init__(self, existing: Person) -> None:
        super().__init__("A person with this NHS number is already recorded in this scheme")
        self.existing = existing


@dataclass(frozen=True)
class DuplicateCheck:
    """Possible duplicates: those the user may open, and how many more exist that they may not see."""

    visible: list[Person]
    hidden_count: int

    @property
    def found(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


def find_possible_duplicates(
    *,
    actor: Membership,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
) -> DuplicateCheck:
    """People in the scheme who may be the same person: same NHS number, or same name, birth date and postcode."""
    match = Q(pk__in=[])
    if nhs_number:
        match |= Q(nhs_number=nhs_number)
    if given_name and family_name and date_of_birth and postcode:
        match |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
            postcode=postcode,
        )
    candidates = Person.objects.filter(match, scheme_id=actor.organisation.scheme_id)
    visible = list(Person.objects.visible_to(actor).filter(pk__in=candidates.values("pk"))[:10])
    hidden_count = candidates.exclude(pk__in=[p.pk for p in visible]).count()
    return DuplicateCheck(visible=visible, hidden_count=hidden_count)


def _apply(person: Person, values: dict[str, Any]) -> None:
    for name in PERSON_FIELDS:
        if name in values:
            setattr(person, name, values[name])
    if "postcode" in values:
        coords = coordinates_for(person.postcode)
        person.latitude, person.longitude = coords if coords else (None, None)


def _check_practice(actor: Membership, values: dict[str, Any]) -> None:
    practice = values.get("registered_practice")
    if practice is not None and (
        practice.scheme_id != actor.organisation.scheme_id or practice.kind != OrganisationKind.GP_PRACTICE
    ):
        raise ValueError("The registered practice must be a GP practice in this scheme")


def person_create(*, actor: Membership, values: dict[str, Any], creation_key: uuid.UUID | None = None) -> Person:
    """Add a person to the actor's scheme; a repeated creation key returns the first record."""
    require(actor, Capability.PERSON_CREATE)
    _check_practice(actor, values)
    if creation_key is not None:
        existing = Person.objects.visible_to(actor).filter(creation_key=creation_key).first()
        if existing is not None:
            return existing
    nhs_number = values.get("nhs_number") or ""
    if nhs_number:
        clash = Person.objects.filter(scheme_id=actor.organisation.scheme_id, nhs_number=nhs_number).first()
        if clash is not None:
            raise DuplicateNhsNumber(clash)
    person = Person(
        scheme_id=actor.organisation.scheme_id,
        created_by=actor.user,
        created_by_organisation=actor.organisation,
        creation_key=creation_key,
    )
    _apply(person, values)
    person.full_clean(exclude=["creation_key"])
    try:
        with transaction.atomic():
            person.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=person,
                person_id=person.pk,
                summary=f"Added {person.full_name}",
            )
    except IntegrityError:
        # A concurrent double-submit won the race: hand back its record.
        if creation_key is not None:
            winner = Person.objects.filter(creation_key=creation_key).first()
            if winner is not None:
                return winner
        raise
    return person


def person_update(*, actor: Membership, person: Person, values: dict[str, Any]) -> Person:
    """Change a person's details and audit each changed field (old and new value)."""
    require(actor, Capability.PERSON_EDIT)
    _check_practice(actor, values)
    nhs_number = values.get("nhs_number") or ""
    if nhs_number and nhs_number != person.nhs_number:
        clash = Person.objects.filter(scheme_id=person.scheme_id, nhs_number=nhs_number).exclude(pk=person.pk).first()
        if clash is not None:
            raise DuplicateNhsNumber(clash)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        before = {name: getattr(locked, name) for name in PERSON_FIELDS}
        _apply(locked, values)
        locked.full_clean(exclude=["creation_key"])
        changes = field_changes(before, {name: getattr(locked, name) for name in PERSON_FIELDS})
        if changes:
            locked.save()
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=locked,
                person_id=locked.pk,
                summary=f"Changed {', '.join(sorted(changes))}",
                changes=changes,
            )
    return locked


def person_record_viewed(*, actor: Membership, person: Person, request: HttpRequest | None = None) -> None:
    """Audit a read of a person's record."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=person,
        person_id=person.pk,
        summary="Viewed record",
        request=request,
    )


def people_searched(*, actor: Membership, query: str, results: int) -> None:
    """Audit a search of people (the words searched, and how many records were shown)."""
    audit_record(actor=actor, action=AuditAction.SEARCH, summary=f"Searched people: {query[:80]!r} ({results} shown)")


def consent_record(
    *,
    actor: Membership,
    person: Person,
    scope: str,
    granted: bool,
    method: str,
    given_by: str,
    representative_name: str = "",
    notes: str = "",
    creation_key: uuid.UUID | None = None,
) -> Consent:
    """Record a consent decision for one scope; a repeated creation key returns the first record."""
    require(actor, Capability.CONSENT_RECORD)
    if scope not in ConsentScope.values:
        raise ValueError(f"Unknown consent scope {scope!r}")
    if creation_key is not None:
        existing = Consent.objects.filter(creation_key=creation_key, person=person).first()
        if existing is not None:
            return existing
    consent = Consent(
        person=person,
        scope=scope,
        granted=granted,
        method=method,
        given_by=given_by,
        representative_name=representative_name,
        notes=notes,
        recorded_by=actor.user,
        recorded_by_organisation=actor.organisation,
        creation_key=creation_key,
    )
    consent.full_clean(exclude=["creation_key"])
    with transaction.atomic():
        consent.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=consent,
            person_id=person.pk,
            summary=f"Consent {'given' if granted else 'refused'}: {consent.get_scope_display()}",
        )
    return consent


class ConsentAlreadyWithdrawn(Exception):
    pass


def consent_withdraw(*, actor: Membership, consent: Consent, reason: str) -> Consent:
    """Withdraw a consent that is in force; the record stays, marked withdrawn, with who, when and why."""
    require(actor, Capability.CONSENT_RECORD)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not locked.is_in_force:
            raise ConsentAlreadyWithdrawn("This consent is not in force, so it cannot be withdrawn")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor.user
        locked.withdrawal_reason = reason
        locked.full_clean(exclude=["creation_key"])
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.WITHDRAW,
            obj=locked,
            person_id=locked.person_id,
            summary=f"Consent withdrawn: {locked.get_scope_display()}",
            changes={"reason": reason},
        )
    return locked
