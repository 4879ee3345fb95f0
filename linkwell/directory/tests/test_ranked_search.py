"""Words in the public directory are ranked by the matcher (by meaning), with every other filter still applied."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linkwell.directory.models import Frequency, ServiceStatus
from linkwell.directory.search import search_services
from linkwell.matching import service as matching
from linkwell.testing.cast import Cast

from .listings import make_postcode, make_service

pytestmark = pytest.mark.django_db

TOWN = (53.2010, -1.4520)
TUESDAY = {"freq": Frequency.WEEKLY, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)}
FRIDAY = {"freq": Frequency.WEEKLY, "byday": "FR", "opens_at": dt.time(10), "closes_at": dt.time(12)}


def names(page: str) -> list[str]:
    """The listings on a results page, in order."""
    return [html_name.replace("&#x27;", "'") for html_name in re.findall(r'<h3[^>]*><a href="[^"]+">([^<]+)</a>', page)]


def search(client: Client, **params: str) -> str:
    response = client.get("/directory/north/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_words_that_share_nothing_with_a_listing_still_find_it(client: Client, cast: Cast) -> None:
    make_service(
        cast.north.scheme,
        "Befriending calls",
        description="A volunteer rings you every week for a chat.",
        categories=["loneliness"],
    )
    make_service(cast.north.scheme, "Knitting circle", description="Bring your needles and wool.")
    words = "on my own since my wife died"
    # Not one of the words is in the listing, so matching words alone finds nothing…
    assert search_services(cast.north.scheme, words=words).total == 0
    # …but the ranked search reads what they mean.
    page = search(client, q=words)
    assert names(page) == ["Befriending calls"]
    assert "1 result" in page
    assert "Why this is suggested:</strong> about loneliness" in page


def test_results_come_in_the_matchers_order_not_by_name(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Allotment club", description="Grow vegetables; a short walk from the bus.")
    make_service(cast.north.scheme, "Walking group", description="A brisk walk, then a walk back. Walking for all.")
    make_service(cast.north.scheme, "Bridge club", description="Cards and tea.")
    expected = [s.service.name for s in matching.rank_for_text(cast.north.scheme, "walking", limit=10)]
    shown = names(search(client, q="walking"))
    assert shown == [name for name in expected if name in shown]
    assert shown[0] == "Walking group" and "Allotment club" in shown
    assert "Bridge club" not in shown


def test_the_other_filters_still_apply_to_ranked_results(client: Client, cast: Cast) -> None:
    make_postcode("LW1 1AA", *TOWN)
    scheme = cast.north.scheme
    make_service(
        scheme,
        "Tuesday walk",
        description="A walk in the park",
        categories=["physical_activity"],
        schedules=[TUESDAY],
        amount="0",
        place=(53.2030, -1.4520),
        accessibility="Step-free paths",
    )
    make_service(scheme, "Friday walk", description="A walk in the park", schedules=[FRIDAY], place=TOWN, amount="3")
    make_service(scheme, "Distant walk", description="A walk on the moors", place=(53.40, -1.45), amount="0")
    assert names(search(client, q="walk")) != []
    assert set(names(search(client, q="walk", day="TU"))) == {"Tuesday walk"}
    assert set(names(search(client, q="walk", free="on"))) == {"Tuesday walk", "Distant walk"}
    assert set(names(search(client, q="walk", step_free="on"))) == {"Tuesday walk"}
    assert set(names(search(client, q="walk", category="physical_activity"))) == {"Tuesday walk"}
    near = search(client, q="walk", postcode="LW1 1AA", distance="5")
    assert set(names(near)) == {"Tuesday walk", "Friday walk"}
    assert "2 results within 5 km" in near and "0.2 km away" in near
    assert set(names(search(client, q="walk", postcode="LW1 1AA", distance="25"))) == {
        "Tuesday walk",
        "Friday walk",
        "Distant walk",
    }


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT, ServiceStatus.TEMPORARILY_CLOSED])
def test_closed_and_stale_listings_never_appear(client: Client, cast: Cast, status: str) -> None:
    make_service(cast.north.scheme, "Open choir", description="Sing together")
    make_service(cast.north.scheme, "Closed choir", description="Sing together", status=status)
    make_service(cast.north.scheme, "Unchecked choir", description="Sing together", verified_days_ago=400)
    make_service(cast.south.scheme, "Southern choir", description="Sing together")
    assert names(search(client, q="choir")) == ["Open choir"]


def test_a_listing_that_closes_drops_out_at_once(client: Client, cast: Cast) -> None:
    choir = make_service(cast.north.scheme, "Open choir", description="Sing together")
    assert names(search(client, q="choir")) == ["Open choir"]
    choir.status = ServiceStatus.INACTIVE
    choir.save()
    assert names(search(client, q="choir")) == []


def test_words_that_answer_nothing_say_so(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Walking group", description="A walk in the park")
    page = search(client, q="xyzzy plover")
    assert "0 results" in page and names(page) == []
    assert "Try fewer words" in page


def test_too_many_words_are_explained_and_nothing_is_searched(client: Client, cast: Cast) -> None:
    page = search(client, q="walk " * 30)
    assert "Keep your search to 100 characters or fewer" in page
    assert "results-heading" not in page


def test_ranked_results_are_paged(client: Client, cast: Cast) -> None:
    for i in range(25):
        make_service(cast.north.scheme, f"Choir {i:02}", description="Sing together in a choir")
    first = search(client, q="choir")
    second = search(client, q="choir", page="2")
    assert "25 results" in first
    assert len(names(first)) == 20 and len(names(second)) == 5
    assert not set(names(first)) & set(names(second))
    assert "page=2" in first and "q=choir" in first


def test_htmx_gets_only_the_ranked_results(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Choir", description="Sing together")
    page = client.get("/directory/north/", {"q": "choir"}, headers={"HX-Request": "true"}).content.decode()
    assert "Choir" in page and "Why this is suggested" in page and "<html" not in page


def test_without_words_the_order_is_by_name_with_no_reasons(client: Client, cast: Cast) -> None:
    make_service(cast.north.scheme, "Zumba", description="Dance")
    make_service(cast.north.scheme, "Art club", description="Paint")
    page = search(client, category="")
    assert names(page) == ["Art club", "Zumba"]
    assert "Why this is suggested" not in page


def test_a_ranked_page_costs_a_fixed_number_of_queries(client: Client, cast: Cast) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search(client, q="group", free="on", day="TU")
        return len(captured)

    def add(first: int, last: int) -> None:
        for i in range(first, last):
            make_service(
                cast.north.scheme, f"Group {i}", schedules=[TUESDAY], place=TOWN, amount="0", accessibility="Ramp"
            )

    add(0, 2)
    queries()  # the index is built
    small = queries()
    add(2, 3)
    catching_up_one = queries()
    small_again = queries()
    add(3, 25)
    catching_up_many = queries()
    assert small == small_again == queries()
    # Catching the index up with changed listings costs the same whether one changed or twenty.
    assert catching_up_one == catching_up_many
