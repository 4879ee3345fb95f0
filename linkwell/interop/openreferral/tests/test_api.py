"""The ORUK read API: shapes validated against the ORUK compiled schemas, filters, paging, scope, CORS."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from linkwell.directory.models import Schedule, Service, ServiceStatus
from linkwell.directory.tests.schemes import new_scheme
from linkwell.interop.openreferral.importer import import_feed, read_feed
from linkwell.places.models import Postcode
from linkwell.testing.cast import Cast, login_as

from .oruk_files import EXAMPLES, MOCKS, errors

pytestmark = pytest.mark.django_db

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def no_nulls(value: Any) -> bool:
    if isinstance(value, dict):
        return all(v not in (None, "", [], {}) and no_nulls(v) for v in value.values())
    if isinstance(value, list):
        return all(no_nulls(v) for v in value)
    return True


@pytest.fixture
def directory() -> None:
    scheme = new_scheme(slug="feed")
    for path in (
        EXAMPLES / "service_full.json",
        MOCKS / "V3.0-UK-Default" / "organization.json",
        MOCKS / "V3.0-UK-Default" / "taxonomy.json",
    ):
        import_feed(scheme=scheme, feed=read_feed(path))
    from linkwell.directory.tests.test_upkeep_services import make_listing

    make_listing(new_scheme(slug="made-here"))


def test_the_root_names_the_standard(client: Client) -> None:
    assert get(client, "/api/oruk/") == {
        "version": "HSDS-UK-3.0",
        "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
        "openapi_url": "https://openreferraluk.org/specifications/3.0/openapi.json",
    }


def test_service_list_and_detail_validate_against_the_oruk_schemas(client: Client, directory: None) -> None:
    page = get(client, "/api/oruk/services")
    assert page["total_items"] == 2
    assert {k: page[k] for k in ("total_pages", "page_number", "size", "first_page", "last_page", "empty")} == {
        "total_pages": 1,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": True,
        "empty": False,
    }
    for item in page["contents"]:
        assert errors("service_list", item) == []
        assert errors("service", get(client, f"/api/oruk/services/{item['id']}")) == []
    full = get(client, f"/api/oruk/services/{EXAMPLE_SERVICE}")
    assert errors("service", full) == []
    assert no_nulls(full)
    assert full["schedules"][0]["byday"] == "TH,FR"
    assert full["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "ABC 1234"


def test_service_at_locations_and_taxonomies_validate(client: Client, directory: None) -> None:
    page = get(client, "/api/oruk/service_at_locations")
    assert page["total_items"] >= 1
    for item in page["contents"]:
        assert errors("service_at_location_list", item) == []
    one = get(client, f"/api/oruk/service_at_locations/{page['contents'][0]['id']}")
    assert errors("service_at_location", one) == []
    for item in get(client, "/api/oruk/taxonomies?per_page=100")["contents"]:
        assert errors("taxonomy", item) == []
    terms = get(client, "/api/oruk/taxonomy_terms?per_page=500")
    assert terms["total_items"] > 39  # Linkwell's own 39 plus the feed's
    for item in terms["contents"]:
        assert errors("taxonomy_term", item) == []
    first = terms["contents"][0]
    assert get(client, f"/api/oruk/taxonomy_terms/{first['id']}") == first
    taxonomy = get(client, "/api/oruk/taxonomies")["contents"][0]
    assert get(client, f"/api/oruk/taxonomies/{taxonomy['id']}")["name"] == taxonomy["name"]
    five_ways = [t for t in get(client, "/api/oruk/taxonomies")["contents"] if t["name"] == "Five ways to wellbeing"]
    in_five_ways = get(client, f"/api/oruk/taxonomy_terms?taxonomy_id={five_ways[0]['id']}")
    assert in_five_ways["total_items"] == 5


def test_pagination_reports_pages(client: Client) -> None:
    scheme = new_scheme(slug="many")
    for i in range(5):
        Service.objects.create(scheme=scheme, name=f"Service {i}")
    page = get(client, "/api/oruk/services?per_page=2&page=3")
    assert [s["name"] for s in page["contents"]] == ["Service 4"]
    assert (page["total_items"], page["total_pages"], page["page_number"], page["size"]) == (5, 3, 3, 1)
    assert (page["first_page"], page["last_page"], page["empty"]) == (False, True, False)
    beyond = get(client, "/api/oruk/services?per_page=2&page=9")
    assert beyond["empty"] is True and beyond["contents"] == []


def test_only_active_services_of_active_schemes_are_public(client: Client) -> None:
    live = new_scheme(slug="live")
    hidden = new_scheme(slug="hidden", is_active=False)
    shown = Service.objects.create(scheme=live, name="Shown")
    closed = Service.objects.create(scheme=live, name="Closed", status=ServiceStatus.DEFUNCT)
    secret = Service.objects.create(scheme=hidden, name="In a closed scheme")
    assert [s["id"] for s in get(client, "/api/oruk/services")["contents"]] == [str(shown.hsds_id)]
    get(client, f"/api/oruk/services/{closed.hsds_id}", status=404)
    get(client, f"/api/oruk/services/{secret.hsds_id}", status=404)
    get(client, "/api/oruk/services/not-a-uuid", status=404)


def test_it_needs_no_sign_in_and_shows_the_same_to_everyone(client: Client, cast: Cast) -> None:
    Service.objects.create(scheme=cast.north.scheme, name="Walk")
    anonymous = get(client, "/api/oruk/services")
    login_as(client, cast.south.provider)
    assert get(client, "/api/oruk/services") == anonymous


def test_it_is_read_only(client: Client) -> None:
    assert client.post("/api/oruk/services", {}).status_code == 405
    assert client.delete("/api/oruk/services").status_code == 405


def test_filters_combine_with_and(client: Client) -> None:
    scheme = new_scheme(slug="filters")
    walk = Service.objects.create(
        scheme=scheme,
        name="Health walk",
        description="Gentle walk",
        minimum_age=50,
        last_modified=dt.datetime(2026, 1, 10, tzinfo=dt.UTC),
    )
    Schedule.objects.create(service=walk, freq="WEEKLY", byday="TU", opens_at=dt.time(10), closes_at=dt.time(11))
    choir = Service.objects.create(
        scheme=scheme,
        name="Choir",
        description="Singing for all",
        maximum_age=25,
        last_modified=dt.datetime(2025, 1, 10, tzinfo=dt.UTC),
    )
    Schedule.objects.create(service=choir, freq="WEEKLY", byday="MO,TH", opens_at=dt.time(18), closes_at=dt.time(20))

    def names(query: str) -> list[str]:
        return [s["name"] for s in get(client, f"/api/oruk/services?{query}")["contents"]]

    assert names("search=walk") == ["Health walk"]
    assert names("search=walk+singing") == []
    assert names("day=TU") == ["Health walk"]
    assert names("day=thursday&start_time=19:00") == ["Choir"]
    assert names("day=TH&start_time=21:00") == []
    assert names("end_time=09:30") == []
    assert names("minimum_age=30") == ["Health walk"]
    assert names("maximum_age=30") == ["Choir"]
    assert names("modified_after=2025-06-01T00:00:00Z") == ["Health walk"]
    assert names("modified_after=2025-06-01") == ["Health walk"]
    assert names("search=walk&day=MO") == []
    assert names("scheme=filters&per_page=10") == ["Choir", "Health walk"]


def test_taxonomy_and_organization_filters(client: Client, directory: None) -> None:
    full = get(client, f"/api/oruk/services/{EXAMPLE_SERVICE}")
    term_id = full["attributes"][0]["taxonomy_term"]["id"]
    by_term = get(client, f"/api/oruk/services?taxonomy_term_id={term_id}")
    assert [s["id"] for s in by_term["contents"]] == [EXAMPLE_SERVICE]
    by_org = get(client, f"/api/oruk/services?organization_id={full['organization']['id']}")
    assert EXAMPLE_SERVICE in [s["id"] for s in by_org["contents"]]
    assert get(client, "/api/oruk/services?organization_id=0b6c3a4e-6f5e-4e61-9d7e-0a8c1e0f0b11")["empty"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "per_page=-1",
        "taxonomy_term_id=nope",
        "day=someday",
        "start_time=25:00",
        "modified_after=yesterday",
        "minimum_age=old",
    ],
)
def test_bad_parameters_get_a_400_with_a_reason(client: Client, query: str) -> None:
    body = get(client, f"/api/oruk/services?{query}", status=400)
    assert body["error"]["code"] == 400 and body["error"]["message"]


def test_service_at_locations_near_a_postcode_are_ordered_by_distance(client: Client) -> None:
    from linkwell.directory.tests.listings import make_service

    Postcode.objects.create(postcode="LS1 4AP", outcode="LS1", latitude=53.7960, longitude=-1.5479)
    scheme = new_scheme(slug="near")
    make_service(scheme, "Far", place=(53.90, -1.55), postcode="LS17 9AA")
    make_service(scheme, "Near", place=(53.80, -1.55), postcode="LS1 5AA")
    make_service(scheme, "Nowhere", postcode="LS2 7AA")

    def names(query: str) -> list[str]:
        return [s["service"]["name"] for s in get(client, f"/api/oruk/service_at_locations?{query}")["contents"]]

    assert names("postcode=LS1+4AP") == ["Near", "Far"]
    assert names("postcode=ls14ap&proximity=2000") == ["Near"]
    assert names("postcode=LS1+4AP&proximity=2000&search=far") == []
    # A postcode with no coordinates still works, by its district.
    Postcode.objects.create(postcode="LS2 9JT", outcode="LS2", latitude=None, longitude=None)
    assert names("postcode=LS2+9JT") == ["Nowhere"]
    get(client, "/api/oruk/service_at_locations?postcode=nonsense", status=400)
    get(client, "/api/oruk/service_at_locations?proximity=100", status=400)


def test_the_openapi_document_names_every_route_we_serve() -> None:
    from .oruk_files import OPENAPI

    paths = set(json.loads(OPENAPI.read_text())["paths"])
    assert {
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    } <= paths
