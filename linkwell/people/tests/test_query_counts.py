"""List pages issue the same number of queries however many rows they show."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import AuditAction
from linkwell.accounts.services import audit_record
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import PersonFactory


def count_queries(client: Client, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_people_search_query_count_does_not_grow_with_results(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    PersonFactory.create(scheme=cast.north.scheme, family_name="Hale", registered_practice=cast.north.practice)
    one = count_queries(client, reverse("people:search"), {"q": "hale"})
    for _ in range(20):
        PersonFactory.create(scheme=cast.north.scheme, family_name="Hale", registered_practice=cast.north.practice)
    assert count_queries(client, reverse("people:search"), {"q": "hale"}) == one


def test_audit_log_query_count_does_not_grow_with_events(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    audit_record(actor=cast.north.link_worker, action=AuditAction.VIEW, person_id=1)
    one = count_queries(client, reverse("accounts:audit_log"), {})
    for n in range(30):
        audit_record(actor=cast.north.referrer, action=AuditAction.VIEW, person_id=n)
    assert count_queries(client, reverse("accounts:audit_log"), {}) == one


def test_the_search_answers_htmx_with_just_the_results(client: Client, cast: Cast) -> None:
    PersonFactory.create(scheme=cast.north.scheme, family_name="Hale")
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("people:search"), {"q": "hale"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "1 person found" in body
    assert "<html" not in body
