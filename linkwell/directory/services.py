"""Writes for the directory: provider upkeep, moderation, verification, capacity and problem reports.

Every change to a service is kept as a ServiceVersion (who, when, what). When a scheme asks for moderation,
a provider's edit is stored as a pending version and applied only when a scheme manager approves it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Organisation, User
from linkwell.accounts.policies import Capability, can, require
from linkwell.accounts.services import audit_record, field_changes

from .models import (
    Address,
    Attribute,
    Frequency,
    Location,
    LocationType,
    Organization,
    Phone,
    ProblemKind,
    ProblemReport,
    ProblemStatus,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceVersion,
    Taxonomy,
    TaxonomyTerm,
    VersionSource,
    VersionStatus,
)
from .vocabulary import VOCABULARIES

# Scalar fields a provider or moderator may change through upkeep.
SERVICE_EDITABLE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "application_process",
    "fees",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
    "accepts_direct_referrals",
)
# Fields only a scheme manager or admin may set.
MANAGER_ONLY_FIELDS = ("is_accredited", "accreditations", "provider_id")
# Structured parts an edit may replace: "terms" (term pks), "phone" (a number), "schedules" (list of dicts),
# "location" (dict: name, address_1, city, postal_code, latitude, longitude).
STRUCTURED_KEYS = ("terms", "phone", "schedules", "location")
SCHEDULE_FIELDS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "description",
    "valid_from",
    "valid_to",
    "attending_type",
    "notes",
)


def taxonomy_seed_linkwell() -> int:
    """Create or refresh Linkwell's shared taxonomies (five ways, categories, needs); returns the term count."""
    count = 0
    with transaction.atomic():
        for vocabulary in VOCABULARIES:
            taxonomy, _ = Taxonomy.objects.update_or_create(
                scheme=None,
                hsds_id=vocabulary.hsds_id,
                defaults={
                    "name": vocabulary.name,
                    "description": vocabulary.description,
                    "uri": vocabulary.uri,
                    "version": "1",
                },
            )
            for term in vocabulary.terms:
                TaxonomyTerm.objects.update_or_create(
                    scheme=None,
                    hsds_id=vocabulary.term_hsds_id(term.code),
                    defaults={
                        "taxonomy": taxonomy,
                        "code": term.code,
                        "name": term.name,
                        "description": term.description,
                        "term_uri": vocabulary.term_uri(term.code),
                        "kind": vocabulary.kind,
                        "language": "en",
                    },
                )
                count += 1
    return count


def _may_edit(actor: Membership, service: Service) -> bool:
    if service.scheme_id != actor.organisation.scheme_id:
        return False
    if can(actor, Capability.DIRECTORY_MANAGE):
        return True
    return can(actor, Capability.DIRECTORY_EDIT_OWN) and service.provider_id == actor.organisation_id


def require_may_edit(actor: Membership, service: Service) -> None:
    """Raise PermissionDenied unless the actor keeps this listing or manages the scheme's directory."""
    if not _may_edit(actor, service):
        raise PermissionDenied("You cannot change this listing")


def _snapshot(service: Service) -> dict[str, Any]:
    # Imported lazily: interop sits above directory in the dependency picture, and only the version
    # snapshot needs its shape.
    from linkwell.interop.openreferral.mapping import service_to_oruk

    fresh = Service.objects.with_details().get(pk=service.pk)
    return service_to_oruk(fresh)


def _next_number(service: Service) -> int:
    current = ServiceVersion.objects.filter(service=service).aggregate(top=Max("number"))["top"]
    return (current or 0) + 1


def _record_version(
    *,
    service: Service,
    actor: Membership | None,
    source: VersionSource,
    status: VersionStatus,
    changes: dict[str, Any],
    note: str = "",
    snapshot: dict[str, Any] | None = None,
) -> ServiceVersion:
    return ServiceVersion.objects.create(
        service=service,
        number=_next_number(service),
        created_by=actor.user if actor else None,
        created_by_organisation=actor.organisation if actor else None,
        source=source,
        status=status,
        changes=changes,
        snapshot=snapshot if snapshot is not None else _snapshot(service),
        note=note,
    )


