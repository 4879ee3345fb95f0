"""Scoped access to casework: the only way casework views reach referrals, goals and caseloads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role
from linkwell.accounts.policies import Capability, require
from linkwell.referrals.models import Referral
from linkwell.referrals.policies import get_referral_for, link_workers_for, referrals_for

from .models import Goal
from .rules import with_casework


def get_casework_referral_for(membership: Membership | None, pk: int, *, write: bool = False) -> Referral:
    """One referral of the membership's scheme for casework (403 for roles without casework, else 404)."""
    require(membership, Capability.CASEWORK_RECORD if write else Capability.CASEWORK_VIEW)
    return get_referral_for(membership, pk)


def get_goal_for(membership: Membership | None, referral: Referral, pk: int) -> Goal:
    """One goal of a referral already reached through `get_casework_referral_for`, or 404."""
    try:
        return referral.goals.select_related("referral").get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal") from None


def caseload_workers_for(membership: Membership) -> QuerySet[Membership]:
    """Link workers whose caseload the membership may open: only itself for a link worker."""
    require(membership, Capability.CASEWORK_VIEW)
    if membership.role == Role.LINK_WORKER:
        return Membership.objects.filter(pk=membership.pk).select_related("user", "organisation")
    return link_workers_for(membership)


def caseload_for(membership: Membership, worker: Membership) -> Any:
    """The referrals assigned to `worker`, annotated with casework flags (see rules.with_casework)."""
    require(membership, Capability.CASEWORK_VIEW)
    if not caseload_workers_for(membership).filter(pk=worker.pk).exists():
        raise Http404("No such caseload")
    referrals = referrals_for(membership).filter(assigned_to=worker).select_related("person")
    return with_casework(referrals, membership.organisation.scheme).order_by("-status_changed_at", "-id")
