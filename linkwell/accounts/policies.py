"""The access policy: what each role may do, and the scoped ways to reach accounts data.

Every view reaches personal data through a `*_for(membership)` scope or a `get_*_for(membership, pk)`
accessor. Accessors answer 404 for anything outside the scope, so existence is never revealed.
Apps above accounts (people, referrals, …) build their QuerySet scopes on `can()` and the role rules here.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import AuditEvent, Membership, Organisation, Role, Scheme, User


class Capability(StrEnum):
    PERSON_VIEW = "person.view"
    PERSON_CREATE = "person.create"
    PERSON_EDIT = "person.edit"
    CONSENT_RECORD = "consent.record"
    AUDIT_VIEW = "audit.view"
    SCHEME_CONFIGURE = "scheme.configure"
    ORGANISATIONS_VIEW = "organisations.view"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_CREATE = "referral.create"
    REFERRAL_TRIAGE = "referral.triage"
    REFERRAL_MANAGE = "referral.manage"
    DIRECTORY_EDIT_OWN = "directory.edit_own"
    DIRECTORY_MANAGE = "directory.manage"
    CONNECTION_PROPOSE = "connection.propose"
    CONNECTION_RESPOND = "connection.respond"
    ATTENDANCE_RECORD = "attendance.record"
    DIRECT_BOOKING = "connection.direct_booking"
    CASEWORK_VIEW = "casework.view"
    CASEWORK_RECORD = "casework.record"
    OUTCOMES_RECORD = "outcomes.record"
    OUTCOMES_VIEW = "outcomes.view"


_PEOPLE_WORK = {
    Capability.PERSON_VIEW,
    Capability.PERSON_CREATE,
    Capability.PERSON_EDIT,
    Capability.CONSENT_RECORD,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.REFERRER: frozenset(_PEOPLE_WORK),
    Role.LINK_WORKER: frozenset(_PEOPLE_WORK | {Capability.ORGANISATIONS_VIEW}),
    # Providers reach people only through the connections made to them (people.models.visible_to), never
    # the full person record.
    Role.PROVIDER: frozenset(),
    Role.VOLUNTEER: frozenset(),
    Role.SCHEME_MANAGER: frozenset(
        {
            Capability.PERSON_VIEW,
            Capability.AUDIT_VIEW,
            Capability.SCHEME_CONFIGURE,
            Capability.ORGANISATIONS_VIEW,
        }
    ),
    Role.ADMIN: frozenset(
        _PEOPLE_WORK | {Capability.AUDIT_VIEW, Capability.SCHEME_CONFIGURE, Capability.ORGANISATIONS_VIEW}
    ),
}

# Referrals: referrers send them and follow their own organisation's; link workers and scheme managers
# triage and progress them; admins may read them; providers and volunteers see connections, not referrals.
_REFERRAL_GRANTS: dict[str, set[Capability]] = {
    Role.REFERRER: {Capability.REFERRAL_VIEW, Capability.REFERRAL_CREATE},
    Role.LINK_WORKER: {Capability.REFERRAL_VIEW, Capability.REFERRAL_TRIAGE, Capability.REFERRAL_MANAGE},
    Role.SCHEME_MANAGER: {Capability.REFERRAL_VIEW, Capability.REFERRAL_TRIAGE, Capability.REFERRAL_MANAGE},
    Role.ADMIN: {Capability.REFERRAL_VIEW},
}
ROLE_CAPABILITIES = {role: caps | _REFERRAL_GRANTS.get(role, set()) for role, caps in ROLE_CAPABILITIES.items()}

# Directory: providers keep their own listings; scheme managers and admins edit any listing of their scheme,
# moderate provider edits and problem reports, and import or export the directory.
_DIRECTORY_GRANTS: dict[str, set[Capability]] = {
    Role.PROVIDER: {Capability.DIRECTORY_EDIT_OWN},
    Role.SCHEME_MANAGER: {Capability.DIRECTORY_MANAGE},
    Role.ADMIN: {Capability.DIRECTORY_MANAGE},
}
ROLE_CAPABILITIES = {role: caps | _DIRECTORY_GRANTS.get(role, set()) for role, caps in ROLE_CAPABILITIES.items()}

# Casework (contacts, assessments, goals): link workers record it for any referral of their scheme;
# scheme managers and admins may read it; referrers, providers and volunteers never see it.
_CASEWORK_GRANTS: dict[str, set[Capability]] = {
    Role.LINK_WORKER: {Capability.CASEWORK_VIEW, Capability.CASEWORK_RECORD},
    Role.SCHEME_MANAGER: {Capability.CASEWORK_VIEW},
    Role.ADMIN: {Capability.CASEWORK_VIEW},
}
ROLE_CAPABILITIES = {role: caps | _CASEWORK_GRANTS.get(role, set()) for role, caps in ROLE_CAPABILITIES.items()}

# Connections: link workers (and scheme managers) prescribe them; providers answer them and take attendance;
# referrers may book straight into direct-referral services when their scheme allows it (checked in
# linkwell.connections.services, since it depends on the scheme as well as the role).
_CONNECTION_GRANTS: dict[str, set[Capability]] = {
    Role.LINK_WORKER: {Capability.CONNECTION_PROPOSE},
    Role.SCHEME_MANAGER: {Capability.CONNECTION_PROPOSE},
    Role.PROVIDER: {Capability.CONNECTION_RESPOND, Capability.ATTENDANCE_RECORD},
    Role.REFERRER: {Capability.DIRECT_BOOKING},
}
ROLE_CAPABILITIES = {role: caps | _CONNECTION_GRANTS.get(role, set()) for role, caps in ROLE_CAPABILITIES.items()}

# Outcomes: link workers take measures (with the person or by a questionnaire link) and see their results;
# scheme managers and admins see results and evaluations; no one else sees outcomes.
_OUTCOMES_GRANTS: dict[str, set[Capability]] = {
    Role.LINK_WORKER: {Capability.OUTCOMES_RECORD, Capability.OUTCOMES_VIEW},
    Role.SCHEME_MANAGER: {Capability.OUTCOMES_VIEW},
    Role.ADMIN: {Capability.OUTCOMES_VIEW},
}
ROLE_CAPABILITIES = {role: caps | _OUTCOMES_GRANTS.get(role, set()) for role, caps in ROLE_CAPABILITIES.items()}

# Roles whose view of people covers the whole scheme rather than their own organisation's links.
SCHEME_WIDE_ROLES = frozenset({Role.LINK_WORKER, Role.SCHEME_MANAGER, Role.ADMIN})


def can(membership: Membership | None, capability: Capability) -> bool:
    """Whether the acting membership's role grants a capability."""
    if membership is None or not membership.is_active:
        return False
    return capability in ROLE_CAPABILITIES.get(membership.role, frozenset())


