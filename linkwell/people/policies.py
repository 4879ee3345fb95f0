"""Scoped access to people and their consents: the only way views reach these records."""

from __future__ import annotations

from django.http import Http404

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, require

from .models import Consent, Person, PersonQuerySet


def people_for(membership: Membership | None) -> PersonQuerySet:
    """People the acting membership may see (empty for roles that see none)."""
    return Person.objects.visible_to(membership)


def get_person_for(membership: Membership | None, pk: int, *, write: bool = False) -> Person:
    """One person in the membership's scope, or 404; `write=True` also requires the edit capability."""
    try:
        person = people_for(membership).select_related("registered_practice", "scheme").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("No such person") from None
    if write:
        require(membership, Capability.PERSON_EDIT)
    return person


def get_consent_for(membership: Membership | None, person: Person, pk: int) -> Consent:
    """One of a visible person's consent records, or 404."""
    try:
        return Consent.objects.get(person=person, pk=pk)
    except Consent.DoesNotExist:
        raise Http404("No such consent record") from None
