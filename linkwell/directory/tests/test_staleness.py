"""Verification clock: prompting after the scheme's months, dropping out of matching after 12."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from linkwell.directory.models import Service, ServiceStatus, months_before
from linkwell.directory.tests.schemes import new_scheme

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def listing(verified: dt.datetime | None, scheme_slug: str = "north", **fields: Any) -> Service:
    scheme = new_scheme(slug=scheme_slug)
    return Service.objects.create(
        scheme=scheme,
        name=f"verified {verified}",
        last_verified_at=verified,
        created_at=fields.pop("created_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        **fields,  # type: ignore[arg-type]
    )


def test_months_before_clips_to_the_end_of_shorter_months() -> None:
    assert months_before(dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC), 1) == dt.datetime(2026, 2, 28, 9, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 12) == dt.datetime(2025, 1, 15, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 1, 15, tzinfo=dt.UTC), 13) == dt.datetime(2024, 12, 15, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=False)
def test_a_listing_needs_verification_after_the_schemes_period_and_is_stale_after_a_year() -> None:
    fresh = listing(NOW - dt.timedelta(days=30))
    due = listing(NOW - dt.timedelta(days=200))
    stale = listing(NOW - dt.timedelta(days=400))
    assert set(Service.objects.needs_verification()) == {due, stale}
    assert set(Service.objects.stale()) == {stale}
    assert set(Service.objects.not_stale()) == {fresh, due}
    assert set(Service.objects.matchable()) == {fresh, due}
    assert (fresh.needs_verification(), due.needs_verification(), due.is_stale(), stale.is_stale()) == (
        False,
        True,
        False,
        True,
    )


@time_machine.travel(NOW, tick=False)
def test_each_scheme_uses_its_own_verification_period() -> None:
    strict = new_scheme(slug="strict", listing_verify_months=2)
    relaxed = new_scheme(slug="relaxed", listing_verify_months=9)
    three_months = NOW - dt.timedelta(days=95)
    a = Service.objects.create(scheme=strict, name="a", last_verified_at=three_months)
    b = Service.objects.create(scheme=relaxed, name="b", last_verified_at=three_months)
    assert list(Service.objects.needs_verification()) == [a]
    assert b.needs_verification() is False


@time_machine.travel(NOW, tick=False)
def test_a_never_verified_listing_counts_from_when_it_was_added() -> None:
    new = listing(None, created_at=NOW - dt.timedelta(days=3))
    old = listing(None, created_at=NOW - dt.timedelta(days=500))
    assert set(Service.objects.stale()) == {old}
    assert new in Service.objects.matchable()


@time_machine.travel(NOW, tick=False)
def test_matching_leaves_out_inactive_services_and_inactive_schemes() -> None:
    closed = listing(NOW, status=ServiceStatus.TEMPORARILY_CLOSED)
    hidden_scheme = new_scheme(slug="gone", is_active=False)
    gone = Service.objects.create(scheme=hidden_scheme, name="gone", last_verified_at=NOW)
    live = listing(NOW)
    assert list(Service.objects.matchable()) == [live]
    assert closed not in Service.objects.active() and gone not in Service.objects.active()
    assert list(Service.objects.for_scheme(hidden_scheme)) == [gone]
