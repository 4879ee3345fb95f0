"""Home-page panels for shared templates: a provider's connections and registers, a volunteer's assignments."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from linkwell.accounts.models import Membership, Role

from ..models import AccompanimentStatus, ConnectionStatus
from ..policies import accompaniments_for, connections_for, provider_services_for

register = template.Library()


@register.inclusion_tag("connections/_provider_panel.html")
def provider_connections(membership: Membership | None) -> dict[str, Any]:
    """Connections waiting for the provider's answer, and its services for today's register."""
    if membership is None or membership.role != Role.PROVIDER:
        return {"show": False}
    visible = connections_for(membership).select_related("service")
    return {
        "show": True,
        "awaiting": list(visible.awaiting_response().order_by("sent_at", "pk")[:10]),
        "current_count": visible.filter(status__in=[ConnectionStatus.ACCEPTED, ConnectionStatus.ATTENDING]).count(),
        "services": list(provider_services_for(membership).order_by("name")[:10]),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("connections/_volunteer_panel.html")
def volunteer_accompaniments(membership: Membership | None) -> dict[str, Any]:
    """A volunteer's planned accompaniments."""
    if membership is None or membership.role != Role.VOLUNTEER:
        return {"show": False}
    planned = (
        accompaniments_for(membership)
        .filter(status=AccompanimentStatus.PLANNED)
        .select_related("connection__service", "connection__person")
        .order_by("session_date", "pk")
    )
    return {"show": True, "planned": list(planned[:20])}
