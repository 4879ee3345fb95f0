"""Scoped access to outcomes: the only way outcomes views reach referrals, responses and links."""

from __future__ import annotations

from django.http import Http404

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, require
from linkwell.referrals.models import Referral
from linkwell.referrals.policies import get_referral_for

from .models import MeasureResponse, MeasureResponseQuerySet, QuestionnaireLink, QuestionnaireLinkQuerySet
from .services import hash_token


def get_outcomes_referral_for(membership: Membership | None, pk: int, *, write: bool = False) -> Referral:
    """One referral of the membership's scheme for outcomes work (403 for roles without outcomes, else 404)."""
    require(membership, Capability.OUTCOMES_RECORD if write else Capability.OUTCOMES_VIEW)
    return get_referral_for(membership, pk)


def responses_for(membership: Membership | None) -> MeasureResponseQuerySet:
    """Measure responses the membership may see (none for roles without outcomes)."""
    return MeasureResponse.objects.visible_to(membership)


def links_for(membership: Membership | None) -> QuestionnaireLinkQuerySet:
    """Questionnaire links the membership may see (none for roles without outcomes)."""
    return QuestionnaireLink.objects.visible_to(membership)


def get_link_by_token(token: str) -> QuestionnaireLink:
    """The link a public token opens, or 404; the caller checks whether it is used or expired."""
    if not 20 <= len(token) <= 100:
        raise Http404("No such link")
    try:
        return QuestionnaireLink.objects.select_related("person", "referral__scheme").get(token_hash=hash_token(token))
    except QuestionnaireLink.DoesNotExist:
        raise Http404("No such link") from None
