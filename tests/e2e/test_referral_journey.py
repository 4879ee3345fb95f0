"""The closed loop in a browser: a GP refers, a link worker supports the person to a local group, the group
records their attendance by card, and the GP reads the closing summary.

Three people work in three browser windows at once (the GP, the link worker and the provider), each signed
in once through the real form; every step goes through the pages they would use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from linkwell.connections.models import Attendance, AttendanceMethod, AttendanceStatus
from linkwell.connections.tests.factories import make_service
from linkwell.directory.models import Service
from linkwell.testing.cast import Cast

from .conftest import keep_to
from .pages import axe_check, choose_from_menu, expect_heading, fill_date, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SNOMED_REFERRED_TO_SOCIAL_PRESCRIBING = "871731000000106"
CLOSING_NOTE = "Mabel walks with the group every week now."
REFERRAL_URL = re.compile(r"/referrals/(\d+)/$")


@dataclass(frozen=True)
class Story:
    first_name: str = "Mabel"
    last_name: str = "Thornbury"
    day: str = "3"
    month: str = "9"
    year: str = "1951"
    postcode: str = "LS1 4AP"
    phone: str = "07700 900417"  # Ofcom's drama range
    reason: str = "Lives alone since her husband died and has stopped going out."
    goal: str = "Go to the walking group every week"
    service: str = "Tuesday Walk"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def listed_name(self) -> str:
        """How referral tables name the person: SURNAME, First name."""
        return f"{self.last_name.upper()}, {self.first_name}"


MABEL = Story()


@dataclass
class Journey:
    """What the people in the story learn along the way and need later."""

    referral_pk: int = 0
    card_number: str = ""


# Places


def land_on(page: Page, heading: str) -> None:
    """The page has arrived (its main heading) and passes the accessibility check."""
    expect_heading(page, heading)
    axe_check(page)


def banner(page: Page, text: str) -> Locator:
    return page.get_by_role("alert").filter(has_text=text)


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def group(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


def open_casework(page: Page, journey: Journey, status: str) -> None:
    """The link worker's casework page for the referral, reached from their caseload."""
    choose_from_menu(page, "Caseload")
    land_on(page, "Your caseload")
    page.get_by_role("link", name=MABEL.listed_name).click()
    land_on(page, f"{MABEL.full_name} {status}")
    assert page.url.endswith(f"/casework/referrals/{journey.referral_pk}/"), page.url


# The GP


def given_a_gp_refers_a_person_new_to_linkwell(gp: Page, cast: Cast, journey: Journey) -> None:
    sign_in(gp, cast.north.referrer)
    axe_check(gp)
    choose_from_menu(gp, "Referrals")
    land_on(gp, "Referrals your organisation has made")
    gp.get_by_role("link", name="Refer someone").click()
    land_on(gp, "Who are you referring?")

    gp.get_by_label("Name or NHS number").fill(MABEL.full_name)
    gp.get_by_role("button", name="Search").click()
    expect(gp.get_by_role("heading", name="0 people found")).to_be_visible()
    axe_check(gp)

    gp.get_by_role("link", name="Add someone not listed").click()
    land_on(gp, "Add the person you are referring")
    gp.get_by_label("First name", exact=True).fill(MABEL.first_name)
    gp.get_by_label("Last name", exact=True).fill(MABEL.last_name)
    fill_date(gp, "Date of birth", MABEL.day, MABEL.month, MABEL.year)
    gp.get_by_label("Postcode", exact=True).fill(MABEL.postcode)
    gp.get_by_label("Phone number (optional)").fill(MABEL.phone)
    group(gp, "How do they prefer to be contacted?").get_by_label("Phone call").check()
    gp.get_by_label("Registered GP practice").select_option(label=cast.north.practice.name)
    gp.get_by_role("button", name="Continue").click()

    land_on(gp, f"Refer {MABEL.full_name}")
    reasons = group(gp, "Reasons for referral")
    reasons.get_by_label("Loneliness or isolation").check()
    reasons.get_by_label("Bereavement").check()
    gp.get_by_label("In your own words, why are you referring them?").fill(MABEL.reason)
    gp.get_by_label("What matters to the person, if you know").fill("Getting back out in the fresh air.")
    gp.get_by_label("The person agrees to be referred to social prescribing").check()
    gp.get_by_label(
        "The person agrees that their details can be shared with the services they are connected to"
    ).check()
    gp.get_by_role("button", name="Send referral").click()

    expect(banner(gp, f"Referral sent for {MABEL.full_name}")).to_be_visible()
    land_on(gp, f"{MABEL.full_name} Received")
    found = REFERRAL_URL.search(gp.url)
    assert found is not None, gp.url
    journey.referral_pk = int(found.group(1))


