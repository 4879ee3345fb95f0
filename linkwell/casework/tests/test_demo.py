from __future__ import annotations

import random

from django.utils import timezone

from linkwell.casework.demo import build_demo_casework
from linkwell.casework.models import Assessment, Contact, Goal, GoalStatus
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.tests.factories import PATHS, make_referral
from linkwell.testing.cast import Cast

REACHED = {Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP}


def test_demo_casework_is_consistent_with_each_referrals_history(cast: Cast) -> None:
    for status in PATHS:
        make_referral(cast.north, status=status)
    make_referral(cast.south, status=Status.ACTIVE)
    made = build_demo_casework(cast.north.scheme, random.Random(7))
    assert made > 0
    now = timezone.now()
    assert not Contact.objects.filter(referral__scheme=cast.south.scheme).exists()
    assert not Contact.objects.filter(occurred_at__gt=now).exists()
    for referral in Referral.objects.filter(scheme=cast.north.scheme):
        if referral.status in REACHED:
            assert referral.contacts.filter(successful=True).exists(), referral.status
        if referral.status in {Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP}:
            assert Assessment.objects.filter(referral=referral).exists()
        if referral.status in {Status.RECEIVED, Status.REJECTED}:
            assert not referral.contacts.exists()
    for goal in Goal.objects.all():
        assert goal.created_at <= now
        assert goal.status == GoalStatus.OPEN or goal.referral.events.filter(to_status=Status.CLOSED).exists()
