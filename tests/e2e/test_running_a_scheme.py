"""A scheme manager checks who looked at a record and changes a setting; someone with two roles switches."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from linkwell.accounts.models import Membership, Role, Scheme
from linkwell.matching import service as matching
from linkwell.people.models import Person
from linkwell.testing.cast import Cast, person_at
from linkwell.testing.factories import MembershipFactory

from .pages import axe_check, choose_from_menu, expect_heading, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Steps


def given_a_link_worker_has_opened_a_persons_record(page: Page, cast: Cast, person: Person) -> None:
    sign_in(page, cast.north.link_worker)
    page.goto(f"/people/{person.pk}/")
    expect_heading(page, person.full_name)
    page.get_by_role("button", name="Sign out").click()
    expect_heading(page, "Sign in to Linkwell")


def when_the_scheme_manager_opens_the_audit_log(page: Page, cast: Cast) -> None:
    sign_in(page, cast.north.scheme_manager)
    expect_heading(page, "Scheme manager home")
    axe_check(page)
    choose_from_menu(page, "Audit log")
    expect_heading(page, "Audit log")
    axe_check(page)


def then_they_see_the_link_worker_viewed_the_record(page: Page, cast: Cast, person: Person) -> None:
    viewed = (
        page.get_by_role("row")
        .filter(has_text=cast.north.link_worker.user.email)
        .filter(has_text="Viewed")
        .filter(has_text=f"Person {person.pk}")
    )
    expect(viewed).to_have_count(1)


def when_they_filter_the_log_to_views(page: Page) -> None:
    page.get_by_label("Action").select_option(label="Viewed")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 event", exact=True)).to_be_visible()
    axe_check(page)


def when_they_change_the_default_prescription_length(page: Page, weeks: int) -> None:
    choose_from_menu(page, "Scheme settings")
    expect_heading(page, "Scheme settings")
    axe_check(page)
    page.get_by_label("Default prescription length (weeks)").fill(str(weeks))
    page.get_by_role("button", name="Save settings").click()


def then_the_setting_is_saved(page: Page, scheme: Scheme, weeks: int) -> None:
    expect(page.get_by_role("alert").filter(has_text="Scheme settings saved.")).to_be_visible()
    expect(page.get_by_label("Default prescription length (weeks)")).to_have_value(str(weeks))
    axe_check(page)
    scheme.refresh_from_db()
    assert scheme.default_prescription_weeks == weeks


def when_they_open_the_matching_settings(page: Page) -> None:
    choose_from_menu(page, "Scheme settings")
    page.get_by_role("link", name="matching settings").click()
    expect_heading(page, "Matching settings")
    axe_check(page)


def when_they_give_a_weight_above_one(page: Page) -> None:
    page.get_by_label("How much being close by counts").fill("2")
    page.get_by_role("button", name="Save weights").click()
    expect(page.get_by_role("alert").filter(has_text="Nearness must be 1 or less")).to_be_visible()
    axe_check(page)


def then_a_new_weight_is_saved(page: Page, scheme: Scheme) -> None:
    page.get_by_label("How much being close by counts").fill("0.4")
    page.get_by_role("button", name="Save weights").click()
    expect(page.get_by_role("alert").filter(has_text="Matching weights saved.")).to_be_visible()
    expect(page.get_by_label("How much being close by counts")).to_have_value("0.4")
    axe_check(page)
    assert matching.weights_for(scheme).distance == 0.4


def given_a_user_with_two_memberships(cast: Cast) -> tuple[Membership, Membership]:
    """The north link worker also volunteers with the south walking group."""
    first = cast.north.link_worker
    second = MembershipFactory(user=first.user, organisation=cast.south.provider_org, role=Role.VOLUNTEER)
    return first, second


def when_they_switch_to(page: Page, membership: Membership) -> None:
    page.get_by_role("link", name="Switch organisation").click()
    expect(page.get_by_role("group", name="Which organisation are you working for?")).to_be_visible()
    axe_check(page)
    page.get_by_label(membership.organisation.name, exact=False).check()
    page.get_by_role("button", name="Continue").click()


# Journeys


def test_a_scheme_manager_sees_a_link_workers_view_of_a_person_in_the_audit_log(page: Page, cast: Cast) -> None:
    person = person_at(cast.north)
    assert isinstance(person, Person)
    given_a_link_worker_has_opened_a_persons_record(page, cast, person)
    when_the_scheme_manager_opens_the_audit_log(page, cast)
    then_they_see_the_link_worker_viewed_the_record(page, cast, person)
    when_they_filter_the_log_to_views(page)
    then_they_see_the_link_worker_viewed_the_record(page, cast, person)


def test_a_scheme_manager_changes_a_scheme_setting(page: Page, cast: Cast) -> None:
    sign_in(page, cast.north.scheme_manager)
    when_they_change_the_default_prescription_length(page, 10)
    then_the_setting_is_saved(page, cast.north.scheme, 10)


def test_a_scheme_manager_changes_how_suggestions_are_weighed(page: Page, cast: Cast) -> None:
    sign_in(page, cast.north.scheme_manager)
    when_they_open_the_matching_settings(page)
    when_they_give_a_weight_above_one(page)
    then_a_new_weight_is_saved(page, cast.north.scheme)


def test_a_person_with_two_memberships_switches_organisation(page: Page, cast: Cast) -> None:
    link_worker, volunteering = given_a_user_with_two_memberships(cast)
    sign_in(page, link_worker)
    expect_heading(page, "Link worker home")
    when_they_switch_to(page, volunteering)
    expect_heading(page, "Volunteer home")
    expect(page.get_by_role("alert").filter(has_text="You are now working as")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Volunteer, South Walking Group")
    axe_check(page)
    # People work belongs to the link-worker role, so the menu no longer offers it.
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="People")).to_have_count(0)

    when_they_switch_to(page, link_worker)
    expect_heading(page, "Link worker home")