def then_the_gp_sees_the_referral_closed(gp: Page) -> None:
    choose_from_menu(gp, "Referrals")
    land_on(gp, "Referrals your organisation has made")
    row = gp.get_by_role("row").filter(has=gp.get_by_role("link", name=MABEL.listed_name))
    expect(row.get_by_role("cell").nth(2)).to_have_text("Closed")
    row.get_by_role("link", name=MABEL.listed_name).click()
    land_on(gp, f"{MABEL.full_name} Closed")
    outcome = main(gp).locator(".nhsuk-inset-text").filter(has_text="Outcome:")
    expect(outcome.get_by_text(re.compile(r"^Closed on .+: Got help \(completed\)\.$"))).to_be_visible()
    expect(outcome.get_by_text(CLOSING_NOTE)).to_be_visible()


def then_the_closing_summary_tells_the_gp_what_happened(gp: Page, cast: Cast) -> None:
    gp.get_by_role("link", name="Read the closing summary (message back)").click()
    land_on(gp, f"Closing summary for {MABEL.full_name}")
    closed = gp.locator(".nhsuk-summary-list__row").filter(has=gp.get_by_text("Closed", exact=True))
    expect(closed.locator("dd")).to_contain_text("Got help (completed)")
    expect(gp.get_by_text(CLOSING_NOTE)).to_be_visible()

    support = gp.get_by_role("table").filter(has=gp.get_by_role("columnheader", name="Sessions attended"))
    line = support.get_by_role("row").filter(has_text=MABEL.service)
    cells = line.get_by_role("cell")
    expect(cells.nth(0)).to_contain_text(f"{MABEL.service} ({cast.north.provider_org.name})")
    expect(cells.nth(1)).to_have_text("Completed")
    expect(cells.nth(2)).to_have_text("Yes")
    expect(cells.nth(3)).to_have_text("1")
    expect(gp.get_by_text("1 of 1 service taken up.")).to_be_visible()

    expect(gp.get_by_role("listitem").filter(has_text=MABEL.goal)).to_have_text(f"{MABEL.goal}: Achieved")

    codes = gp.get_by_role("table").filter(has=gp.get_by_role("columnheader", name="Code"))
    code = codes.get_by_role("row").filter(has_text=SNOMED_REFERRED_TO_SOCIAL_PRESCRIBING)
    expect(code.get_by_role("cell").nth(1)).to_have_text("Referral to social prescribing service")


# The link worker


