"""Suggested services on the referrer's direct booking page: ranked by the matcher, direct-referral only."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.connections.models import Connection
from linkwell.directory.models import Attribute, Service, ServiceStatus, TaxonomyTerm
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.people.models import Person
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.access import assert_access_matrix
from linkwell.testing.cast import Cast, SchemeCast, login_as

from .factories import make_service

pytestmark = pytest.mark.django_db

GYM = "Supervised gym sessions to get active and fit again after an illness."


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def direct_booking_allowed(cast: Cast) -> None:
    for side in (cast.north, cast.south):
        side.scheme.allow_direct_booking = True
        side.scheme.save()


def _service(side: SchemeCast, name: str, description: str, *needs: str, **fields: Any) -> Service:
    service = make_service(side, name=name, description=description, **fields)
    for code in needs:
        Attribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.linkwell().get(code=code))
    return service


def _person(side: SchemeCast) -> Person:
    return make_referral(side).person


def _suggested(page: str) -> list[str]:
    found = re.search(r'<section aria-labelledby="suggested-services">.*?</section>', page, re.S)
    assert found is not None, "no suggestions section"
    return [html.unescape(name) for name in re.findall(r"<h3[^>]*>([^<]+)</h3>", found.group(0))]


def _page(client: Client, person: Person, **params: str) -> str:
    response = client.get(reverse("connections:direct_booking", args=[person.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("direct_booking_allowed")
def test_it_suggests_only_the_schemes_direct_referral_services_that_fit_what_was_written(
    client: Client, cast: Cast
) -> None:
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    _service(cast.north, "Health walks", "Walking to get fit, at your own pace.", accepts_direct_referrals=True)
    _service(cast.north, "Chess club", "Play chess on Thursday evenings.", accepts_direct_referrals=True)
    _service(cast.north, "Gym buddies", GYM)  # takes referrals only through link workers
    _service(cast.north, "Closed gym", GYM, accepts_direct_referrals=True, status=ServiceStatus.INACTIVE)
    _service(cast.south, "Southern gym", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    page = _page(client, person, describe="Wants to get active and fit at a gym")
    suggested = _suggested(page)
    assert suggested[0] == "Exercise on referral"
    assert "Health walks" in suggested
    assert not {"Chess club", "Gym buddies", "Closed gym", "Southern gym"} & set(suggested)
    assert "Why this is suggested:" in page
    # The words typed become the start of the booking's reason.
    assert "Wants to get active and fit at a gym</textarea>" in page


@pytest.mark.usefixtures("direct_booking_allowed")
def test_the_order_is_the_matchers(client: Client, cast: Cast) -> None:
    _service(cast.north, "Gym", GYM, accepts_direct_referrals=True)
    _service(cast.north, "Walks", "Walking to get fit.", accepts_direct_referrals=True)
    _service(cast.north, "Fit and active", "Get active, get fit, stay fit and active.", accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    words = "get fit and active"
    suggested = _suggested(_page(client, person, describe=words))
    ranked = [s.service.name for s in matching.rank_for_text(cast.north.scheme, words, limit=10)]
    assert suggested == [name for name in ranked if name in suggested]
    assert suggested[0] == "Fit and active"


@pytest.mark.usefixtures("direct_booking_allowed")
def test_with_nothing_typed_it_suggests_from_the_latest_referral(client: Client, cast: Cast) -> None:
    # The referral says "Lives alone since her husband died and rarely goes out" (need: loneliness).
    _service(
        cast.north, "Telephone friends", "A volunteer rings every week.", "loneliness", accepts_direct_referrals=True
    )
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    page = _page(client, person)
    assert _suggested(page) == ["Telephone friends"]
    assert "Suggested from your referral of" in page
    assert "about loneliness" in page


@pytest.mark.usefixtures("direct_booking_allowed")
def test_choose_picks_that_service_for_the_booking_in_one_click(client: Client, cast: Cast) -> None:
    gym = _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    page = _page(client, person, describe="get active at the gym")
    choose = re.search(r'<a href="(\?[^"]*service=\d+#booking)">Choose', page)
    assert choose is not None
    url = reverse("connections:direct_booking", args=[person.pk]) + html.unescape(choose.group(1))
    chosen = client.get(url).content.decode()
    assert re.search(rf'<option value="{gym.pk}" selected>', chosen)
    assert "<strong>Chosen</strong>" in chosen
    key = re.search(r'name="idempotency_key" value="([^"]+)"', chosen)
    assert key is not None
    data = {
        "service": gym.pk,
        "needs": ["physical_inactivity"],
        "reason_text": "get active at the gym",
        "consent_to_refer": "on",
        "consent_to_share": "on",
        "idempotency_key": key.group(1),
    }
    assert client.post(url, data).status_code == 302
    assert Connection.objects.get().service == gym


@pytest.mark.usefixtures("direct_booking_allowed")
def test_a_service_that_cannot_be_booked_is_never_chosen(client: Client, cast: Cast) -> None:
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    not_direct = _service(cast.north, "Gym buddies", GYM)
    southern = _service(cast.south, "Southern gym", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    for service in (str(not_direct.pk), str(southern.pk), "nonsense", ""):
        page = _page(client, person, describe="gym", service=service)
        assert " selected>" not in page.split('id="booking"')[1].split("</select>")[0]
        assert "Gym buddies" not in page and "Southern gym" not in page


@pytest.mark.usefixtures("direct_booking_allowed")
def test_bad_or_unanswerable_descriptions_are_explained(client: Client, cast: Cast) -> None:
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    page = _page(client, person, describe="x" * 501)
    assert "Keep the description to 500 characters or fewer" in page
    assert _suggested(page) == []
    page = _page(client, person, describe="xyzzy plover")
    assert _suggested(page) == []
    assert "None of the services that take direct referrals matches that" in page


@pytest.mark.usefixtures("direct_booking_allowed")
def test_the_page_with_suggestions_keeps_its_access_rules(client: Client, cast: Cast) -> None:
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    url = reverse("connections:direct_booking", args=[person.pk]) + "?describe=gym"
    assert_access_matrix(client, cast, url, allowed={"referrer"})


def test_no_suggestions_where_the_scheme_does_not_allow_direct_booking(client: Client, cast: Cast) -> None:
    _service(cast.north, "Exercise on referral", GYM, accepts_direct_referrals=True)
    person = _person(cast.north)
    login_as(client, cast.north.referrer)
    response = client.get(reverse("connections:direct_booking", args=[person.pk]), {"describe": "gym"})
    assert response.status_code == 403
