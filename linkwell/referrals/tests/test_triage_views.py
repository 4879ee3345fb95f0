"""The triage queue: urgent first, then oldest; accept with a link worker or decline with a reason."""

from __future__ import annotations

import re

import time_machine
from django.test import Client
from django.urls import reverse

from linkwell.referrals.models import Referral, RejectionReason, Status
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as

from .factories import make_referral


def test_the_queue_puts_urgent_first_then_the_longest_waiting_with_days_shown(client: Client, cast: Cast) -> None:
    with time_machine.travel("2026-01-05 09:00:00+00:00", tick=False):
        old_routine = make_referral(cast.north)
    with time_machine.travel("2026-01-10 09:00:00+00:00", tick=False):
        newer_routine = make_referral(cast.north)
        make_referral(cast.north, status=Status.ACCEPTED)  # already triaged: not in the queue
    with time_machine.travel("2026-01-12 09:00:00+00:00", tick=False):
        urgent = make_referral(cast.north, urgency="urgent")
    make_referral(cast.south)  # another scheme's
    with time_machine.travel("2026-01-15 10:00:00+00:00", tick=False):
        login_as(client, cast.north.link_worker)
        body = client.get(reverse("referrals:triage")).content.decode()
    order = [int(pk) for pk in re.findall(r'data-days-waiting="(\d+)"', body)]
    assert order == [urgent.pk, old_routine.pk, newer_routine.pk]
    days = dict(re.findall(r'data-days-waiting="(\d+)">(\d+)<', body))
    assert days == {str(urgent.pk): "3", str(old_routine.pk): "10", str(newer_routine.pk): "5"}
    assert "3 referrals waiting" in body


def test_only_link_workers_and_scheme_managers_triage(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    assert_role_access(client, cast, reverse("referrals:triage"), allowed={"link_worker", "scheme_manager"})
    for name in ("referrals:accept", "referrals:reject"):
        assert_access_matrix(client, cast, reverse(name, args=[referral.pk]), allowed={"link_worker", "scheme_manager"})


def test_a_link_worker_accepts_and_assigns(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    login_as(client, cast.north.scheme_manager)
    response = client.post(
        reverse("referrals:accept", args=[referral.pk]),
        {"assigned_to": cast.north.link_worker.pk, "note": "Sam knows the family"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.assigned_to == cast.north.link_worker
    event = referral.events.last()
    assert event is not None and event.note == "Sam knows the family"


def test_accepting_refuses_someone_who_is_not_a_link_worker_of_the_scheme(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    login_as(client, cast.north.link_worker)
    for wrong in (cast.south.link_worker.pk, cast.north.referrer.pk, "", "abc"):
        response = client.post(reverse("referrals:accept", args=[referral.pk]), {"assigned_to": wrong})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert referral.events.count() == 1


def test_a_link_worker_declines_with_a_reason_the_referrer_then_sees(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    login_as(client, cast.north.link_worker)
    client.post(
        reverse("referrals:reject", args=[referral.pk]),
        {"reason": RejectionReason.NEEDS_CLINICAL_CARE, "note": "Please refer to the crisis team today."},
    )
    referral.refresh_from_db()
    assert referral.status == Status.REJECTED
    login_as(client, cast.north.referrer)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Needs urgent clinical or crisis care" in body
    assert "Please refer to the crisis team today." in body


def test_declining_needs_a_reason_and_a_note_for_other(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    login_as(client, cast.north.link_worker)
    url = reverse("referrals:reject", args=[referral.pk])
    assert "Select why the referral is not being accepted" in client.post(url, {}).content.decode()
    assert "Explain the reason in the note" in client.post(url, {"reason": "other", "note": " "}).content.decode()
    assert "Select a valid choice" in client.post(url, {"reason": "because"}).content.decode()
    assert Referral.objects.get().status == Status.RECEIVED


def test_a_referral_already_triaged_is_not_triaged_twice(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("referrals:reject", args=[referral.pk]), {"reason": "duplicate"}, follow=True)
    assert "already been triaged" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
