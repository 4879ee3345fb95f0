"""The "Suggested services" panel on a link worker's connection step, and its one-click Propose."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.casework.services import assessment_record
from linkwell.connections.models import Connection, ConnectionStatus
from linkwell.connections.tests.factories import assessed_referral, make_service
from linkwell.directory.models import Location, Service, ServiceAtLocation, ServiceStatus
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.referrals.models import Referral
from linkwell.testing.access import assert_access_matrix
from linkwell.testing.cast import Cast, SchemeCast, login_as
from linkwell.testing.factories import PersonFactory, PostcodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def _service(side: SchemeCast, name: str, description: str, **fields: Any) -> Service:
    service = make_service(side, name=name, description=description, **fields)
    place = Location.objects.create(scheme=side.scheme, name=name, latitude=53.2, longitude=-1.45)
    ServiceAtLocation.objects.create(scheme=side.scheme, service=service, location=place)
    return service


def _referral(side: SchemeCast) -> Referral:
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    person = PersonFactory.create(scheme=side.scheme, registered_practice=side.practice, postcode="LW1 1AB")
    referral = assessed_referral(side, person=person, reason_text="Lost his wife last year, hardly goes out.")
    assessment_record(
        actor=side.link_worker, referral=referral, what_matters="He used to sing in a choir", needs=["loneliness"]
    )
    return referral


def _panel(page: str) -> str:
    found = re.search(r'<section[^>]*aria-labelledby="suggested-services".*?</section>', page, re.S)
    assert found is not None, "no suggestions panel"
    return found.group(0)


def test_the_page_with_suggestions_keeps_its_access_rules(client: Client, cast: Cast) -> None:
    referral = _referral(cast.north)
    _service(cast.north, "Community choir", "Sing together")
    url = reverse("connections:referral", args=[referral.pk])
    assert_access_matrix(client, cast, url, allowed={"link_worker", "scheme_manager"})


def test_a_link_worker_sees_suggested_services_with_reasons(client: Client, cast: Cast) -> None:
    referral = _referral(cast.north)
    _service(cast.north, "Community choir", "Sing together every week; all voices welcome")
    _service(cast.north, "Closed choir", "Sing together", status=ServiceStatus.INACTIVE)
    _service(cast.south, "Southern choir", "Sing together every week")
    login_as(client, cast.north.link_worker)
    page = client.get(reverse("connections:referral", args=[referral.pk])).content.decode()
    panel = _panel(page)
    assert "Suggested services" in panel and "Community choir" in panel
    assert "Closed choir" not in panel and "Southern choir" not in panel
    assert "under 100 m away" in panel  # a reason, from the person's postcode


def test_propose_on_a_suggestion_proposes_that_connection_once(client: Client, cast: Cast) -> None:
    referral = _referral(cast.north)
    choir = _service(cast.north, "Community choir", "Sing together every week")
    login_as(client, cast.north.link_worker)
    url = reverse("connections:referral", args=[referral.pk])
    form = re.search(r"<form method=\"post\".*?</form>", _panel(client.get(url).content.decode()), re.S)
    assert form is not None
    data = {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0))}
    assert data["service"] == str(choir.pk)
    response = client.post(url, data)
    client.post(url, data)  # a double click
    connection = Connection.objects.get()
    assert response.status_code == 302 and connection.service == choir
    assert connection.status == ConnectionStatus.PROPOSED and connection.why_referred.startswith("Suggested")
    again = _panel(client.get(url).content.decode())
    assert "Already proposed" in again


def test_the_page_still_works_when_suggestions_fail(
    client: Client, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = _referral(cast.north)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("model missing")

    monkeypatch.setattr(matching, "suggest_for_referral", broken)
    login_as(client, cast.north.link_worker)
    response = client.get(reverse("connections:referral", args=[referral.pk]))
    assert response.status_code == 200
    assert "Suggestions are not available just now" in _panel(response.content.decode())
