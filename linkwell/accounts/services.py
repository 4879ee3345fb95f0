"""Writes for accounts: the audit log, organisation switching and scheme configuration."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from .models import AuditAction, AuditEvent, Membership, Scheme, User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Membership | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    person_id: int | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    user: User | None = None,
    scheme: Scheme | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one audit row; call it inside the transaction of the change it records."""
    acting_user = actor.user if actor is not None else user
    organisation = actor.organisation if actor is not None else None
    return AuditEvent.objects.create(
        actor=acting_user,
        actor_label=acting_user.email if acting_user is not None else "system",
        organisation=organisation,
        role=actor.role if actor is not None else "",
        scheme=scheme or (organisation.scheme if organisation is not None else None),
        action=str(action),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        person_id=person_id,
        summary=summary[:300],
        changes=changes or {},
        ip_address=_client_ip(request),
    )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields whose values differ, as {field: [old, new]} with values made JSON-safe."""
    return {
        name: [_jsonable(before.get(name)), _jsonable(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


SCHEME_SETTING_FIELDS = [
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


def scheme_update_settings(*, actor: Membership, scheme: Scheme, values: dict[str, Any]) -> Scheme:
    """Change a scheme's configuration and audit what changed."""
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        before = {name: getattr(locked, name) for name in SCHEME_SETTING_FIELDS}
        for name in SCHEME_SETTING_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.full_clean()
        locked.save()
        changes = field_changes(before, {name: getattr(locked, name) for name in SCHEME_SETTING_FIELDS})
        if changes:
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, summary="Scheme settings", changes=changes)
    return locked
