"""Template helpers for casework links on pages other apps own (the person page)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can
from linkwell.people.models import Person
from linkwell.referrals.policies import referrals_for

from ..timeline import timeline_for

register = template.Library()


@register.simple_tag
def person_referrals(membership: Membership | None, person: Person) -> list[dict[str, Any]]:
    """`{% person_referrals membership person as rows %}`: the person's referrals the membership may see,
    each with the page to open (casework for roles that do casework, the referral otherwise)."""
    casework = can(membership, Capability.CASEWORK_VIEW)
    rows = []
    for referral in referrals_for(membership).filter(person=person).order_by("-received_at", "-id"):
        url = reverse("casework:referral" if casework else "referrals:detail", args=[referral.pk])
        rows.append({"referral": referral, "url": url})
    return rows


PERSON_TIMELINE_LIMIT = 60


@register.simple_tag
def person_timeline(membership: Membership | None, person: Person) -> list[dict[str, Any]]:
    """`{% person_timeline membership person as entries %}`: one timeline across all the person's referrals
    (events, contacts, assessments, goals, connections, attendance, measures), newest first, for roles that
    see casework; empty for everyone else."""
    if not can(membership, Capability.CASEWORK_VIEW):
        return []
    entries: list[dict[str, Any]] = []
    for referral in referrals_for(membership).filter(person=person):
        received = timezone.localtime(referral.received_at)
        label = f"referral of {received.day} {received:%b %Y}"
        entries.extend({**asdict(entry), "referral_label": label} for entry in timeline_for(referral))
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:PERSON_TIMELINE_LIMIT]
