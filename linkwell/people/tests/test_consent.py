"""Recording consent and withdrawing it: nothing is deleted, everything is attributed and audited."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditAction, AuditEvent
from linkwell.people import services
from linkwell.people.models import Consent, ConsentScope
from linkwell.testing.access import assert_access_matrix
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import ConsentFactory, PersonFactory

GIVEN = {"scope": "share_with_providers", "granted": "yes", "method": "verbal", "given_by": "person"}


def test_a_link_worker_records_consent_once_even_if_submitted_twice(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    login_as(client, cast.north.link_worker)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(reverse("people:consent_add", args=[person.pk]), {**GIVEN, "creation_key": key})
        assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.recorded_by == cast.north.link_worker.user
    assert consent.recorded_by_organisation == cast.north.link_service
    assert person.has_consent(ConsentScope.SHARE_WITH_PROVIDERS)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="people.Consent").count() == 1


def test_consent_given_by_a_representative_needs_their_name(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:consent_add", args=[person.pk]), {**GIVEN, "given_by": "representative"})
    assert "Enter the name of the person&#x27;s representative" in response.content.decode()
    assert not Consent.objects.exists()


def test_missing_answers_are_each_named(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    login_as(client, cast.north.link_worker)
    body = client.post(reverse("people:consent_add", args=[person.pk]), {}).content.decode()
    for message in (
        "Select what the consent is for",
        "Select whether the person agreed",
        "Select how the consent was given",
    ):
        assert message in body
    assert not Consent.objects.exists()


def test_withdrawing_consent_keeps_the_record_and_says_who_and_why(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    consent = ConsentFactory.create(person=person, scope=ConsentScope.SHARE_WITH_PROVIDERS)
    login_as(client, cast.north.link_worker)
    url = reverse("people:consent_withdraw", args=[person.pk, consent.pk])
    response = client.post(url, {"reason": "Changed their mind on the phone"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == cast.north.link_worker.user
    assert consent.withdrawal_reason == "Changed their mind on the phone"
    assert not person.has_consent(ConsentScope.SHARE_WITH_PROVIDERS)
    assert Consent.objects.count() == 1
    event = AuditEvent.objects.get(action=AuditAction.WITHDRAW)
    assert event.person_id == person.pk
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Withdrawn" in page


def test_withdrawal_needs_a_reason(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    consent = ConsentFactory.create(person=person)
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:consent_withdraw", args=[person.pk, consent.pk]), {"reason": " "})
    assert "Enter why consent is being withdrawn" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_withdrawing_twice_is_refused_by_the_service(cast: Cast) -> None:
    consent = ConsentFactory.create(person=PersonFactory.create(scheme=cast.north.scheme))
    services.consent_withdraw(actor=cast.north.link_worker, consent=consent, reason="asked")
    with pytest.raises(services.ConsentAlreadyWithdrawn):
        services.consent_withdraw(actor=cast.north.link_worker, consent=consent, reason="again")
    assert AuditEvent.objects.filter(action=AuditAction.WITHDRAW).count() == 1


def test_a_later_decision_replaces_an_earlier_one(cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    services.consent_record(
        actor=cast.north.link_worker,
        person=person,
        scope=ConsentScope.EVALUATION,
        granted=False,
        method="verbal",
        given_by="person",
    )
    assert not person.has_consent(ConsentScope.EVALUATION)
    services.consent_record(
        actor=cast.north.link_worker,
        person=person,
        scope=ConsentScope.EVALUATION,
        granted=True,
        method="written",
        given_by="person",
    )
    assert person.has_consent(ConsentScope.EVALUATION)


def test_access_matrix_for_withdrawing_consent(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.practice)
    consent = ConsentFactory.create(person=person)
    url = reverse("people:consent_withdraw", args=[person.pk, consent.pk])
    assert_access_matrix(client, cast, url, allowed={"referrer", "link_worker", "admin"})


def test_a_consent_id_from_another_person_is_not_found(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    other = ConsentFactory.create(person=PersonFactory.create(scheme=cast.north.scheme))
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:consent_withdraw", args=[person.pk, other.pk]), {"reason": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.withdrawn_at is None
