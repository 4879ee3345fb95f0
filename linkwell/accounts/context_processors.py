from typing import Any

from django.http import HttpRequest

from .policies import Capability, can


def membership(request: HttpRequest) -> dict[str, Any]:
    active = getattr(request, "membership", None)
    return {
        "membership": active,
        "memberships": getattr(request, "memberships", []),
        "can_view_audit": can(active, Capability.AUDIT_VIEW),
        "can_configure_scheme": can(active, Capability.SCHEME_CONFIGURE),
        "can_view_people": can(active, Capability.PERSON_VIEW),
        "can_create_people": can(active, Capability.PERSON_CREATE),
        "can_view_network": can(active, Capability.NETWORK_VIEW),
    }
