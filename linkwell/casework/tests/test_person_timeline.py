"""The person page shows one timeline across all of the person's referrals, to roles that see casework."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.casework.services import contact_log
from linkwell.referrals.models import Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast, login_as


def test_a_link_worker_sees_events_and_contacts_of_every_referral_on_the_person_page(
    client: Client, cast: Cast
) -> None:
    first = make_referral(cast.north, status=Status.ACCEPTED)
    second = make_referral(cast.north, status=Status.RECEIVED, person=first.person)
    contact_log(
        actor=cast.north.link_worker,
        referral=first,
        kind="phone",
        successful=False,
        occurred_at=timezone.now(),
        notes="No answer, left a voicemail",
    )
    login_as(client, cast.north.link_worker)
    body = client.get(reverse("people:detail", args=[first.person.pk])).content.decode()
    assert "<h2>Timeline</h2>" in body
    assert "No answer, left a voicemail" in body
    assert body.count("Referral received") >= 2
    assert second.pk != first.pk


def test_a_referrer_sees_the_referrals_but_not_the_casework_timeline(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED, referrer=cast.north.referrer)
    contact_log(
        actor=cast.north.link_worker,
        referral=referral,
        kind="phone",
        successful=False,
        occurred_at=timezone.now(),
        notes="Private casework note",
    )
    login_as(client, cast.north.referrer)
    body = client.get(reverse("people:detail", args=[referral.person.pk])).content.decode()
    assert "<h2>Referrals</h2>" in body
    assert "Private casework note" not in body
    assert "<h2>Timeline</h2>" not in body
