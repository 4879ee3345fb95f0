"""The public self-referral form: no sign-in, spam protection, rate limiting, no duplicates."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.people.models import Consent, ConsentMethod, Person
from linkwell.referrals.forms import started_token
from linkwell.referrals.models import Channel, Referral, Source, Status
from linkwell.testing.cast import Cast
from linkwell.testing.factories import PersonFactory


def _started(seconds_ago: int = 60) -> str:
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=seconds_ago)):
        return started_token()


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "given_name": "Nora",
        "family_name": "Quill",
        "date_of_birth_0": "12",
        "date_of_birth_1": "2",
        "date_of_birth_2": "1958",
        "postcode": "ls1 4ap",
        "phone": "07700 900321",
        "email": "",
        "preferred_contact_method": "phone",
        "needs": ["loneliness", "bereavement"],
        "reason_text": "Since my sister died I hardly see anyone.",
        "what_matters": "Having someone to talk to",
        "consent_to_refer": "on",
        "website": "",
        "started": _started(),
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _url(cast: Cast) -> str:
    return reverse("self_referral:form", args=[cast.north.scheme.slug])


def test_a_resident_refers_themselves_without_signing_in(client: Client, cast: Cast) -> None:
    assert client.get(_url(cast)).status_code == 200
    response = client.post(_url(cast), _form())
    assert response.status_code == 302
    assert response["Location"] == reverse("self_referral:done", args=[cast.north.scheme.slug])
    referral = Referral.objects.get()
    assert (referral.source, referral.channel, referral.status) == (Source.SELF, Channel.SELF_FORM, Status.RECEIVED)
    assert referral.scheme == cast.north.scheme and referral.referring_organisation is None
    person = referral.person
    assert (person.given_name, person.postcode, person.date_of_birth) == ("Nora", "LS1 4AP", dt.date(1958, 2, 12))
    consents = {(c.scope, c.granted, c.method) for c in Consent.objects.filter(person=person)}
    assert ("refer", True, ConsentMethod.ELECTRONIC) in consents
    assert ("share_with_providers", False, ConsentMethod.ELECTRONIC) in consents
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_a_self_referral_reaches_the_schemes_triage_queue_only(client: Client, cast: Cast) -> None:
    from linkwell.referrals.policies import triage_queue_for

    client.post(_url(cast), _form())
    assert triage_queue_for(cast.north.link_worker).count() == 1
    assert triage_queue_for(cast.south.link_worker).count() == 0


def test_a_resident_already_recorded_is_linked_not_duplicated(client: Client, cast: Cast) -> None:
    existing = PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Nora",
        family_name="Quill",
        date_of_birth=dt.date(1958, 2, 12),
        postcode="LS1 4AP",
    )
    client.post(_url(cast), _form(given_name="NORA"))
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == existing


def test_a_double_submitted_self_referral_creates_one_referral(client: Client, cast: Cast) -> None:
    data = _form()
    client.post(_url(cast), data)
    client.post(_url(cast), data)
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_a_filled_honeypot_looks_like_success_but_writes_nothing(client: Client, cast: Cast) -> None:
    response = client.post(_url(cast), _form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_a_form_sent_too_quickly_or_with_a_forged_start_is_refused(client: Client, cast: Cast) -> None:
    too_fast = client.post(_url(cast), _form(started=started_token()))
    assert "Please take a moment to check your answers" in too_fast.content.decode()
    forged = client.post(_url(cast), _form(started="started:forged"))
    assert "This form has expired" in forged.content.decode()
    stale = client.post(_url(cast), _form(started=_started(seconds_ago=60 * 60 * 5)))
    assert "This form has expired" in stale.content.decode()
    assert not Referral.objects.exists()


def test_too_many_submissions_from_one_address_are_refused(client: Client, cast: Cast, settings: Any) -> None:
    settings.LINKWELL_SELF_REFERRAL_LIMIT = 2
    for _ in range(2):
        assert client.post(_url(cast), _form()).status_code == 302
    limited = client.post(_url(cast), _form())
    assert limited.status_code == 429
    assert "Please try again later" in limited.content.decode()
    assert Referral.objects.count() == 2
    other_address = client.post(_url(cast), _form(), REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"given_name": ""}, "Enter your first name"),
        ({"date_of_birth_2": "2999"}, "Date of birth must be in the past"),
        ({"postcode": "ZZ99 9ZZ"}, "Check it is a current postcode"),
        ({"postcode": "hello"}, "Enter a full UK postcode"),
        ({"phone": ""}, "Enter a phone number, or choose another way for us to contact you"),
        (
            {"preferred_contact_method": "email", "email": "not-an-email"},
            "Enter an email address in the correct format",
        ),
        ({"needs": None}, "Select at least one thing you would like help with"),
        ({"reason_text": ""}, "Tell us a little about what is going on"),
        ({"consent_to_refer": None}, "You need to agree to be contacted"),
    ],
)
def test_bad_self_referrals_are_explained_and_write_nothing(
    client: Client, cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    response = client.post(_url(cast), _form(**overrides))
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert "There is a problem" in body
    assert message in body
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_an_unknown_or_inactive_scheme_has_no_form(client: Client, cast: Cast) -> None:
    assert client.get(reverse("self_referral:form", args=["nowhere"])).status_code == 404
    cast.south.scheme.is_active = False
    cast.south.scheme.save()
    assert client.get(reverse("self_referral:form", args=[cast.south.scheme.slug])).status_code == 404