def _clean_values(actor: Membership, values: Mapping[str, Any]) -> dict[str, Any]:
    allowed = set(SERVICE_EDITABLE_FIELDS) | set(STRUCTURED_KEYS)
    if can(actor, Capability.DIRECTORY_MANAGE):
        allowed |= set(MANAGER_ONLY_FIELDS)
    unknown = set(values) - allowed
    if unknown:
        raise PermissionDenied(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")
    return dict(values)


def _current_structured(service: Service) -> dict[str, Any]:
    phone = service.phones.order_by("id").first()
    location = Location.objects.filter(service_at_locations__service=service).order_by("id").first()
    address = location.addresses.order_by("id").first() if location else None
    return {
        "terms": sorted(service.attributes.values_list("taxonomy_term_id", flat=True)),
        "phone": phone.number if phone else "",
        "schedules": [
            {name: _plain(getattr(schedule, name)) for name in SCHEDULE_FIELDS}
            for schedule in service.schedules.order_by("id")
        ],
        "location": {
            "name": location.name if location else "",
            "address_1": address.address_1 if address else "",
            "city": address.city if address else "",
            "postal_code": address.postal_code if address else "",
            "latitude": location.latitude if location else None,
            "longitude": location.longitude if location else None,
        },
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _apply(service: Service, values: Mapping[str, Any]) -> dict[str, Any]:
    """Apply scalar and structured values to the service; returns {field: [old, new]} of what changed."""
    scalars = {name: value for name, value in values.items() if name not in STRUCTURED_KEYS}
    before = {name: getattr(service, name) for name in scalars}
    for name, value in scalars.items():
        setattr(service, name, value)
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    changes = field_changes(before, scalars)
    structured = {key: values[key] for key in STRUCTURED_KEYS if key in values}
    if structured:
        old = _current_structured(service)
        if "terms" in structured:
            _replace_terms(service, structured["terms"])
        if "phone" in structured:
            _replace_phone(service, structured["phone"])
        if "schedules" in structured:
            _replace_schedules(service, structured["schedules"])
        if "location" in structured:
            _replace_location(service, structured["location"])
        new = _current_structured(service)
        changes.update({key: [old[key], new[key]] for key in structured if old[key] != new[key]})
    return changes


def _replace_terms(service: Service, terms: Iterable[TaxonomyTerm | int]) -> None:
    ids = [term.pk if isinstance(term, TaxonomyTerm) else int(term) for term in terms]
    found = TaxonomyTerm.objects.available_to(service.scheme_id).filter(pk__in=ids)
    if found.count() != len(set(ids)):
        raise ValidationError({"terms": "Choose categories from the list"})
    service.attributes.all().delete()
    Attribute.objects.bulk_create(Attribute(service=service, taxonomy_term=term) for term in found)


def _replace_phone(service: Service, number: str) -> None:
    number = (number or "").strip()
    phone = service.phones.order_by("id").first()
    if not number:
        if phone:
            phone.delete()
        return
    if phone:
        phone.number = number
        phone.save(update_fields=["number"])
    else:
        Phone.objects.create(service=service, number=number)


def _replace_schedules(service: Service, schedules: Iterable[Mapping[str, Any]]) -> None:
    service.schedules.all().delete()
    for row in schedules:
        unknown = set(row) - set(SCHEDULE_FIELDS)
        if unknown:
            raise ValidationError({"schedules": f"Unknown schedule fields: {', '.join(sorted(unknown))}"})
        schedule = Schedule(
            service=service, freq=row.get("freq") or Frequency.WEEKLY, interval=row.get("interval") or 1
        )
        for name in SCHEDULE_FIELDS:
            if name in row and name not in ("freq", "interval"):
                setattr(schedule, name, row[name] if row[name] is not None else _blank_for(Schedule, name))
        schedule.full_clean(exclude=["service", "service_at_location"])
        schedule.save()


def _blank_for(model: type[Any], name: str) -> Any:
    field = model._meta.get_field(name)
    return None if field.null else ""


def _replace_location(service: Service, data: Mapping[str, Any]) -> None:
    from linkwell.places.postcodes import postcode_shape

    link = service.service_at_locations.select_related("location").order_by("id").first()
    if link is None:
        location = Location.objects.create(
            scheme_id=service.scheme_id, organization=service.organization, location_type=LocationType.PHYSICAL
        )
        ServiceAtLocation.objects.create(scheme_id=service.scheme_id, service=service, location=location)
    else:
        location = link.location
    location.name = data.get("name") or ""
    location.latitude = data.get("latitude")
    location.longitude = data.get("longitude")
    postal_code = (data.get("postal_code") or "").strip()
    location.postcode = postcode_shape(postal_code) or ""
    location.save()
    address = location.addresses.order_by("id").first() or Address(location=location, country="GB", state_province="")
    address.address_1 = data.get("address_1") or ""
    address.city = data.get("city") or ""
    address.postal_code = location.postcode or postal_code
    if address.address_1 or address.city or address.postal_code:
        address.save()
    elif address.pk:
        address.delete()


def service_create(
    *,
    actor: Membership,
    values: Mapping[str, Any],
    provider: Organisation | None = None,
    organization: Organization | None = None,
    creation_key: uuid.UUID | None = None,
) -> Service:
    """Add a listing to the actor's scheme; a provider's new listing is its own and starts verified."""
    if can(actor, Capability.DIRECTORY_MANAGE):
        owner = provider
    else:
        require(actor, Capability.DIRECTORY_EDIT_OWN)
        owner = actor.organisation
    if owner is not None and owner.scheme_id != actor.organisation.scheme_id:
        raise PermissionDenied("That organisation is in another scheme")
    values = _clean_values(actor, values)
    if creation_key is not None:
        existing = (
            ServiceVersion.objects.filter(
                service__scheme_id=actor.organisation.scheme_id, note=f"creation:{creation_key}"
            )
            .select_related("service")
            .first()
        )
        if existing is not None:
            return existing.service
    with transaction.atomic():
        now = timezone.now()
        service = Service(
            scheme_id=actor.organisation.scheme_id,
            provider=owner,
            organization=organization,
            name=values.get("name", ""),
            last_verified_at=now,
            last_verified_by=actor.user,
            created_at=now,
        )
        changes = _apply(service, values)
        _record_version(
            service=service,
            actor=actor,
            source=VersionSource.MODERATOR if can(actor, Capability.DIRECTORY_MANAGE) else VersionSource.PROVIDER,
            status=VersionStatus.APPLIED,
            changes=changes,
            note=f"creation:{creation_key}" if creation_key else "",
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=service, summary=f"Listing added: {service.name}")
    return service


def service_update(*, actor: Membership, service: Service, values: Mapping[str, Any], note: str = "") -> ServiceVersion:
    """Change a listing: live at once, or waiting for moderation when the scheme asks for it."""
    require_may_edit(actor, service)
    values = _clean_values(actor, values)
    moderated = service.scheme.provider_edits_need_moderation and not can(actor, Capability.DIRECTORY_MANAGE)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if moderated:
            # Validate now so the provider hears about mistakes, but roll the trial back.
            proposed = _jsonable_values(values)
            sid = transaction.savepoint_create()
            try:
                _apply(locked, values)
                proposed_snapshot = _snapshot(locked)
            finally:
                transaction.savepoint_rollback(sid)
            locked.refresh_from_db()
            version = _record_version(
                service=locked,
                actor=actor,
                source=VersionSource.PROVIDER,
                status=VersionStatus.PENDING,
                changes=proposed,
                note=note,
                snapshot=proposed_snapshot,
            )
            summary = "Listing change sent for moderation"
        else:
            changes = _apply(locked, values)
            version = _record_version(
                service=locked,
                actor=actor,
                source=VersionSource.MODERATOR if can(actor, Capability.DIRECTORY_MANAGE) else VersionSource.PROVIDER,
                status=VersionStatus.APPLIED,
                changes=changes,
                note=note,
            )
            summary = "Listing changed"
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"{summary}: {locked.name}",
            changes=version.changes,
        )
    service.refresh_from_db()
    return version


def _jsonable_values(values: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in values.items():
        if key == "terms":
            result[key] = [term.pk if isinstance(term, TaxonomyTerm) else int(term) for term in value]
        elif isinstance(value, list):
            result[key] = [{k: _plain(v) for k, v in row.items()} for row in value]
        elif isinstance(value, dict):
            result[key] = {k: _plain(v) for k, v in value.items()}
        else:
            result[key] = _plain(value)
    return result


def service_version_approve(*, actor: Membership, version: ServiceVersion, note: str = "") -> ServiceVersion:
    """Apply a pending provider edit to the live listing."""
    require(actor, Capability.DIRECTORY_MANAGE)
    with transaction.atomic():
        locked = ServiceVersion.objects.select_for_update().select_related("service__scheme").get(pk=version.pk)
        if locked.service.scheme_id != actor.organisation.scheme_id:
            raise PermissionDenied("This listing is in another scheme")
        if locked.status != VersionStatus.PENDING:
            raise ValidationError("This change has already been reviewed")
        service = Service.objects.select_for_update().get(pk=locked.service_id)
        applied = _apply(service, locked.changes)
        locked.status = VersionStatus.APPLIED
        locked.changes = applied
        locked.snapshot = _snapshot(service)
        locked.reviewed_by = actor.user
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=service,
            summary=f"Listing change approved: {service.name}",
            changes=applied,
        )
    return locked


def service_version_reject(*, actor: Membership, version: ServiceVersion, note: str = "") -> ServiceVersion:
    """Turn down a pending provider edit; the live listing stays as it was."""
    require(actor, Capability.DIRECTORY_MANAGE)
    with transaction.atomic():
        locked = ServiceVersion.objects.select_for_update().select_related("service").get(pk=version.pk)
        if locked.service.scheme_id != actor.organisation.scheme_id:
            raise PermissionDenied("This listing is in another scheme")
        if locked.status != VersionStatus.PENDING:
            raise ValidationError("This change has already been reviewed")
        locked.status = VersionStatus.REJECTED
        locked.reviewed_by = actor.user
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked.service,
            summary=f"Listing change rejected: {locked.service.name}",
        )
    return locked


