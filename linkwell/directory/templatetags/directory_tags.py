"""`{% provider_listings membership %}`: a provider's listings with their checking prompts, for home pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from linkwell.accounts.models import Membership

from ..policies import editable_services_for

register = template.Library()

HOME_LIMIT = 20


@register.inclusion_tag("directory/_provider_listings.html")
def provider_listings(membership: Membership | None) -> dict[str, Any]:
    """The membership's own listings (at most HOME_LIMIT), flagged when they need checking or are stale."""
    if membership is None:
        return {"rows": [], "more": False, "prompt": False}
    now = timezone.now()
    listings = editable_services_for(membership).filter(provider_id=membership.organisation_id)
    found = list(listings.select_related("scheme").order_by("last_verified_at", "name")[: HOME_LIMIT + 1])
    rows = [{"service": s, "stale": s.is_stale(now), "needs_verification": s.needs_verification(now)} for s in found]
    prompt = any(row["needs_verification"] for row in rows)
    return {"rows": rows[:HOME_LIMIT], "more": len(rows) > HOME_LIMIT, "prompt": prompt}
