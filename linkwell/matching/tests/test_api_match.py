"""POST /api/v1/match: token auth, scheme-scoped results, structured errors."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from linkwell.api.tokens import api_token_issue
from linkwell.connections.tests.factories import make_service
from linkwell.directory.models import Location, ServiceAtLocation, ServiceStatus
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.testing.cast import Cast, SchemeCast
from linkwell.testing.factories import PostcodeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/match"


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def _service(side: SchemeCast, name: str, description: str, lat: float = 53.2, **fields: Any) -> str:
    service = make_service(side, name=name, description=description, **fields)
    place = Location.objects.create(scheme=side.scheme, name=name, latitude=lat, longitude=-1.45)
    ServiceAtLocation.objects.create(scheme=side.scheme, service=service, location=place)
    return str(service.hsds_id)


def _token(side: SchemeCast) -> str:
    return api_token_issue(organisation=side.practice, name=f"GP {uuid.uuid4().hex[:6]}")[1]


def _post(client: Client, token: str | None, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_it_ranks_the_tokens_scheme_services_with_reasons(client: Client, cast: Cast) -> None:
    PostcodeFactory.create(postcode="LW1 1AB", latitude=53.2, longitude=-1.45)
    walk = _service(cast.north, "Park walk", "A gentle walk in the park for people who feel lonely")
    _service(cast.north, "Chess club", "Chess and draughts")
    _service(cast.north, "Closed walk", "A walk in the park", status=ServiceStatus.INACTIVE)
    response = _post(
        client,
        _token(cast.north),
        {"text": "Feels lonely, would like a walk", "needs": ["loneliness"], "postcode": "LW1 1AB", "age": 70},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["service_id"] == walk and results[0]["reasons"]
    assert results[0]["distance_km"] == pytest.approx(0.0, abs=0.01)
    assert "Closed walk" not in [r["name"] for r in results]


def test_a_token_sees_only_its_own_schemes_services(client: Client, cast: Cast) -> None:
    north = _service(cast.north, "North walk", "A walk in the park")
    south = _service(cast.south, "South walk", "A walk in the park")
    body = {"text": "walk in the park", "lat": 53.2, "lng": -1.45}
    assert [r["service_id"] for r in _post(client, _token(cast.north), body).json()["results"]] == [north]
    assert [r["service_id"] for r in _post(client, _token(cast.south), body).json()["results"]] == [south]


@pytest.mark.parametrize("token", [None, "lw_not-a-real-token"])
def test_it_refuses_requests_without_a_valid_token(client: Client, cast: Cast, token: str | None) -> None:
    response = _post(client, token, {"text": "walk"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "walk", "lat": 53.2}, "lng"),
        ({"text": "walk", "postcode": "nonsense"}, "postcode"),
        ({"text": "walk", "age": -4}, "age"),
        ({"text": ""}, "text"),
        ({"text": "walk", "needs": ["flying"]}, "needs.0"),
        ({"text": "walk", "constraints": {"days": [9]}}, "constraints.days"),
        ({"text": "walk", "limit": 0}, "limit"),
    ],
)
def test_it_explains_bad_input_field_by_field(client: Client, cast: Cast, body: dict[str, Any], field: str) -> None:
    response = _post(client, _token(cast.north), body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error


def test_free_only_leaves_out_services_that_charge(client: Client, cast: Cast) -> None:
    from decimal import Decimal

    from linkwell.directory.models import CostOption, Service

    free = _service(cast.north, "Free walk", "A walk in the park")
    paid = _service(cast.north, "Paid walk", "A walk in the park")
    CostOption.objects.create(service=Service.objects.get(hsds_id=paid), amount=Decimal("4"), currency="GBP")
    body = {"text": "walk", "lat": 53.2, "lng": -1.45, "constraints": {"free_only": True}}
    assert [r["service_id"] for r in _post(client, _token(cast.north), body).json()["results"]] == [free]
