"""The dashboard's charts fill their column and keep readable text, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from linkwell.insights.tests.builders import journey, service_for
from linkwell.testing.cast import Cast

from .pages import axe_check, expect_heading, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => [...document.querySelectorAll("svg.linkwell-chart")].map((svg) => {
  const text = svg.querySelector("text");
  return {
    chart: svg.getBoundingClientRect().width,
    column: svg.closest("[class*=nhsuk-grid-column]").getBoundingClientRect().width,
    font: text.getBoundingClientRect().height,
    size: parseFloat(getComputedStyle(text).fontSize),
  };
})"""


def given_a_scheme_with_some_activity(cast: Cast) -> None:
    service = service_for(cast.north)
    for index in range(4):
        journey(cast.north, service=service, day=index * 30)


def when_the_scheme_manager_opens_the_dashboard_at(page: Page, cast: Cast, width: int) -> list[dict[str, Any]]:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/insights/")
    expect_heading(page, "Dashboard")
    charts: list[dict[str, Any]] = page.evaluate(MEASURE)
    return charts


def then_every_chart_fills_its_column_with_text_of(charts: list[dict[str, Any]], size: float) -> None:
    assert len(charts) >= 9
    for chart in charts:
        assert chart["chart"] >= chart["column"] - 40  # the column's gutters
        assert chart["size"] == size
        assert chart["font"] >= size  # drawn at that size, not scaled down


def test_charts_are_readable_on_a_phone_and_a_desktop(page: Page, cast: Cast) -> None:
    given_a_scheme_with_some_activity(cast)
    sign_in(page, cast.north.scheme_manager)
    phone = when_the_scheme_manager_opens_the_dashboard_at(page, cast, 390)
    then_every_chart_fills_its_column_with_text_of(phone, 14)
    axe_check(page)
    desktop = when_the_scheme_manager_opens_the_dashboard_at(page, cast, 1280)
    then_every_chart_fills_its_column_with_text_of(desktop, 16)
    assert all(chart["chart"] < 600 for chart in desktop)  # half the page: the table stays beside it
