"""Creating referrals directly through the service: consent, validation and the double-submit race."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from linkwell.people.models import Consent
from linkwell.referrals import services
from linkwell.referrals.models import Need, Referral, ReferralQuerySet
from linkwell.testing.cast import Cast

from .factories import person_at

VALUES: dict[str, Any] = {
    "needs": [Need.DEBT],
    "reason_text": "Bailiff letters piling up.",
    "consent_to_refer": True,
    "consent_to_share": False,
}


def test_it_refuses_a_referral_without_consent_to_refer(cast: Cast) -> None:
    person = person_at(cast.north)
    with pytest.raises(services.ConsentRequired):
        services.referral_create(actor=cast.north.referrer, person=person, **{**VALUES, "consent_to_refer": False})
    assert not Referral.objects.exists()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("role", ["link_worker", "provider", "volunteer", "scheme_manager", "admin"])
def test_only_referrers_send_referrals(cast: Cast, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.referral_create(actor=cast.north.member(role), person=person_at(cast.north), **VALUES)


def test_it_refuses_a_person_from_another_scheme(cast: Cast) -> None:
    with pytest.raises(ValueError, match="another scheme"):
        services.referral_create(actor=cast.north.referrer, person=person_at(cast.south), **VALUES)


@pytest.mark.parametrize(
    "change",
    [{"needs": []}, {"needs": ["made_up"]}, {"reason_text": "  "}, {"urgency": "soon"}, {"safeguarding": True}],
)
def test_it_refuses_incomplete_details_and_writes_nothing(cast: Cast, change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        services.referral_create(actor=cast.north.referrer, person=person_at(cast.north), **{**VALUES, **change})
    assert not Referral.objects.exists()
    assert not Consent.objects.exists()


def test_a_concurrent_repeat_that_loses_the_race_gets_the_first_referral(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = person_at(cast.north)
    key = str(uuid.uuid4())
    first = services.referral_create(actor=cast.north.referrer, person=person, idempotency_key=key, **VALUES)
    real_first = ReferralQuerySet.first
    calls = {"n": 0}

    def miss_once(self: ReferralQuerySet) -> Referral | None:
        # The repeat's look-up runs before the first request commits, so it finds nothing.
        calls["n"] += 1
        return None if calls["n"] == 1 else real_first(self)

    monkeypatch.setattr(ReferralQuerySet, "first", miss_once)
    again = services.referral_create(actor=cast.north.referrer, person=person, idempotency_key=key, **VALUES)
    assert again.pk == first.pk
    assert Referral.objects.count() == 1
    assert Consent.objects.filter(person=person).count() == 2  # the loser's consent rows were rolled back


def test_the_same_key_with_a_different_request_is_a_conflict(cast: Cast) -> None:
    person = person_at(cast.north)
    services.referral_create(actor=cast.north.referrer, person=person, idempotency_key="k", fingerprint="a", **VALUES)
    with pytest.raises(services.IdempotencyConflict):
        services.referral_create(
            actor=cast.north.referrer, person=person, idempotency_key="k", fingerprint="b", **VALUES
        )
