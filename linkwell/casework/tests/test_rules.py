"""The scheme's contact-attempt rule and the overdue-contact flag, with the clock frozen."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.db.models import Q
from django.utils import timezone

from linkwell.casework import rules, services
from linkwell.casework.models import ContactKind
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def attempt(cast: Cast, referral: Referral, days_ago: float = 0, successful: bool = False) -> None:
    services.contact_log(
        actor=cast.north.link_worker,
        referral=referral,
        kind=ContactKind.PHONE,
        successful=successful,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago, minutes=1),
        duration_minutes=15 if successful else None,
    )


def flagged(referral: Referral) -> bool:
    """The Python rule and the caseload annotation must agree; return their shared answer."""
    referral.refresh_from_db()
    in_python = rules.could_not_contact(referral)
    annotated = rules.with_casework(Referral.objects.filter(pk=referral.pk), referral.scheme).get()
    assert annotated.could_not_contact == in_python
    return in_python


def overdue(referral: Referral) -> bool:
    referral.refresh_from_db()
    in_python = rules.contact_overdue(referral)
    annotated = rules.with_casework(Referral.objects.filter(pk=referral.pk), referral.scheme).get()
    assert annotated.contact_overdue == in_python
    return in_python


def test_three_failed_attempts_within_fourteen_days_flag_could_not_contact(cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        referral = make_referral(cast.north, status=Status.ACCEPTED)
        attempt(cast, referral)
        traveller.shift(dt.timedelta(days=5))
        attempt(cast, referral)
        assert not flagged(referral)
        traveller.shift(dt.timedelta(days=5))
        attempt(cast, referral)
        assert flagged(referral)
        # The flag does not lapse while the referral waits for a decision.
        traveller.shift(dt.timedelta(days=60))
        assert flagged(referral)


def test_attempts_spread_wider_than_the_window_do_not_flag_until_enough_fall_within_it(cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        referral = make_referral(cast.north, status=Status.UNABLE_TO_CONTACT)
        for days_ago in (22, 12, 2):
            attempt(cast, referral, days_ago=days_ago)
        assert not flagged(referral)
        attempt(cast, referral)
        assert flagged(referral)


def test_the_rule_follows_the_schemes_configuration(cast: Cast) -> None:
    scheme = cast.north.scheme
    scheme.contact_attempts_limit = 2
    scheme.contact_attempts_window_days = 3
    scheme.save()
    with time_machine.travel(MONDAY, tick=False):
        referral = make_referral(cast.north, status=Status.ACCEPTED)
        attempt(cast, referral, days_ago=4)
        attempt(cast, referral)
        assert not flagged(referral)
        attempt(cast, referral)
        assert flagged(referral)


def test_a_successful_contact_clears_the_flag(cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False):
        referral = make_referral(cast.north, status=Status.ACCEPTED)
        for _ in range(3):
            attempt(cast, referral)
        assert flagged(referral)
        attempt(cast, referral, successful=True)
        assert not flagged(referral)
        assert referral.status == Status.CONTACTED


def test_first_contact_is_overdue_after_five_working_days_without_an_attempt(cast: Cast) -> None:
    with time_machine.travel(MONDAY, tick=False) as traveller:
        referral = make_referral(cast.north, status=Status.ACCEPTED)
        traveller.shift(dt.timedelta(days=7))  # the next Monday: five working days later
        assert not overdue(referral)
        traveller.shift(dt.timedelta(hours=1))
        assert overdue(referral)
        attempt(cast, referral)
        assert not overdue(referral)
        traveller.shift(dt.timedelta(days=8))
        assert overdue(referral)
        attempt(cast, referral, successful=True)
        assert not overdue(referral)


def test_working_days_skip_weekends() -> None:
    friday = dt.datetime(2026, 3, 6, 12, 0, tzinfo=LONDON)
    assert rules.working_days_before(friday, 5) == dt.datetime(2026, 2, 27, 12, 0, tzinfo=LONDON)
    assert rules.working_days_before(MONDAY, 1) == dt.datetime(2026, 2, 27, 9, 0, tzinfo=LONDON)


def test_other_apps_can_add_reasons_a_referral_is_due_for_follow_up(cast: Cast) -> None:
    active = make_referral(cast.north, status=Status.ACTIVE)
    follow_up = make_referral(cast.north, status=Status.FOLLOW_UP)
    make_referral(cast.north, status=Status.ACTIVE)

    def prescription_ended(now: dt.datetime) -> Q:
        return Q(pk=active.pk)

    assert list(rules.filter_follow_up_due(Referral.objects.all())) == [follow_up]
    rules.register_follow_up_due(prescription_ended)
    try:
        due = set(rules.filter_follow_up_due(Referral.objects.all()))
    finally:
        rules._FOLLOW_UP_CONDITIONS.remove(prescription_ended)
    assert due == {active, follow_up}