def when_the_link_worker_accepts_it_from_the_triage_queue(worker: Page, cast: Cast, journey: Journey) -> None:
    sign_in(worker, cast.north.link_worker)
    axe_check(worker)
    choose_from_menu(worker, "Triage")
    land_on(worker, "Triage queue")
    worker.get_by_role("link", name=MABEL.listed_name).click()
    land_on(worker, f"{MABEL.full_name} Received")
    worker.get_by_role("link", name="Accept", exact=True).click()
    land_on(worker, "Accept the referral")
    worker.get_by_label("Link worker").select_option(label=cast.north.link_worker.user.display_name)
    worker.get_by_role("button", name="Accept and assign").click()
    expect(banner(worker, "Referral accepted and assigned")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Accepted")


def when_they_log_a_phone_call_with_the_person(worker: Page, journey: Journey) -> None:
    open_casework(worker, journey, "Accepted")
    worker.get_by_role("link", name="Log a contact", exact=True).click()
    land_on(worker, "Log a contact or an attempt")
    group(worker, "Did you reach the person?").get_by_label("Yes, we spoke").check()
    group(worker, "How").get_by_label("Phone call").check()
    worker.get_by_label("How long did it take, in minutes?").fill("25")
    worker.get_by_label("Notes").fill("Introduced social prescribing; she would like to meet.")
    worker.get_by_role("button", name="Save").click()
    expect(banner(worker, "Contact logged.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Contacted")


def when_they_record_what_matters_to_her(worker: Page) -> None:
    worker.get_by_role("link", name="Record the assessment").click()
    land_on(worker, "Record the assessment")
    expect(worker.get_by_label("What matters to the person")).to_have_value("Getting back out in the fresh air.")
    worker.get_by_label("Strengths").fill("Walked the fells for years; likes a chat.")
    worker.get_by_label("Barriers").fill("Nervous of going somewhere new alone.")
    worker.get_by_role("button", name="Save assessment").click()
    expect(banner(worker, "Assessment saved.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Assessed")


def when_they_set_a_goal(worker: Page) -> None:
    worker.get_by_role("link", name="Add a goal").click()
    land_on(worker, "Add a goal")
    worker.get_by_label("Goal", exact=True).fill(MABEL.goal)
    worker.get_by_role("button", name="Add goal").click()
    expect(banner(worker, "Goal added.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Assessed")
    expect(worker.get_by_role("heading", name=MABEL.goal)).to_be_visible()


def when_they_connect_her_to_the_walking_group(worker: Page, service: Service) -> None:
    main(worker).get_by_role("link", name="Connections", exact=True).click()
    land_on(worker, "Connections")
    worker.get_by_label("Service", exact=True).select_option(label=service.name)
    worker.get_by_label("Why this service suits the person").fill("Loves walking; nervous of new places.")
    worker.get_by_role("button", name="Propose connection").click()
    expect(banner(worker, f"Connection to {service.name} proposed")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Proposed")
    worker.get_by_role("button", name=f"Send to {service.name}").click()
    expect(banner(worker, f"Sent to {service.name}.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Sent to provider")


def when_they_issue_her_an_attendance_card(worker: Page, journey: Journey) -> None:
    open_casework(worker, journey, "Active")
    worker.get_by_role("link", name="Attendance card").click()
    land_on(worker, "Attendance card")
    expect(worker.get_by_text(f"{MABEL.full_name} has no attendance card yet.")).to_be_visible()
    worker.get_by_role("button", name="Issue a card").click()
    expect(banner(worker, "A new attendance card has been issued")).to_be_visible()
    land_on(worker, "Attendance card")
    number = worker.locator(".linkwell-card").get_by_text(re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$"))
    expect(number).to_be_visible()
    journey.card_number = number.inner_text()


def when_they_end_the_goal_as_achieved(worker: Page, journey: Journey) -> None:
    open_casework(worker, journey, "Active")
    worker.get_by_role("link", name=f"End goal {MABEL.goal}").click()
    land_on(worker, "End the goal")
    group(worker, "How did it end?").get_by_label("Achieved", exact=True).check()
    worker.get_by_role("button", name="End goal").click()
    expect(banner(worker, "Goal ended.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Active")


def when_they_start_the_follow_up(worker: Page) -> None:
    worker.get_by_role("link", name="Start follow-up").click()
    land_on(worker, "Start follow-up")
    worker.get_by_label("Note").fill("Eight weeks on: she walks every Tuesday now.")
    worker.get_by_role("button", name="Start follow-up").click()
    expect(banner(worker, "Status changed to follow-up.")).to_be_visible()
    land_on(worker, f"{MABEL.full_name} Follow-up")


def when_they_end_the_connection_as_completed(worker: Page, service: Service) -> None:
    main(worker).get_by_role("link", name="Connections", exact=True).click()
    land_on(worker, "Connections")
    worker.get_by_role("link", name=service.name).click()
    land_on(worker, f"{MABEL.full_name} Attending")
    expect(worker.get_by_role("listitem").filter(has_text=re.compile(r": Attended$"))).to_have_count(1)
    worker.get_by_role("link", name="End this connection").click()
    land_on(worker, "End this connection")
    group(worker, "How did the connection end?").get_by_label("Completed").check()
    worker.get_by_role("button", name="End connection").click()
    expect(banner(worker, f"Connection to {service.name} ended.")).to_be_visible()
    land_on(worker, "Follow-up and closure")


def when_they_close_the_referral(worker: Page) -> None:
    group(worker, "Why is the referral closing?").get_by_label("Got help (completed)").check()
    worker.get_by_label("Summary for the referrer (optional)").fill(CLOSING_NOTE)
    worker.get_by_role("button", name="Close referral").click()
    expect(banner(worker, "Referral closed.")).to_be_visible()
    land_on(worker, f"Closing summary for {MABEL.full_name}")


# The provider


def when_the_provider_accepts_the_connection(provider: Page, cast: Cast, service: Service) -> None:
    sign_in(provider, cast.north.provider)
    axe_check(provider)
    choose_from_menu(provider, "Connections")
    land_on(provider, "Connections")
    expect(main(provider).get_by_role("heading", name="Waiting for your answer (1)")).to_be_visible()
    row = main(provider).get_by_role("row").filter(has_text=service.name)
    row.get_by_role("link", name=MABEL.full_name).click()
    land_on(provider, f"{MABEL.full_name} Sent to provider")
    expect(provider.get_by_text("Loves walking; nervous of new places.")).to_be_visible()
    provider.get_by_role("link", name="Answer this connection").click()
    land_on(provider, "Answer this connection")
    group(provider, "Your answer").get_by_label("Accept: we can take them on now").check()
    provider.get_by_role("button", name="Send answer").click()
    expect(banner(provider, "Answer recorded: accepted.")).to_be_visible()
    land_on(provider, f"{MABEL.full_name} Accepted")


def when_the_provider_checks_her_in_by_card_number(provider: Page, service: Service, journey: Journey) -> None:
    choose_from_menu(provider, "Connections")
    land_on(provider, "Connections")
    provider.get_by_role("link", name="Check someone in with their card").click()
    land_on(provider, "Check someone in")
    provider.get_by_label("Card number").fill(journey.card_number.lower())  # typed as read aloud, any case
    provider.get_by_role("button", name="Find").click()
    land_on(provider, "Check someone in")
    expect(provider.get_by_text(f"Record today's attendance for {MABEL.first_name}.")).to_be_visible()
    expect(group(provider, "Session").get_by_label(service.name)).to_be_checked()
    expect(group(provider, "Arrived").get_by_label("On time")).to_be_checked()
    provider.get_by_role("button", name="Record attendance").click()
    expect(banner(provider, f"Attended recorded for today at {service.name}.")).to_be_visible()
    land_on(provider, "Check someone in")


# The journey


@pytest.fixture
def new_window(new_context: Callable[..., BrowserContext], live_server: LiveServer) -> Callable[[], Page]:
    """Another person's browser: its own context, so its own cookies and sign-in."""

    def open_window() -> Page:
        return keep_to(new_context(), live_server.url).new_page()

    return open_window


def test_a_gp_referral_is_supported_to_a_local_group_and_the_gp_reads_the_closing_summary(
    page: Page, new_window: Callable[[], Page], cast: Cast
) -> None:
    gp, worker, provider = page, new_window(), new_window()
    walk = make_service(cast.north, name=MABEL.service)
    journey = Journey()

    given_a_gp_refers_a_person_new_to_linkwell(gp, cast, journey)

    when_the_link_worker_accepts_it_from_the_triage_queue(worker, cast, journey)
    when_they_log_a_phone_call_with_the_person(worker, journey)
    when_they_record_what_matters_to_her(worker)
    when_they_set_a_goal(worker)
    when_they_connect_her_to_the_walking_group(worker, walk)

    when_the_provider_accepts_the_connection(provider, cast, walk)

    when_they_issue_her_an_attendance_card(worker, journey)
    when_the_provider_checks_her_in_by_card_number(provider, walk, journey)

    when_they_end_the_goal_as_achieved(worker, journey)
    when_they_start_the_follow_up(worker)
    when_they_end_the_connection_as_completed(worker, walk)
    when_they_close_the_referral(worker)

    then_the_gp_sees_the_referral_closed(gp)
    then_the_closing_summary_tells_the_gp_what_happened(gp, cast)

    # Behind the pages: one attendance, taken from the card, on the one connection.
    attendance = Attendance.objects.get()
    assert (attendance.method, attendance.status) == (AttendanceMethod.CARD, AttendanceStatus.ATTENDED)
    assert attendance.connection.referral_id == journey.referral_pk
