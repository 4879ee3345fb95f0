"""A link worker finds, adds and looks after a person's record, and bad details are turned away."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from linkwell.people.models import Person
from linkwell.testing.cast import Cast

from .pages import axe_check, choose_from_menu, expect_heading, fill_date, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class NewPerson:
    first_name: str = "Iris"
    last_name: str = "Calloway"
    day: str = "14"
    month: str = "2"
    year: str = "1948"
    nhs_number: str = "999 000 0018"  # a test number in the 999 range, never issued to a real person
    postcode: str = "LS1 4AP"
    phone: str = "07700 900982"  # Ofcom's drama range
    preferred_contact: str = "Phone call"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


IRIS = NewPerson()


# Steps


def given_a_signed_in_link_worker(page: Page, cast: Cast) -> None:
    sign_in(page, cast.north.link_worker)
    expect_heading(page, "Link worker home")


def when_they_search_for(page: Page, words: str) -> None:
    choose_from_menu(page, "People")
    expect_heading(page, "Find a person")
    axe_check(page)
    page.get_by_label("Name or NHS number").fill(words)
    page.get_by_role("button", name="Search").click()


def then_nobody_is_found(page: Page) -> None:
    expect(page.get_by_role("heading", name="0 people found")).to_be_visible()
    axe_check(page)


def when_they_start_adding_a_person(page: Page) -> None:
    page.get_by_role("link", name="Add a new person").click()
    expect_heading(page, "Add a person")
    axe_check(page)


def when_they_fill_in_the_persons_details(page: Page, person: NewPerson) -> None:
    page.get_by_label("First name", exact=True).fill(person.first_name)
    page.get_by_label("Last name", exact=True).fill(person.last_name)
    fill_date(page, "Date of birth", person.day, person.month, person.year)
    page.get_by_label("NHS number (optional)").fill(person.nhs_number)
    page.get_by_label("Postcode", exact=True).fill(person.postcode)
    page.get_by_label("Phone number (optional)").fill(person.phone)
    page.get_by_role("group", name="How do they prefer to be contacted?").get_by_label(person.preferred_contact).check()


def when_they_continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def then_they_are_on_the_persons_page(page: Page, person: NewPerson) -> None:
    expect_heading(page, person.full_name)
    expect(page.get_by_role("alert").filter(has_text=f"{person.full_name} has been added")).to_be_visible()
    expect(page.get_by_text(person.nhs_number, exact=True)).to_be_visible()
    axe_check(page)


def consent_status(page: Page, purpose: str) -> Locator:
    """The status cell of the consent table's row for one purpose."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=purpose, exact=True))
    return row.get_by_role("cell").nth(1)


def when_they_record_consent_to_share_with_providers(page: Page) -> None:
    page.get_by_role("link", name="Record consent").click()
    expect_heading(page, "Record consent")
    axe_check(page)
    page.get_by_role("group", name="What is the consent for?").get_by_label("Sharing details with providers").check()
    page.get_by_role("group", name="What did the person decide?").get_by_label("They agreed").check()
    page.get_by_role("group", name="How was it given?").get_by_label("Verbally, in person or by phone").check()
    page.get_by_role("button", name="Save consent").click()


def then_consent_to_share_is(page: Page, status: str) -> None:
    expect(consent_status(page, "Sharing details with providers")).to_have_text(status)
    axe_check(page)


def when_they_withdraw_consent_to_share(page: Page, reason: str) -> None:
    page.get_by_role("link", name="Withdraw sharing details with providers").click()
    expect_heading(page, "Withdraw consent: sharing details with providers")
    axe_check(page)
    page.get_by_label("Why is consent being withdrawn?").fill(reason)
    page.get_by_role("button", name="Withdraw consent").click()


def then_they_are_warned_the_person_may_already_be_recorded(page: Page, person: NewPerson) -> None:
    expect_heading(page, "This person may already be recorded")
    expect(page.get_by_role("link", name=person.full_name)).to_be_visible()
    axe_check(page)


def then_the_error_summary_links_to(page: Page, fields: dict[str, str]) -> None:
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    for field_id, message in fields.items():
        link = summary.get_by_role("link", name=message)
        expect(link).to_have_attribute("href", f"#{field_id}")
        link.click()
        expect(page.locator(f"#{field_id}")).to_be_focused()
        expect(page.locator(f"#{field_id}-error")).to_contain_text(message)
    axe_check(page)


# Journeys


def test_a_link_worker_adds_a_person_records_and_withdraws_consent_and_is_warned_of_a_second_record(
    page: Page, cast: Cast
) -> None:
    given_a_signed_in_link_worker(page, cast)
    when_they_search_for(page, IRIS.full_name)
    then_nobody_is_found(page)

    when_they_start_adding_a_person(page)
    when_they_fill_in_the_persons_details(page, IRIS)
    when_they_continue(page)
    then_they_are_on_the_persons_page(page, IRIS)
    then_consent_to_share_is(page, "Not asked")

    when_they_record_consent_to_share_with_providers(page)
    then_consent_to_share_is(page, "Given")

    when_they_withdraw_consent_to_share(page, "She would rather tell the walking group herself.")
    then_consent_to_share_is(page, "Withdrawn")

    # The same person again, this time without the NHS number to hand.
    when_they_search_for(page, IRIS.last_name)
    expect(page.get_by_role("heading", name="1 person found")).to_be_visible()
    when_they_start_adding_a_person(page)
    when_they_fill_in_the_persons_details(page, NewPerson(nhs_number=""))
    when_they_continue(page)
    then_they_are_warned_the_person_may_already_be_recorded(page, IRIS)
    assert Person.objects.filter(family_name=IRIS.last_name).count() == 1


def test_bad_details_are_shown_in_an_error_summary_and_nothing_is_created(page: Page, cast: Cast) -> None:
    given_a_signed_in_link_worker(page, cast)
    page.goto("/people/new/")
    when_they_fill_in_the_persons_details(page, NewPerson(nhs_number="0000000000", postcode="NOT A POSTCODE"))
    when_they_continue(page)
    expect_heading(page, "Add a person")
    then_the_error_summary_links_to(
        page,
        {
            "id_nhs_number": "This is not a valid NHS number",
            "id_postcode": "Enter a full UK postcode, like LS1 4AP",
        },
    )
    # What was typed is kept, so only the wrong parts need typing again.
    expect(page.get_by_label("First name", exact=True)).to_have_value(IRIS.first_name)
    assert not Person.objects.exists()
