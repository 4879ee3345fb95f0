"""Adding, finding, viewing and changing people: duplicates, audit, scoping and bad input."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditAction, AuditEvent
from linkwell.people import services
from linkwell.people.models import Person
from linkwell.people.policies import people_for
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import PersonFactory

VALID = {
    "given_name": "Margaret",
    "family_name": "Hale",
    "date_of_birth_0": "17",
    "date_of_birth_1": "5",
    "date_of_birth_2": "1948",
    "nhs_number": "943 476 5919",
    "postcode": "ls1 4ap",
    "phone": "07700 900123",
    "preferred_contact_method": "phone",
    "language": "English",
    "sex": "2",
    "ethnic_category": "A",
}


def test_a_link_worker_adds_a_person_and_the_creation_is_audited(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:create"), {**VALID, "creation_key": str(uuid.uuid4())})
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.postcode == "LS1 4AP"
    assert person.nhs_number == "9434765919"
    assert person.scheme == cast.north.scheme
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, person_id=person.pk, actor=cast.north.link_worker.user
    ).exists()


def test_a_double_submit_creates_one_person(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    key = str(uuid.uuid4())
    first = client.post(reverse("people:create"), {**VALID, "creation_key": key})
    second = client.post(reverse("people:create"), {**VALID, "creation_key": key})
    assert Person.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nhs_number", "0000000000", "This is not a valid NHS number"),
        ("nhs_number", "943 476 5918", "This is not a valid NHS number"),
        ("postcode", "NOT A POSTCODE", "Enter a full UK postcode"),
        ("postcode", "", "Enter the person&#x27;s postcode"),
        ("given_name", "", "Enter the person&#x27;s first name"),
        ("date_of_birth_1", "13", "Date of birth must be a real date"),
        ("date_of_birth_2", "2999", "Date of birth must be in the past"),
        ("date_of_birth_0", "", "Date of birth must include a day"),
        ("phone", "call me", "Enter a phone number"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    client: Client, cast: Cast, field: str, value: str, message: str
) -> None:
    login_as(client, cast.north.link_worker)
    audit_before = AuditEvent.objects.count()
    response = client.post(reverse("people:create"), {**VALID, field: value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_choosing_email_contact_without_an_address_is_refused(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:create"), {**VALID, "preferred_contact_method": "email"})
    assert "Enter an email address, or choose another way to contact them" in response.content.decode()
    assert Person.objects.count() == 0


def test_a_possible_duplicate_is_offered_before_creating(client: Client, cast: Cast) -> None:
    existing = PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Margaret",
        family_name="Hale",
        date_of_birth=dt.date(1948, 5, 17),
        postcode="LS1 4AP",
        registered_practice=cast.north.practice,
    )
    login_as(client, cast.north.link_worker)
    data = {**VALID, "nhs_number": ""}
    response = client.post(reverse("people:create"), data)
    body = response.content.decode()
    assert "This person may already be recorded" in body
    assert reverse("people:detail", args=[existing.pk]) in body
    assert Person.objects.count() == 1
    confirmed = client.post(reverse("people:create"), {**data, "confirm_step": "1", "confirm_new": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_duplicate_check_without_confirmation_shows_an_error(client: Client, cast: Cast) -> None:
    PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Margaret",
        family_name="Hale",
        date_of_birth=dt.date(1948, 5, 17),
        postcode="LS1 4AP",
    )
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:create"), {**VALID, "nhs_number": "", "confirm_step": "1"})
    assert "Open the matching record, or confirm that none of these is the person" in response.content.decode()
    assert Person.objects.count() == 1


def test_an_nhs_number_already_in_the_scheme_cannot_be_added_again(client: Client, cast: Cast) -> None:
    PersonFactory.create(scheme=cast.north.scheme, nhs_number="9434765919")
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:create"), VALID)
    assert "A person with this NHS number is already recorded in this scheme" in response.content.decode()
    assert Person.objects.count() == 1


def test_the_same_nhs_number_may_exist_in_another_scheme(cast: Cast) -> None:
    PersonFactory.create(scheme=cast.south.scheme, nhs_number="9434765919")
    check = services.find_possible_duplicates(actor=cast.north.link_worker, nhs_number="9434765919")
    assert not check.found


def test_duplicates_a_referrer_cannot_see_are_counted_not_shown(cast: Cast) -> None:
    PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(1960, 1, 2),
        postcode="LS1 4AP",
        registered_practice=cast.north.other_practice,
    )
    check = services.find_possible_duplicates(
        actor=cast.north.referrer,
        given_name="ann",
        family_name="LEE",
        date_of_birth=dt.date(1960, 1, 2),
        postcode="LS1 4AP",
    )
    assert check.visible == []
    assert check.hidden_count == 1


def test_viewing_a_record_is_audited(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme)
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert event.person_id == person.pk
    assert event.actor == cast.north.link_worker.user
    assert event.organisation == cast.north.link_service
    assert event.scheme == cast.north.scheme


def test_changing_details_audits_old_and_new_values(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Margaret",
        family_name="Hale",
        date_of_birth=dt.date(1948, 5, 17),
        phone="07700 900123",
    )
    login_as(client, cast.north.link_worker)
    response = client.post(
        reverse("people:edit", args=[person.pk]), {**VALID, "nhs_number": "", "phone": "07700 900999"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.changes["phone"] == ["07700 900123", "07700 900999"]
    person.refresh_from_db()
    assert person.phone == "07700 900999"


def test_a_failed_change_leaves_the_record_as_it_was(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme, given_name="Margaret")
    login_as(client, cast.north.link_worker)
    client.post(reverse("people:edit", args=[person.pk]), {**VALID, "given_name": "Maggie", "postcode": "XX"})
    person.refresh_from_db()
    assert person.given_name == "Margaret"
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_search_finds_by_name_and_nhs_number_within_scope_and_is_audited(client: Client, cast: Cast) -> None:
    mine = PersonFactory.create(
        scheme=cast.north.scheme,
        given_name="Margaret",
        family_name="Hale",
        nhs_number="9434765919",
        registered_practice=cast.north.practice,
    )
    PersonFactory.create(scheme=cast.south.scheme, given_name="Margaret", family_name="Hale")
    login_as(client, cast.north.referrer)
    by_name = client.get(reverse("people:search"), {"q": "marg hal"})
    assert list(by_name.context["results"]) == [mine]
    by_number = client.get(reverse("people:search"), {"q": "943 476"})
    assert list(by_number.context["results"]) == [mine]
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH).count() == 2


def test_an_empty_search_asks_for_something_to_search_by(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("people:search"), {"q": ""})
    assert "Enter a name, NHS number or date of birth to search" in response.content.decode()


def test_who_sees_whom(cast: Cast) -> None:
    at_practice = PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.practice)
    at_other = PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.other_practice)
    added_by_practice = PersonFactory.create(scheme=cast.north.scheme, created_by_organisation=cast.north.practice)
    elsewhere = PersonFactory.create(scheme=cast.south.scheme)
    north = {at_practice, at_other, added_by_practice}
    assert set(people_for(cast.north.link_worker)) == north
    assert set(people_for(cast.north.scheme_manager)) == north
    assert set(people_for(cast.north.admin)) == north
    assert set(people_for(cast.north.referrer)) == {at_practice, added_by_practice}
    assert set(people_for(cast.north.other_referrer)) == {at_other}
    assert set(people_for(cast.north.provider)) == set()
    assert set(people_for(cast.north.volunteer)) == set()
    assert elsewhere not in set(people_for(cast.north.link_worker))


def test_access_matrix_for_people_pages(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.north.scheme, registered_practice=cast.north.practice)
    detail = reverse("people:detail", args=[person.pk])
    edit = reverse("people:edit", args=[person.pk])
    everyone_who_sees = {"referrer", "link_worker", "scheme_manager", "admin"}
    assert_access_matrix(client, cast, detail, allowed=everyone_who_sees)
    assert_access_matrix(client, cast, edit, allowed={"referrer", "link_worker", "admin"})
    assert_access_matrix(
        client,
        cast,
        reverse("people:consent_add", args=[person.pk]),
        allowed={"referrer", "link_worker", "admin"},
    )
    assert_role_access(client, cast, reverse("people:search"), allowed=everyone_who_sees | {"other_referrer"})
    assert_role_access(
        client, cast, reverse("people:create"), allowed={"referrer", "other_referrer", "link_worker", "admin"}
    )


def test_a_post_to_someone_elses_record_changes_nothing(client: Client, cast: Cast) -> None:
    person = PersonFactory.create(scheme=cast.south.scheme, given_name="Margaret")
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("people:edit", args=[person.pk]), {**VALID, "given_name": "Changed"})
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.given_name == "Margaret"
