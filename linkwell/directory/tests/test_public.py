"""The public directory: search and service pages with no sign-in."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linkwell.directory.models import Frequency, ServiceStatus
from linkwell.testing.cast import Cast

from .listings import make_postcode, make_service

pytestmark = pytest.mark.django_db

TOWN = (53.2010, -1.4520)
TUESDAY = {"freq": Frequency.WEEKLY, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)}
FIRST_MONDAY = {"freq": Frequency.MONTHLY, "byday": "1MO", "opens_at": dt.time(19), "closes_at": dt.time(21)}


def test_anyone_can_search_the_directory_without_signing_in(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Wellbrook Walking Group", schedules=[TUESDAY], amount="0")
    make_service(cast.south.scheme, "Southern Choir")
    response = client.get("/directory/north/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wellbrook Walking Group" in page
    assert "Tuesdays 10:00 to 12:00" in page
    assert "Southern Choir" not in page
    assert 'href="/refer-yourself/north/"' in page


def test_it_searches_by_words_postcode_and_filters(client: Client, cast: Cast) -> None:
    make_postcode("LW1 1AA", *TOWN)
    make_service(cast.north.scheme, "Walking group", place=(53.2030, -1.4520), categories=["physical_activity"])
    make_service(cast.north.scheme, "Walking football", place=(53.35, -1.45), categories=["physical_activity"])
    response = client.get(
        "/directory/north/", {"q": "walking", "postcode": "lw11aa", "distance": "5", "category": "physical_activity"}
    )
    page = response.content.decode()
    assert "1 result within 5 km" in page
    assert "Walking group" in page and "0.2 km away" in page
    assert "Walking football" not in page


def test_a_bad_postcode_is_explained_and_nothing_is_searched(client: Client, cast: Cast) -> None:
    response = client.get("/directory/north/", {"postcode": "not a postcode"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a full UK postcode" in page
    assert "results-heading" not in page


def test_an_unknown_category_or_day_is_explained(client: Client, cast: Cast) -> None:
    page = client.get("/directory/north/", {"category": "astrology", "day": "XX"}).content.decode()
    assert "Choose a type of activity or support from the list" in page
    assert "Choose a day of the week from the list" in page


def test_a_postcode_we_cannot_place_still_searches(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Choir", place=TOWN)
    page = client.get("/directory/north/", {"postcode": "ZZ9 9ZZ"}).content.decode()
    assert "Choir" in page
    assert "not sorted by distance" in page


def test_the_search_page_costs_a_fixed_number_of_queries(client: Client, cast: Cast) -> None:
    def queries() -> int:
        # Words are ranked by the matcher, whose index first catches up with the changed listings (a fixed
        # number of queries of its own, measured in test_ranked_search.py); measure the page after that.
        client.get("/directory/north/", {"q": "group"})
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/directory/north/", {"q": "group"}).status_code == 200
        return len(captured)

    for i in range(2):
        make_service(cast.north.scheme, f"Group {i}", schedules=[TUESDAY], place=TOWN, amount="2", accessibility="Ramp")
    small = queries()
    for i in range(2, 20):
        make_service(cast.north.scheme, f"Group {i}", schedules=[TUESDAY], place=TOWN, amount="2", accessibility="Ramp")
    assert queries() == small


def test_htmx_gets_only_the_results(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Choir")
    page = client.get("/directory/north/", {"q": "choir"}, headers={"HX-Request": "true"}).content.decode()
    assert "Choir" in page and "<html" not in page


def test_the_service_page_writes_out_times_costs_access_and_how_to_be_referred(client: Client, cast: Cast) -> None:
    service = make_service(
        cast.north.scheme,
        "Memory café",
        description="Tea, cake and company for people living with dementia and their carers.",
        eligibility_description="People with a dementia diagnosis and the people who care for them",
        schedules=[FIRST_MONDAY],
        amount="4.50",
        place=TOWN,
        postcode="LW1 1AA",
        accessibility="Step-free entrance and an accessible toilet",
        transportation="Bus 12 stops outside",
        accepts_direct_referrals=True,
    )
    page = client.get(f"/directory/north/services/{service.hsds_id}/").content.decode()
    assert "<h1>Memory café</h1>" in page
    assert "First Monday of the month, 19:00 to 21:00" in page
    assert "£4.50 per session" in page
    assert "Step-free entrance and an accessible toilet" in page
    assert "People with a dementia diagnosis" in page
    assert "Ask to be referred" in page and 'href="/refer-yourself/north/"' in page
    assert "Professionals can also refer you straight to this service" in page


def test_a_stale_listing_says_to_check_before_going(client: Client, cast: Cast) -> None:
    service = make_service(cast.north.scheme, "Old group", verified_days_ago=400)
    page = client.get(f"/directory/north/services/{service.hsds_id}/").content.decode()
    assert "has not been checked for over a year" in page


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT, ServiceStatus.TEMPORARILY_CLOSED])
def test_unpublished_listings_are_not_found(client: Client, cast: Cast, status: str) -> None:
    service = make_service(cast.north.scheme, "Closed group", status=status)
    assert client.get(f"/directory/north/services/{service.hsds_id}/").status_code == 404


def test_a_listing_is_only_found_under_its_own_scheme(client: Client, cast: Cast) -> None:
    service = make_service(cast.south.scheme, "Southern group")
    assert client.get(f"/directory/north/services/{service.hsds_id}/").status_code == 404
    assert client.get(f"/directory/south/services/{service.hsds_id}/").status_code == 200
    assert client.get(f"/directory/north/services/{uuid.uuid4()}/").status_code == 404


def test_an_inactive_or_unknown_scheme_has_no_directory(client: Client, cast: Cast) -> None:
    cast.north.scheme.is_active = False
    cast.north.scheme.save()
    assert client.get("/directory/north/").status_code == 404
    assert client.get("/directory/nowhere/").status_code == 404
