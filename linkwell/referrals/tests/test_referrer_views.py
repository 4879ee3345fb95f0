"""The referrer's journey: find or add the person, send the referral, follow every referral made."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditAction, AuditEvent
from linkwell.people.models import Consent, ConsentScope, Person
from linkwell.people.policies import people_for
from linkwell.referrals import lifecycle
from linkwell.referrals.models import Channel, ClosureReason, Referral, Source, Status
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import PersonFactory

from .factories import make_referral, person_at

DETAILS = {
    "needs": ["loneliness", "low_mood"],
    "reason_text": "Lost her husband last year; says she goes days without speaking to anyone.",
    "what_matters": "Getting back to singing",
    "urgency": "routine",
    "consent_to_refer": "on",
    "consent_to_share": "on",
}


def _post_details(client: Client, person: Any, **overrides: Any) -> Any:
    data = {**DETAILS, "idempotency_key": str(uuid.uuid4()), **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("referrals:create", args=[person.pk]), data)


def test_a_referrer_sends_a_referral_and_lands_on_its_status_page(client: Client, cast: Cast) -> None:
    person = person_at(cast.north)
    login_as(client, cast.north.referrer)
    response = _post_details(client, person)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.status, referral.source, referral.channel) == (Status.RECEIVED, Source.GP, Channel.FORM)
    assert referral.referring_organisation == cast.north.practice
    assert referral.needs == ["loneliness", "low_mood"]
    assert [e.to_status for e in referral.events.all()] == [Status.RECEIVED]
    scopes = {(c.scope, c.granted) for c in Consent.objects.filter(person=person)}
    assert scopes == {(ConsentScope.REFER, True), (ConsentScope.SHARE_WITH_PROVIDERS, True)}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="referrals.Referral").count() == 1
    page = client.get(response["Location"])
    assert "Received" in page.content.decode()
    assert "Getting back to singing" in page.content.decode()


def test_a_double_submitted_referral_form_creates_one_referral(client: Client, cast: Cast) -> None:
    person = person_at(cast.north)
    login_as(client, cast.north.referrer)
    key = str(uuid.uuid4())
    first = _post_details(client, person, idempotency_key=key)
    second = _post_details(client, person, idempotency_key=key)
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Consent.objects.filter(person=person, scope=ConsentScope.REFER).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"needs": None}, "Select at least one reason for referral"),
        ({"needs": ["astrology"]}, "Select a valid choice"),
        ({"reason_text": ""}, "Say in your own words why you are referring them"),
        ({"reason_text": "x" * 4001}, "Keep this to 4,000 characters or fewer"),
        ({"urgency": "yesterday"}, "Select a valid choice"),
        ({"consent_to_refer": None}, "The person must agree to be referred"),
        ({"safeguarding_concern": "on", "safeguarding_details": ""}, "Describe the safeguarding concern"),
    ],
)
def test_bad_referral_details_are_explained_and_write_nothing(
    client: Client, cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    person = person_at(cast.north)
    login_as(client, cast.north.referrer)
    audits = AuditEvent.objects.count()
    response = _post_details(client, person, **overrides)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Referral.objects.exists()
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_safeguarding_concern_is_kept_and_shown_first(client: Client, cast: Cast) -> None:
    person = person_at(cast.north)
    login_as(client, cast.north.referrer)
    response = _post_details(
        client, person, urgency="urgent", safeguarding_concern="on", safeguarding_details="Son takes her pension"
    )
    referral = Referral.objects.get()
    assert referral.safeguarding_concern and referral.is_urgent
    assert "Son takes her pension" in client.get(response["Location"]).content.decode()


def test_the_find_step_lists_people_the_referrer_may_see_with_a_link_to_refer_them(client: Client, cast: Cast) -> None:
    mine = person_at(cast.north, given_name="Edith", family_name="Crane")
    PersonFactory.create(
        scheme=cast.north.scheme,
        registered_practice=cast.north.other_practice,
        given_name="Edith",
        family_name="Cranleigh",
    )
    login_as(client, cast.north.referrer)
    response = client.get(reverse("referrals:start"), {"q": "edith cran"})
    body = response.content.decode()
    assert reverse("referrals:create", args=[mine.pk]) in body
    assert "Cranleigh" not in body


def test_the_find_step_explains_an_empty_search(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.referrer)
    response = client.get(reverse("referrals:start"), {"q": ""})
    assert "Enter a name, NHS number or date of birth to search" in response.content.decode()


PERSON = {
    "given_name": "Arthur",
    "family_name": "Penn",
    "date_of_birth_0": "3",
    "date_of_birth_1": "9",
    "date_of_birth_2": "1941",
    "nhs_number": "",
    "postcode": "LS1 4AP",
    "phone": "07700 900456",
    "preferred_contact_method": "phone",
    "language": "English",
    "sex": "1",
    "ethnic_category": "A",
}


def test_adding_someone_new_goes_straight_on_to_the_referral(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.referrer)
    response = client.post(reverse("referrals:add_person"), {**PERSON, "creation_key": str(uuid.uuid4())})
    person = Person.objects.get()
    assert response["Location"] == reverse("referrals:create", args=[person.pk])


def test_adding_someone_already_recorded_offers_their_record_first(client: Client, cast: Cast) -> None:
    existing = PersonFactory.create(
        scheme=cast.north.scheme,
        created_by_organisation=cast.north.practice,
        given_name="Arthur",
        family_name="Penn",
        date_of_birth="1941-09-03",
        postcode="LS1 4AP",
    )
    login_as(client, cast.north.referrer)
    response = client.post(reverse("referrals:add_person"), {**PERSON, "creation_key": str(uuid.uuid4())})
    assert response.status_code == 200
    assert reverse("referrals:create", args=[existing.pk]) in response.content.decode()
    assert Person.objects.count() == 1


def test_adding_a_person_with_bad_details_explains_and_writes_nothing(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.referrer)
    response = client.post(reverse("referrals:add_person"), {**PERSON, "postcode": "nowhere", "given_name": ""})
    body = response.content.decode()
    assert "Enter the person&#x27;s first name" in body or "Enter the person's first name" in body
    assert "Enter a full UK postcode" in body
    assert not Person.objects.exists()


def test_the_referrer_sees_every_referral_its_organisation_made_and_no_other(client: Client, cast: Cast) -> None:
    ours = [make_referral(cast.north, status=s) for s in (Status.RECEIVED, Status.ACTIVE, Status.REJECTED)]
    theirs = make_referral(cast.north, referrer=cast.north.other_referrer)
    elsewhere = make_referral(cast.south)
    login_as(client, cast.north.referrer)
    body = client.get(reverse("referrals:list")).content.decode()
    for referral in ours:
        assert reverse("referrals:detail", args=[referral.pk]) in body
    assert reverse("referrals:detail", args=[theirs.pk]) not in body
    assert reverse("referrals:detail", args=[elsewhere.pk]) not in body
    assert "Not accepted" in body and "Active" in body


def test_the_list_filters_by_status(client: Client, cast: Cast) -> None:
    received = make_referral(cast.north)
    closed = make_referral(cast.north, status=Status.CLOSED)
    login_as(client, cast.north.link_worker)
    body = client.get(reverse("referrals:list"), {"status": "closed"}).content.decode()
    assert reverse("referrals:detail", args=[closed.pk]) in body
    assert reverse("referrals:detail", args=[received.pk]) not in body
    assert client.get(reverse("referrals:list"), {"status": "nonsense"}).status_code == 200


def test_the_referrer_sees_the_timeline_and_the_outcome_of_a_closed_referral(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACTIVE)
    lifecycle.referral_close(
        actor=cast.north.link_worker,
        referral=referral,
        reason=ClosureReason.COMPLETED,
        note="Joined the choir and a walking group; feels much less alone.",
    )
    login_as(client, cast.north.referrer)
    body = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Got help (completed)" in body
    assert "Joined the choir" in body
    for label in ("Received", "Accepted", "Contacted", "Assessed", "Active", "Closed"):
        assert label in body
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="referrals.Referral").exists()


def test_a_referrer_can_see_a_person_its_organisation_referred(cast: Cast) -> None:
    elsewhere = PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.other_practice)
    assert not people_for(cast.north.referrer).filter(pk=elsewhere.pk).exists()
    make_referral(cast.north, person=elsewhere)
    make_referral(cast.north, person=elsewhere)
    assert list(people_for(cast.north.referrer).filter(pk=elsewhere.pk)) == [elsewhere]
    assert not people_for(cast.south.referrer).filter(pk=elsewhere.pk).exists()


def test_referral_pages_answer_only_the_roles_that_may_use_them(client: Client, cast: Cast) -> None:
    person = person_at(cast.north)
    assert_role_access(client, cast, reverse("referrals:start"), allowed={"referrer", "other_referrer"})
    assert_role_access(client, cast, reverse("referrals:add_person"), allowed={"referrer", "other_referrer"})
    assert_access_matrix(client, cast, reverse("referrals:create", args=[person.pk]), allowed={"referrer"})
    assert_role_access(
        client,
        cast,
        reverse("referrals:list"),
        allowed={"referrer", "other_referrer", "link_worker", "scheme_manager", "admin"},
    )


def test_a_referral_is_seen_by_its_organisation_and_the_scheme_team_only(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    assert_access_matrix(
        client,
        cast,
        reverse("referrals:detail", args=[referral.pk]),
        allowed={"referrer", "link_worker", "scheme_manager", "admin"},
    )
