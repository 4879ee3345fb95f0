"""The directory search (shared by the public and in-app pages) and how opening times are written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwell.directory.models import CostOption, Frequency, Schedule, ServiceStatus
from linkwell.directory.presenters import cost_text, opening_times, schedule_text
from linkwell.directory.search import free_q, haversine_km, search_services, split_words
from linkwell.testing.cast import Cast

from .listings import make_postcode, make_service

pytestmark = pytest.mark.django_db

TOWN = (53.2010, -1.4520)


def names(results: object) -> list[str]:
    return [r.service.name for r in results.results]  # type: ignore[attr-defined]


def test_it_finds_services_by_every_word_in_name_or_description(cast: Cast) -> None:
    scheme = cast.north.scheme
    make_service(scheme, "Tuesday Walking Group", description="A gentle walk round the park")
    make_service(scheme, "Park Run", description="Fast running")
    make_service(scheme, "Choir", description="Singing for fun")
    assert names(search_services(scheme, words="walk park")) == ["Tuesday Walking Group"]
    assert names(search_services(scheme, words="PARK")) == ["Park Run", "Tuesday Walking Group"]
    assert names(search_services(scheme, words="knitting")) == []


def test_it_lists_services_named_for_the_search_before_ones_that_only_mention_it(cast: Cast) -> None:
    scheme = cast.north.scheme
    make_service(scheme, "Allotment club", description="Come for the singing at harvest")
    make_service(scheme, "Singing for the brain", description="A friendly group")
    assert names(search_services(scheme, words="singing")) == ["Singing for the brain", "Allotment club"]


def test_it_ignores_one_letter_words_and_caps_the_number_of_words() -> None:
    assert split_words("a walk, in the  park!") == ["walk", "in", "the", "park"]
    assert len(split_words("one two three four five six seven eight")) == 6


def test_it_shows_only_published_services_of_the_scheme(cast: Cast) -> None:
    make_service(cast.north.scheme, "Running")
    make_service(cast.north.scheme, "Stopped", status=ServiceStatus.INACTIVE)
    make_service(cast.north.scheme, "Paused", status=ServiceStatus.TEMPORARILY_CLOSED)
    make_service(cast.south.scheme, "Southern")
    assert names(search_services(cast.north.scheme)) == ["Running"]
    cast.north.scheme.is_active = False
    cast.north.scheme.save()
    assert names(search_services(cast.north.scheme)) == []


def test_it_filters_by_category_day_free_and_step_free(cast: Cast) -> None:
    scheme = cast.north.scheme
    tuesday = {"freq": Frequency.WEEKLY, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)}
    monthly = {"freq": Frequency.MONTHLY, "byday": "1MO", "opens_at": dt.time(19), "closes_at": dt.time(21)}
    make_service(scheme, "Walk", categories=["physical_activity"], schedules=[tuesday], amount="0")
    make_service(
        scheme,
        "Swim",
        categories=["physical_activity"],
        amount="4.50",
        place=TOWN,
        accessibility="Step-free entrance and a hoist at the pool",
    )
    make_service(scheme, "Quiz night", categories=["social_activity"], schedules=[monthly], fees="£1 on the door")
    make_service(scheme, "Advice", categories=["advice"], place=TOWN, accessibility="Wheelchair accessible")
    assert names(search_services(scheme, category_codes=["physical_activity"])) == ["Swim", "Walk"]
    assert names(search_services(scheme, weekday="TU")) == ["Walk"]
    assert names(search_services(scheme, weekday="MO")) == ["Quiz night"]
    assert names(search_services(scheme, free_only=True)) == ["Advice", "Walk"]
    assert names(search_services(scheme, step_free=True)) == ["Advice", "Swim"]
    assert names(search_services(scheme, step_free=True, free_only=True, category_codes=["advice"])) == ["Advice"]


def test_free_means_no_cost_option_asks_for_money_and_no_price_in_the_fees(cast: Cast) -> None:
    scheme = cast.north.scheme
    donation = make_service(scheme, "Donation", fees="Donations welcome")
    paid = make_service(scheme, "Paid", amount="2")
    CostOption.objects.create(service=donation, amount=Decimal("0"), amount_description="Free")
    from linkwell.directory.models import Service

    free = set(Service.objects.filter(free_q()).values_list("name", flat=True))
    assert free == {"Donation"}
    assert paid.is_free is False


def test_it_sorts_by_distance_drops_places_out_of_reach_and_keeps_remote_services_last(cast: Cast) -> None:
    scheme = cast.north.scheme
    make_postcode("LW1 1AA", *TOWN)
    make_service(scheme, "Far", place=(53.30, -1.45))  # about 11 km north
    make_service(scheme, "Near", place=(53.2030, -1.4520))
    make_service(scheme, "Nearer", place=(53.2012, -1.4521))
    make_service(scheme, "Phone befriending", area="Wellbrook")
    make_service(scheme, "Unplaced and unmapped")
    found = search_services(scheme, postcode="LW1 1AA", max_km=5)
    assert names(found) == ["Nearer", "Near", "Phone befriending"]
    assert found.results[0].distance_km == 0.0
    assert found.results[1].distance_km == pytest.approx(0.2, abs=0.05)
    assert found.results[2].is_remote and found.results[2].distance_km is None
    assert "Far" in names(search_services(scheme, postcode="LW1 1AA", max_km=25))


def test_it_still_searches_when_a_postcode_has_no_coordinates(cast: Cast) -> None:
    make_service(cast.north.scheme, "Walk", place=TOWN)
    found = search_services(cast.north.scheme, postcode="ZZ9 9ZZ")
    assert names(found) == ["Walk"]
    assert found.distance_unavailable is True
    assert found.results[0].distance_km is None


def test_matching_leaves_out_listings_nobody_has_confirmed_for_a_year(cast: Cast) -> None:
    scheme = cast.north.scheme
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        make_service(scheme, "Fresh", verified_days_ago=30)
        make_service(scheme, "Old", verified_days_ago=400)
        assert names(search_services(scheme)) == ["Fresh", "Old"]
        assert names(search_services(scheme, matchable_only=True)) == ["Fresh"]


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(cast: Cast) -> None:
    scheme = cast.north.scheme
    make_postcode("LW1 1AA", *TOWN)
    tuesday = {"freq": Frequency.WEEKLY, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)}

    def run() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = search_services(scheme, words="group", postcode="LW1 1AA", category_codes=["arts"], free_only=True)
            [schedule_text(s) for r in found.results for s in r.service.schedules.all()]
        return len(queries)

    for i in range(2):
        make_service(scheme, f"Art group {i}", categories=["arts"], schedules=[tuesday], place=TOWN, amount="0")
    small = run()
    for i in range(2, 20):
        make_service(scheme, f"Art group {i}", categories=["arts"], schedules=[tuesday], place=TOWN, amount="0")
    assert run() == small


def test_it_pages_results(cast: Cast) -> None:
    for i in range(25):
        make_service(cast.north.scheme, f"Group {i:02d}")
    second = search_services(cast.north.scheme, page=2)
    assert second.total == 25
    assert names(second) == [f"Group {i:02d}" for i in range(20, 25)]
    assert names(search_services(cast.north.scheme, page="nonsense"))[0] == "Group 00"


def test_haversine_distance_is_right_for_a_known_pair() -> None:
    # London (51.5074, -0.1278) to Manchester (53.4808, -2.2426): about 262 km.
    assert haversine_km((51.5074, -0.1278), (53.4808, -2.2426)) == pytest.approx(262, abs=2)


# Opening times written out


def schedule(**fields: object) -> Schedule:
    return Schedule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        (
            {"freq": "WEEKLY", "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(12)},
            "Tuesdays 10:00 to 12:00",
        ),
        (
            {"freq": "MONTHLY", "byday": "1MO", "opens_at": dt.time(19), "closes_at": dt.time(21)},
            "First Monday of the month, 19:00 to 21:00",
        ),
        (
            {"freq": "WEEKLY", "byday": "MO,WE,FR", "opens_at": dt.time(9, 30), "closes_at": dt.time(11)},
            "Mondays, Wednesdays and Fridays 09:30 to 11:00",
        ),
        ({"freq": "MONTHLY", "byday": "-1FR", "opens_at": dt.time(14)}, "Last Friday of the month, from 14:00"),
        (
            {"freq": "MONTHLY", "byday": "2TH,4TH", "opens_at": dt.time(13), "closes_at": dt.time(15)},
            "Second and fourth Thursday of the month, 13:00 to 15:00",
        ),
        (
            {"freq": "WEEKLY", "interval": 2, "byday": "SA", "opens_at": dt.time(10), "closes_at": dt.time(13)},
            "Every other Saturday, 10:00 to 13:00",
        ),
        ({"freq": "MONTHLY", "bymonthday": "15"}, "The 15th of the month"),
        ({"description": "Phone any weekday, 9am to 5pm"}, "Phone any weekday, 9am to 5pm"),
        (
            {"freq": "WEEKLY", "byday": "WE", "opens_at": dt.time(18), "valid_to": dt.date(2026, 12, 16)},
            "Wednesdays from 18:00 (until 16 December 2026)",
        ),
    ],
)
def test_it_writes_out_opening_times(fields: dict[str, object], text: str) -> None:
    assert schedule_text(schedule(**fields)) == text


def test_opening_times_are_in_day_order_without_repeats() -> None:
    rows = [
        schedule(freq="MONTHLY", byday="1MO", opens_at=dt.time(19)),
        schedule(freq="WEEKLY", byday="TH", opens_at=dt.time(10)),
        schedule(freq="WEEKLY", byday="TU", opens_at=dt.time(10)),
        schedule(freq="WEEKLY", byday="TU", opens_at=dt.time(10)),
    ]
    assert opening_times(rows) == [
        "Tuesdays from 10:00",
        "Thursdays from 10:00",
        "First Monday of the month, from 19:00",
    ]


def test_costs_read_as_money() -> None:
    assert cost_text(CostOption(amount=Decimal("4.50"), option="per session")) == "£4.50 per session"
    assert cost_text(CostOption(amount=Decimal("2"), option="suggested donation")) == "£2 suggested donation"
    assert cost_text(CostOption(amount=Decimal("0"))) == "Free"
