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

from .models import AuditEvent, Membership, Network, Organisation, Role, Scheme, User


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
    INSIGHTS_VIEW = "insights.view"
    NETWORK_VIEW = "network.view"


C = Capability

# The one table of who may do what. Scopes (which rows) live with each model's QuerySet and use these rules.
# - Referrers add and refer people, follow their organisation's referrals and, when the scheme allows it,
#   book straight into services that take direct referrals (the scheme setting is checked in the service).
# - Link workers do the casework for their whole scheme: triage, contacts, assessment, goals, connections
#   and measures.
# - Providers answer the connections sent to them, take attendance and keep their own listings; they reach
#   people only through those connections (people.models.visible_to), never the full person record.
# - Volunteers see only the people they are asked to accompany, through their assignment pages.
# - Scheme managers configure and run the scheme: triage, directory moderation, the audit log, dashboards and
#   evaluation; they read casework and outcomes but do not record them.
#   They also compare their scheme with the others in any network it belongs to (suppressed aggregates).
# - Admins configure the scheme and manage people's records, the directory and the audit log.
# - Network viewers (a regional institute with test beds) see only the network page: the suppressed headline
#   figures of the schemes in the networks their organisation hosts. No record, list or scheme page of any kind.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.REFERRER: frozenset(
        {
            C.PERSON_VIEW,
            C.PERSON_CREATE,
            C.PERSON_EDIT,
            C.CONSENT_RECORD,
            C.REFERRAL_VIEW,
            C.REFERRAL_CREATE,
            C.DIRECT_BOOKING,
        }
    ),
    Role.LINK_WORKER: frozenset(
        {
            C.PERSON_VIEW,
            C.PERSON_CREATE,
            C.PERSON_EDIT,
            C.CONSENT_RECORD,
            C.ORGANISATIONS_VIEW,
            C.REFERRAL_VIEW,
            C.REFERRAL_TRIAGE,
            C.REFERRAL_MANAGE,
            C.CASEWORK_VIEW,
            C.CASEWORK_RECORD,
            C.CONNECTION_PROPOSE,
            C.OUTCOMES_RECORD,
            C.OUTCOMES_VIEW,
        }
    ),
    Role.PROVIDER: frozenset({C.CONNECTION_RESPOND, C.ATTENDANCE_RECORD, C.DIRECTORY_EDIT_OWN}),
    Role.VOLUNTEER: frozenset(),
    Role.SCHEME_MANAGER: frozenset(
        {
            C.PERSON_VIEW,
            C.AUDIT_VIEW,
            C.SCHEME_CONFIGURE,
            C.ORGANISATIONS_VIEW,
            C.REFERRAL_VIEW,
            C.REFERRAL_TRIAGE,
            C.REFERRAL_MANAGE,
            C.DIRECTORY_MANAGE,
            C.CASEWORK_VIEW,
            C.CONNECTION_PROPOSE,
            C.OUTCOMES_VIEW,
            C.INSIGHTS_VIEW,
            C.NETWORK_VIEW,
        }
    ),
    Role.ADMIN: frozenset(
        {
            C.PERSON_VIEW,
            C.PERSON_CREATE,
            C.PERSON_EDIT,
            C.CONSENT_RECORD,
            C.AUDIT_VIEW,
            C.SCHEME_CONFIGURE,
            C.ORGANISATIONS_VIEW,
            C.REFERRAL_VIEW,
            C.DIRECTORY_MANAGE,
            C.CASEWORK_VIEW,
            C.OUTCOMES_VIEW,
            C.INSIGHTS_VIEW,
        }
    ),
    Role.NETWORK: frozenset({C.NETWORK_VIEW}),
}

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


def networks_for(membership: Membership | None) -> QuerySet[Network]:
    """Active networks whose aggregates the membership may see: those its organisation hosts (network role),
    or those its scheme belongs to (scheme managers). None for every other role."""
    if not can(membership, Capability.NETWORK_VIEW):
        return Network.objects.none()
    assert membership is not None
    active = Network.objects.filter(is_active=True)
    if membership.role == Role.NETWORK:
        return active.filter(host_id=membership.organisation_id)
    return active.filter(schemes__id=membership.organisation.scheme_id).distinct()


def get_network_for(membership: Membership | None, slug: str) -> Network:
    """One network the membership may see, or 404."""
    try:
        return networks_for(membership).get(slug=slug)
    except Network.DoesNotExist:
        raise Http404("No such network") from None


def network_schemes(network: Network) -> QuerySet[Scheme]:
    """The active schemes of a network, in name order (reach them only through a network from networks_for)."""
    return network.schemes.filter(is_active=True).order_by("name", "pk")
