"""A resident finds a local group on their phone, with no sign-in; a provider keeps a listing up to date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from linkwell.connections.models import Connection
from linkwell.directory.models import Frequency, Service
from linkwell.directory.services import taxonomy_seed_linkwell
from linkwell.directory.tests.listings import make_postcode, make_service
from linkwell.matching import service as matching
from linkwell.matching.tests.fakes import HashingEncoder
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast

from .pages import axe_check, expect_heading, horizontal_overflow, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOWN = (53.2010, -1.4520)


@pytest.fixture(autouse=True)
def fast_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Words are ranked by the matcher; a stand-in encoder spares loading the model in the live server.
    monkeypatch.setattr(matching, "encoder_factory", HashingEncoder)
    matching.reset()
    yield
    matching.reset()


def given_a_directory(cast: Cast) -> None:
    # Transactional tests empty the tables between tests, migration-seeded terms included.
    taxonomy_seed_linkwell()
    make_postcode("LW1 1AA", *TOWN)
    make_service(
        cast.north.scheme,
        "Tuesday health walk",
        description="A gentle walk round the park, then tea.",
        categories=["physical_activity"],
        schedules=[{"freq": Frequency.WEEKLY, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(11, 30)}],
        amount="0",
        place=(53.2030, -1.4520),
        postcode="LW1 1AA",
        accessibility="Step-free route on tarmac paths",
        provider=cast.north.provider_org,
    )
    make_service(
        cast.north.scheme,
        "Memory café",
        description="Songs and tea for people living with dementia.",
        categories=["long_term_conditions"],
        schedules=[{"freq": Frequency.MONTHLY, "byday": "1MO", "opens_at": dt.time(14), "closes_at": dt.time(16)}],
        amount="2",
        place=TOWN,
    )


def when_a_resident_searches_on_their_phone(page: Page) -> None:
    page.goto("/directory/north/")
    expect_heading(page, "Find local activities and support")
    axe_check(page)
    assert horizontal_overflow(page) == 0
    page.get_by_label("What are you looking for?").fill("walk")
    page.get_by_label("Postcode").fill("lw1 1aa")
    page.get_by_label("Free only").check()
    page.get_by_role("button", name="Search").click()


def then_they_see_the_nearest_free_walk(page: Page) -> None:
    expect(page.get_by_role("heading", name="1 result within 10 km")).to_be_visible()
    expect(page.get_by_text("Tuesdays 10:00 to 11:30").first).to_be_visible()
    expect(page.get_by_text("0.2 km away")).to_be_visible()
    axe_check(page)
    assert horizontal_overflow(page) == 0


def when_they_open_it(page: Page) -> None:
    page.get_by_role("link", name="Tuesday health walk").click()
    expect_heading(page, "Tuesday health walk")


def then_it_says_when_where_and_how_to_be_referred(page: Page) -> None:
    expect(page.get_by_text("Tuesdays 10:00 to 11:30")).to_be_visible()
    expect(page.get_by_text("Step-free route on tarmac paths")).to_be_visible()
    expect(page.get_by_role("link", name="refer yourself")).to_have_attribute("href", "/refer-yourself/north/")
    axe_check(page)
    assert horizontal_overflow(page) == 0


def when_they_enter_a_bad_postcode(page: Page) -> None:
    page.goto("/directory/north/?postcode=nowhere")


def then_they_are_told_how_to_fix_it(page: Page) -> None:
    expect(page.get_by_role("alert")).to_contain_text("Enter a full UK postcode")
    axe_check(page)


def test_a_resident_finds_a_free_walk_near_them_on_a_phone(phone_page: Page, cast: Cast) -> None:
    given_a_directory(cast)
    when_a_resident_searches_on_their_phone(phone_page)
    then_they_see_the_nearest_free_walk(phone_page)
    when_they_open_it(phone_page)
    then_it_says_when_where_and_how_to_be_referred(phone_page)
    when_they_enter_a_bad_postcode(phone_page)
    then_they_are_told_how_to_fix_it(phone_page)


def given_a_befriending_service(cast: Cast) -> None:
    make_service(
        cast.north.scheme,
        "Friendship calls",
        description="A volunteer rings you every week for a chat.",
        categories=["loneliness"],
        amount="0",
        area="By phone, anywhere in Wellbrook",
    )


def when_a_resident_describes_what_they_need_on_their_phone(page: Page) -> None:
    page.goto("/directory/north/")
    page.get_by_label("What are you looking for?").fill("on my own since my wife died")
    page.get_by_role("button", name="Search").click()


def then_they_find_befriending_and_why_it_is_suggested(page: Page) -> None:
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    expect(page.get_by_role("link", name="Friendship calls")).to_be_visible()
    expect(page.locator("p", has_text="Why this is suggested:")).to_contain_text("about loneliness")
    axe_check(page)
    assert horizontal_overflow(page) == 0


def test_a_resident_finds_support_by_saying_what_is_wrong_in_their_own_words(phone_page: Page, cast: Cast) -> None:
    given_a_directory(cast)
    given_a_befriending_service(cast)
    when_a_resident_describes_what_they_need_on_their_phone(phone_page)
    then_they_find_befriending_and_why_it_is_suggested(phone_page)


def test_a_provider_changes_the_time_of_a_walk(page: Page, cast: Cast) -> None:
    given_a_directory(cast)
    sign_in(page, cast.north.provider)
    page.get_by_role("link", name="Your listings").first.click()
    expect_heading(page, "Your listings")
    axe_check(page)
    page.get_by_role("link", name="Change Tuesday health walk").click()
    expect_heading(page, "Change this listing")
    axe_check(page)
    page.locator("#id_s0-opens_at").fill("10:30")
    page.locator("#id_s0-closes_at").fill("12:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are live.")).to_be_visible()
    walk = Service.objects.get(name="Tuesday health walk")
    assert walk.schedules.get().opens_at == dt.time(10, 30)


def test_a_referrer_books_a_suggested_service_in_one_click(page: Page, cast: Cast) -> None:
    given_a_directory(cast)
    cast.north.scheme.allow_direct_booking = True
    cast.north.scheme.save()
    make_service(
        cast.north.scheme,
        "Exercise on referral",
        description="Supervised gym sessions to get active and fit again.",
        provider=cast.north.provider_org,
        accepts_direct_referrals=True,
    )
    person = make_referral(cast.north).person
    sign_in(page, cast.north.referrer)
    page.goto(reverse("connections:direct_booking", args=[person.pk]))
    expect_heading(page, "Book a service directly")
    page.get_by_label("Describe what the person needs").fill("wants to get fit and active at a gym")
    page.get_by_role("button", name="Suggest services").click()
    expect(page.get_by_role("heading", name="Exercise on referral")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Choose Exercise on referral").click()
    expect(page.get_by_label("Service", exact=True)).to_have_value(
        str(Service.objects.get(name="Exercise on referral").pk)
    )
    axe_check(page)
    page.get_by_label("Physical inactivity").check()
    page.get_by_label("The person agrees to this referral").check()
    page.get_by_label("The person agrees to share their contact details with the provider").check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked: Exercise on referral has been sent the referral.")).to_be_visible()
    assert Connection.objects.get().service.name == "Exercise on referral"
