"""Writes for a scheme's matching settings: its own weights, and going back to the defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from linkwell.accounts.models import AuditAction, Membership, Scheme
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record, field_changes

from .models import MatchingSettings
from .types import Weights

DEFAULTS = Weights()
WEIGHT_NAMES = frozenset(f.name for f in dataclasses.fields(Weights))


def _usable(stored: Any) -> dict[str, Any]:
    """The stored overrides if the ranker can use them, else none (the ranker is then on the defaults)."""
    if not isinstance(stored, dict):
        return {}
    try:
        Weights.from_dict(stored)
    except (TypeError, ValueError):
        return {}
    return dict(stored)


def _change(
    *, actor: Membership, scheme: Scheme, summary: str, new_overrides: Callable[[dict[str, Any]], dict[str, Any]]
) -> MatchingSettings:
    """Replace the scheme's overrides under a lock on its row; audit how the weights in use changed."""
    require(actor, Capability.SCHEME_CONFIGURE)
    if actor.organisation.scheme_id != scheme.pk:
        raise PermissionDenied("Another scheme")
    with transaction.atomic():
        Scheme.objects.select_for_update().get(pk=scheme.pk)
        settings, _ = MatchingSettings.objects.get_or_create(scheme=scheme)
        current = _usable(settings.weights)
        overrides = new_overrides(dict(current))
        after = Weights.from_dict(overrides)  # refuses what the ranker cannot use (ValueError)
        if overrides == settings.weights:
            return settings  # the same form sent twice, or nothing changed: nothing to write or audit
        changes = field_changes(dataclasses.asdict(Weights.from_dict(current)), dataclasses.asdict(after))
        settings.weights = overrides
        settings.updated_by = actor.user
        settings.save()
        audit_record(
            actor=actor, scheme=scheme, action=AuditAction.UPDATE, obj=settings, summary=summary, changes=changes
        )
    return settings


def matching_weights_update(*, actor: Membership, scheme: Scheme, values: Mapping[str, float]) -> MatchingSettings:
    """Change some of a scheme's matching weights (storing only what differs from the defaults) and audit it."""
    unknown = set(values) - WEIGHT_NAMES
    if unknown:
        raise ValueError(f"unknown matching weights: {', '.join(sorted(unknown))}")

    def merged(overrides: dict[str, Any]) -> dict[str, Any]:
        for name, value in values.items():
            if value == getattr(DEFAULTS, name):
                overrides.pop(name, None)
            else:
                overrides[name] = value
        return overrides

    return _change(actor=actor, scheme=scheme, summary="Matching weights", new_overrides=merged)


def matching_weights_reset(*, actor: Membership, scheme: Scheme) -> MatchingSettings:
    """Put every one of a scheme's matching weights back to its default, and audit what that changed."""
    return _change(
        actor=actor, scheme=scheme, summary="Matching weights reset to the defaults", new_overrides=lambda _: {}
    )