def require(membership: Membership | None, capability: Capability) -> None:
    """Raise PermissionDenied (403) unless the membership's role grants the capability."""
    if not can(membership, capability):
        raise PermissionDenied("Your role does not allow this")


def memberships_for(user: User) -> QuerySet[Membership]:
    """A user's active memberships, with organisation and scheme loaded."""
    return Membership.objects.active().filter(user=user).select_related("organisation__scheme")


def get_membership_for_user(user: User, pk: int) -> Membership:
    """One of the user's own active memberships, or 404."""
    try:
        return memberships_for(user).get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404("No such membership") from None


def organisations_for(membership: Membership) -> QuerySet[Organisation]:
    """Organisations in the membership's scheme, for roles that may list them."""
    require(membership, Capability.ORGANISATIONS_VIEW)
    return Organisation.objects.filter(scheme_id=membership.organisation.scheme_id)


def scheme_for_configuration(membership: Membership) -> Scheme:
    """The scheme a manager or admin may configure: only their own."""
    require(membership, Capability.SCHEME_CONFIGURE)
    return membership.organisation.scheme


def audit_events_for(membership: Membership) -> QuerySet[AuditEvent]:
    """The audit log of the membership's own scheme, for scheme managers and admins."""
    require(membership, Capability.AUDIT_VIEW)
    return AuditEvent.objects.filter(scheme_id=membership.organisation.scheme_id).select_related(
        "actor", "organisation"
    )