def service_verify(*, actor: Membership, service: Service) -> Service:
    """Confirm a listing is still right: restarts its verification clock and brings it back into matching."""
    require_may_edit(actor, service)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        before = locked.last_verified_at
        locked.last_verified_at = timezone.now()
        locked.last_verified_by = actor.user
        locked.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])
        changes = field_changes({"last_verified_at": before}, {"last_verified_at": locked.last_verified_at})
        _record_version(
            service=locked,
            actor=actor,
            source=_source_for(actor),
            status=VersionStatus.APPLIED,
            changes=changes,
            note="Verified",
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Listing verified: {locked.name}",
            changes=changes,
        )
    return locked


def _source_for(actor: Membership) -> VersionSource:
    return VersionSource.MODERATOR if can(actor, Capability.DIRECTORY_MANAGE) else VersionSource.PROVIDER


def service_update_capacity(
    *, actor: Membership, service: Service, available: int | None, waiting_list: int | None
) -> Service:
    """Publish places available and waiting-list length; capacity is never moderated."""
    require_may_edit(actor, service)
    for label, value in (("Places available", available), ("Waiting list", waiting_list)):
        if value is not None and value < 0:
            raise ValidationError(f"{label} cannot be less than 0")
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        before = {"capacity_available": locked.capacity_available, "waiting_list_length": locked.waiting_list_length}
        locked.capacity_available = available
        locked.waiting_list_length = waiting_list
        locked.capacity_updated_at = timezone.now()
        locked.save(update_fields=["capacity_available", "waiting_list_length", "capacity_updated_at", "updated_at"])
        changes = field_changes(before, {"capacity_available": available, "waiting_list_length": waiting_list})
        _record_version(
            service=locked,
            actor=actor,
            source=_source_for(actor),
            status=VersionStatus.APPLIED,
            changes=changes,
            note="Capacity",
        )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=locked, summary=f"Capacity: {locked.name}", changes=changes
        )
    return locked


