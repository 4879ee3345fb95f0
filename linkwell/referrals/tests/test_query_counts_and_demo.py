"""Referral lists cost the same number of queries however long they are; demo histories obey the state machine."""

from __future__ import annotations

import random

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.referrals.demo import build_demo_referrals
from linkwell.referrals.lifecycle import ALLOWED
from linkwell.referrals.models import Referral, ReferralEvent, Source, Status
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import PersonFactory

from .factories import make_referral


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_list_and_queue_query_counts_do_not_grow_with_rows(client: Client, cast: Cast) -> None:
    make_referral(cast.north)
    login_as(client, cast.north.link_worker)
    urls = [reverse("referrals:list"), reverse("referrals:triage")]
    before = [_queries(client, url) for url in urls]
    for _ in range(8):
        make_referral(cast.north, referrer=cast.north.other_referrer)
    assert [_queries(client, url) for url in urls] == before


def test_the_detail_page_query_count_does_not_grow_with_events(client: Client, cast: Cast) -> None:
    short = make_referral(cast.north, status=Status.ACCEPTED)
    long = make_referral(cast.north, status=Status.REOPENED)
    login_as(client, cast.north.link_worker)
    assert _queries(client, reverse("referrals:detail", args=[long.pk])) == _queries(
        client, reverse("referrals:detail", args=[short.pk])
    )


def test_demo_referrals_cover_every_state_and_source_with_consistent_events(cast: Cast) -> None:
    for _ in range(30):
        PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.practice)
    made = build_demo_referrals(cast.north.scheme, random.Random(7), count=300)
    assert made == 300
    referrals = Referral.objects.filter(scheme=cast.north.scheme)
    assert {r.status for r in referrals} >= set(Status.values) - {Status.REOPENED}
    assert {r.source for r in referrals} == set(Source.values)
    for referral in referrals.with_derived_status():
        assert referral.status == referral.event_status  # type: ignore[attr-defined]
    for event in ReferralEvent.objects.filter(referral__scheme=cast.north.scheme).exclude(from_status=""):
        assert event.from_status == Status.ON_HOLD or event.to_status in ALLOWED[event.from_status]
