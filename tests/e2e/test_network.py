"""A network viewer signs in, lands on the network home, compares two schemes and sees a small one hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from linkwell.accounts.models import Membership, Network, OrganisationKind, Role
from linkwell.insights.panels import HIDDEN
from linkwell.insights.tests.builders import journey, service_for
from linkwell.testing.cast import Cast
from linkwell.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

from .pages import axe_check, expect_heading, fill_date, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def given_a_network_of_two_schemes_one_of_them_small(cast: Cast) -> Membership:
    host = OrganisationFactory.create(
        scheme=cast.north.scheme, name="Test Bed Institute", kind=OrganisationKind.NETWORK
    )
    network = Network.objects.create(slug="test-beds", name="North and South test beds", host=host)
    network.schemes.set([cast.north.scheme, cast.south.scheme])
    for team, count in ((cast.north, 8), (cast.south, 3)):
        service = service_for(team)
        for index in range(count):
            journey(team, service=service, day=index * 5)
    return MembershipFactory.create(
        user=UserFactory.create(email="viewer@network.test", first_name="Morgan", last_name="Hale"),
        organisation=host,
        role=Role.NETWORK,
    )


def when_the_network_viewer_signs_in(page: Page, viewer: Membership) -> None:
    sign_in(page, viewer)
    expect_heading(page, "Network home")
    axe_check(page)


def then_the_menu_offers_only_home_and_the_network(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Menu")
    for name in ("People", "Referrals", "Dashboard", "Services", "Connections"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)


def when_they_open_the_network(page: Page) -> None:
    page.get_by_role("link", name="North and South test beds").click()
    expect_heading(page, "North and South test beds")
    axe_check(page)


def then_the_schemes_are_side_by_side_with_the_small_one_hidden(page: Page) -> None:
    panel = page.get_by_role("region", name="Referrals, connections and waiting times")
    expect(panel.get_by_role("img", name="Referrals received, by scheme")).to_be_visible()
    expect(panel.get_by_role("columnheader", name="North Social Prescribing")).to_be_visible()
    expect(panel.get_by_role("columnheader", name="South Social Prescribing")).to_be_visible()
    expect(panel.get_by_role("row", name=f"Referrals received 8 {HIDDEN}")).to_be_visible()


def when_they_ask_for_an_impossible_period(page: Page) -> None:
    fill_date(page, "Received from", "31", "2", "2026")
    page.get_by_role("button", name="Show this period").click()


def then_they_are_told_what_to_fix(page: Page) -> None:
    expect(page.get_by_role("alert")).to_contain_text("Received from must be a real date")
    axe_check(page)


def test_a_network_viewer_compares_the_schemes_in_the_network(page: Page, cast: Cast) -> None:
    viewer = given_a_network_of_two_schemes_one_of_them_small(cast)
    when_the_network_viewer_signs_in(page, viewer)
    then_the_menu_offers_only_home_and_the_network(page)
    when_they_open_the_network(page)
    then_the_schemes_are_side_by_side_with_the_small_one_hidden(page)
    when_they_ask_for_an_impossible_period(page)
    then_they_are_told_what_to_fix(page)