def problem_report_create(
    *,
    user: User,
    membership: Membership | None,
    service: Service,
    kind: ProblemKind | str,
    details: str = "",
    creation_key: uuid.UUID | None = None,
) -> ProblemReport:
    """File a report that a listing is wrong, for the scheme's moderation queue."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to report a problem")
    if kind not in ProblemKind.values:
        raise ValidationError({"kind": "Choose what is wrong"})
    if kind == ProblemKind.OTHER and not details.strip():
        raise ValidationError({"details": "Tell us what is wrong"})
    if creation_key is not None:
        existing = ProblemReport.objects.filter(creation_key=creation_key, reported_by=user).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        report = ProblemReport.objects.create(
            scheme_id=service.scheme_id,
            service=service,
            kind=kind,
            details=details.strip(),
            reported_by=user,
            reported_by_organisation=membership.organisation if membership else None,
            creation_key=creation_key,
        )
        audit_record(
            actor=membership,
            user=user,
            action=AuditAction.CREATE,
            obj=report,
            scheme=service.scheme,
            summary=f"Problem reported: {service.name}",
        )
    return report


def problem_report_resolve(
    *, actor: Membership, report: ProblemReport, status: ProblemStatus | str, note: str = ""
) -> ProblemReport:
    """Close a problem report as resolved or dismissed."""
    require(actor, Capability.DIRECTORY_MANAGE)
    if status not in (ProblemStatus.RESOLVED, ProblemStatus.DISMISSED):
        raise ValidationError({"status": "Choose resolved or dismissed"})
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
        if locked.scheme_id != actor.organisation.scheme_id:
            raise PermissionDenied("This report is in another scheme")
        if locked.status != ProblemStatus.OPEN:
            raise ValidationError("This report has already been closed")
        locked.status = status
        locked.resolved_by = actor.user
        locked.resolved_at = timezone.now()
        locked.resolution_note = note
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary=f"Problem report {locked.get_status_display().lower()}",
        )
    return locked
