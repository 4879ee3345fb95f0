"""Everyone signs in through the real form and lands on the home page for their role; it works on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from linkwell.accounts.models import Membership
from linkwell.testing.cast import ROLE_NAMES, Cast

from .pages import axe_check, choose_from_menu, expect_heading, horizontal_overflow, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "referrer": "Refer someone to social prescribing",
    "link_worker": "Link worker home",
    "provider": "Provider home",
    "volunteer": "Volunteer home",
    "scheme_manager": "Scheme manager home",
    "admin": "Administrator home",
}


def given_the_sign_in_page(page: Page) -> None:
    page.goto("/accounts/sign-in/")
    expect_heading(page, "Sign in to Linkwell")
    axe_check(page)


def when_they_sign_in(page: Page, membership: Membership) -> None:
    sign_in(page, membership)


def then_they_see_their_home_page(page: Page, role: str) -> None:
    expect_heading(page, HOME_HEADINGS[role])
    axe_check(page)


def then_nothing_scrolls_sideways(page: Page) -> None:
    assert horizontal_overflow(page) == 0, f"{page.url} scrolls sideways by {horizontal_overflow(page)}px"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_signs_in_and_sees_its_own_home_page(page: Page, cast: Cast, role: str) -> None:
    given_the_sign_in_page(page)
    when_they_sign_in(page, cast.north.member(role))
    then_they_see_their_home_page(page, role)


def test_a_wrong_password_is_refused_with_an_error_summary(page: Page, cast: Cast) -> None:
    given_the_sign_in_page(page)
    page.get_by_label("Email address").fill(cast.north.link_worker.user.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect_heading(page, "Sign in to Linkwell")
    axe_check(page)


# The link worker's home has the most cards; the scheme manager's has a wide table of audit events.
@pytest.mark.parametrize("role", ["link_worker", "scheme_manager"])
def test_sign_in_and_home_fit_a_phone_screen(phone_page: Page, cast: Cast, role: str) -> None:
    given_the_sign_in_page(phone_page)
    then_nothing_scrolls_sideways(phone_page)
    when_they_sign_in(phone_page, cast.north.member(role))
    then_they_see_their_home_page(phone_page, role)
    then_nothing_scrolls_sideways(phone_page)


def test_on_a_phone_the_menu_still_reaches_the_audit_log(phone_page: Page, cast: Cast) -> None:
    when_they_sign_in(phone_page, cast.north.scheme_manager)
    choose_from_menu(phone_page, "Audit log")  # through "More" once the menu is wider than the phone
    expect_heading(phone_page, "Audit log")
    then_nothing_scrolls_sideways(phone_page)
    axe_check(phone_page)
