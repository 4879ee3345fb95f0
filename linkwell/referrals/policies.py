"""Scoped access to referrals: the only way views and the API reach them."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role
from linkwell.accounts.policies import Capability, require

from .models import Referral, ReferralQuerySet


def referrals_for(membership: Membership | None) -> ReferralQuerySet:
    """Referrals the acting membership may see (empty for roles that see none)."""
    return Referral.objects.visible_to(membership)


def get_referral_for(membership: Membership | None, pk: int) -> Referral:
    """One referral in the membership's scope, or 404."""
    try:
        return (
            referrals_for(membership).select_related("person", "referring_organisation", "assigned_to__user").get(pk=pk)
        )
    except Referral.DoesNotExist:
        raise Http404("No such referral") from None


def get_referral_by_uid_for(membership: Membership | None, uid: uuid.UUID | str) -> Referral:
    """One referral by its public id, in the membership's scope, or 404."""
    try:
        return referrals_for(membership).select_related("person").get(uid=uid)
    except (Referral.DoesNotExist, ValueError):
        raise Http404("No such referral") from None


def triage_queue_for(membership: Membership | None) -> ReferralQuerySet:
    """The scheme's referrals awaiting triage, for link workers and scheme managers."""
    require(membership, Capability.REFERRAL_TRIAGE)
    return referrals_for(membership).triage_queue()


def link_workers_for(membership: Membership) -> QuerySet[Membership]:
    """Active link workers of the membership's scheme, to assign referrals to."""
    return (
        Membership.objects.active()
        .filter(role=Role.LINK_WORKER, organisation__scheme_id=membership.organisation.scheme_id)
        .select_related("user", "organisation")
        .order_by("user__first_name", "user__last_name", "pk")
    )
