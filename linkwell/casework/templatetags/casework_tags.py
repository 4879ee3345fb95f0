"""Template helpers for casework links on pages other apps own (the person page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can
from linkwell.people.models import Person
from linkwell.referrals.policies import referrals_for

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
