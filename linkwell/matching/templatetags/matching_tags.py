"""`{% suggested_services referral %}`: the ranked suggestions panel on a link worker's connection step."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django import template

from linkwell.accounts.policies import Capability, can
from linkwell.matching import service as matching
from linkwell.referrals.models import Referral

register = template.Library()
log = logging.getLogger(__name__)


def why_text(reasons: list[str]) -> str:
    """What the provider reads when a suggestion is proposed in one click (the link worker can add to it)."""
    if not reasons:
        return "Suggested by the link worker as a good fit."
    text = "; ".join(reasons)
    return f"Suggested by the link worker as a good fit: {text[0].lower()}{text[1:]}."


@register.inclusion_tag("matching/_suggestions.html", takes_context=True)
def suggested_services(context: template.Context, referral: Referral, limit: int = 5) -> dict[str, Any]:
    request = context.get("request")
    membership = getattr(request, "membership", None)
    base: dict[str, Any] = {"referral": referral, "csrf_token": context.get("csrf_token"), "suggestions": []}
    if membership is None or not can(membership, Capability.CONNECTION_PROPOSE):
        return {**base, "hidden": True}
    try:
        found = matching.suggest_for_referral(membership, referral, limit=limit)
    except Exception:
        # Suggestions help but are not needed to prescribe: the search below still works without them.
        log.exception("Could not rank suggestions for referral %s", referral.pk)
        return {**base, "unavailable": True}
    already = set(referral.connections.values_list("service_id", flat=True))
    base["suggestions"] = [
        {
            "service": s.service,
            "match": s.match,
            "why": why_text(s.match.reasons),
            "creation_key": uuid.uuid4(),
            "already": s.service.pk in already,
        }
        for s in found
    ]
    return base
