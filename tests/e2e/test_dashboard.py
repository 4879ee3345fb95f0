"""A scheme manager opens the dashboard, narrows it to one need, corrects a bad date and reads a panel."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from linkwell.insights.tests.builders import journey, service_for
from linkwell.testing.cast import Cast

from .pages import axe_check, choose_from_menu, expect_heading, fill_date, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def given_a_scheme_with_some_activity(cast: Cast) -> None:
    service = service_for(cast.north)
    for index in range(6):
        journey(cast.north, service=service, day=index * 12, needs=("debt",) if index % 2 else ("loneliness",))


def when_the_scheme_manager_opens_the_dashboard(page: Page, cast: Cast) -> None:
    sign_in(page, cast.north.scheme_manager)
    choose_from_menu(page, "Dashboard")
    expect_heading(page, "Dashboard")
    axe_check(page)


def then_each_chart_has_its_table(page: Page) -> None:
    funnel = page.get_by_role("region", name="From referral to getting help")
    expect(funnel.get_by_role("img", name="From referral to getting help")).to_be_visible()
    expect(funnel.get_by_role("row", name="Received 6")).to_be_visible()


def when_they_filter_to_one_need(page: Page) -> None:
    page.get_by_label("Need (optional)").select_option(label="Debt or money worries")
    page.get_by_role("button", name="Apply filters").click()
    expect_heading(page, "Dashboard")


def then_the_figures_cover_that_need_only(page: Page) -> None:
    funnel = page.get_by_role("region", name="From referral to getting help")
    expect(funnel.get_by_role("row", name="Received 3")).to_be_visible()
    axe_check(page)


def when_they_type_an_impossible_date(page: Page) -> None:
    fill_date(page, "Received from", "31", "2", "2026")
    page.get_by_role("button", name="Apply filters").click()


def then_they_are_told_what_to_fix(page: Page) -> None:
    expect(page.get_by_role("alert")).to_contain_text("Received from must be a real date")
    axe_check(page)


def test_a_scheme_manager_reads_and_filters_the_dashboard(page: Page, cast: Cast) -> None:
    given_a_scheme_with_some_activity(cast)
    when_the_scheme_manager_opens_the_dashboard(page, cast)
    then_each_chart_has_its_table(page)
    when_they_filter_to_one_need(page)
    then_the_figures_cover_that_need_only(page)
    when_they_type_an_impossible_date(page)
    then_they_are_told_what_to_fix(page)
