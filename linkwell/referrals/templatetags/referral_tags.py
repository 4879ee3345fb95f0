"""Template helpers for referral links in shared templates (nav, home pages)."""

from __future__ import annotations

from django import template

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can

register = template.Library()


@register.filter
def may(membership: Membership | None, capability: str) -> bool:
    """`{% if membership|may:"referral.view" %}`: whether the acting membership holds a capability."""
    return can(membership, Capability(capability))
