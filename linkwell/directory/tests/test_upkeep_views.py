"""Provider upkeep through the pages: who may change which listing, live or moderated edits, verifying,
staleness prompts, and problem reports from the in-app service page."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import Client

from linkwell.directory.models import ProblemReport, Service, ServiceVersion, VersionStatus
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import ROLE_NAMES, Cast, login_as

from .listings import make_service

pytestmark = pytest.mark.django_db

EVERYONE = {*ROLE_NAMES, "other_referrer"}
KEEPERS = {"provider", "scheme_manager", "admin"}
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def edit_data(service: Service, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": service.name,
        "description": service.description or "A friendly group",
        "eligibility_description": service.eligibility_description,
        "minimum_age": "" if service.minimum_age is None else service.minimum_age,
        "maximum_age": "" if service.maximum_age is None else service.maximum_age,
        "fees": service.fees,
        "phone": "",
        "status": service.status,
        "capacity_available": "" if service.capacity_available is None else service.capacity_available,
        "waiting_list_length": "" if service.waiting_list_length is None else service.waiting_list_length,
    }
    for i in range(3):
        data.update({f"s{i}-day": "", f"s{i}-week": "", f"s{i}-opens_at": "", f"s{i}-closes_at": ""})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.fixture
def own(cast: Cast) -> Service:
    return make_service(
        cast.north.scheme, "Walking group", description="Gentle walks", provider=cast.north.provider_org
    )


@pytest.fixture
def others(cast: Cast) -> Service:
    return make_service(cast.north.scheme, "Choir", description="Singing", provider=cast.north.other_provider_org)


# Access


def test_every_member_of_the_scheme_can_search_and_open_a_listing(client: Client, cast: Cast, own: Service) -> None:
    assert_role_access(client, cast, "/services/", allowed=EVERYONE)
    assert_access_matrix(client, cast, f"/services/{own.pk}/", allowed=EVERYONE)
    assert_access_matrix(client, cast, f"/services/{own.pk}/report/", allowed=EVERYONE)


def test_a_provider_changes_only_its_own_listings(client: Client, cast: Cast, own: Service, others: Service) -> None:
    for suffix in ("edit/", "history/"):
        assert_access_matrix(client, cast, f"/services/{own.pk}/{suffix}", allowed=KEEPERS)
        assert_access_matrix(client, cast, f"/services/{others.pk}/{suffix}", allowed={"scheme_manager", "admin"})
    assert_access_matrix(client, cast, f"/services/{own.pk}/verify/", allowed=KEEPERS, method="post")
    assert_access_matrix(
        client, cast, f"/services/{others.pk}/verify/", allowed={"scheme_manager", "admin"}, method="post"
    )
    assert_role_access(client, cast, "/services/mine/", allowed=KEEPERS)


def test_a_provider_cannot_post_an_edit_to_another_providers_listing(
    client: Client, cast: Cast, others: Service
) -> None:
    login_as(client, cast.north.provider)
    response = client.post(f"/services/{others.pk}/edit/", edit_data(others, name="Hijacked"))
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.name == "Choir"
    assert not ServiceVersion.objects.filter(service=others).exists()


def test_the_providers_list_shows_only_its_own_listings(
    client: Client, cast: Cast, own: Service, others: Service
) -> None:
    page = login_as(client, cast.north.provider).get("/services/mine/").content.decode()
    assert "Walking group" in page and "Choir" not in page
    page = login_as(client, cast.north.scheme_manager).get("/services/mine/").content.decode()
    assert "Walking group" in page and "Choir" in page


# Editing


def test_a_provider_edit_goes_live_when_the_scheme_does_not_moderate(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.provider)
    data = edit_data(
        own,
        name="Wellbrook walking group",
        **{
            "s0-day": "TU",
            "s0-opens_at": "10:00",
            "s0-closes_at": "12:00",
            "s1-day": "MO",
            "s1-week": "1",
            "s1-opens_at": "19:00",
            "s1-closes_at": "21:00",
        },
        categories=["physical_activity", "nature"],
        phone="01632 960 123",
    )
    response = client.post(f"/services/{own.pk}/edit/", data, follow=True)
    assert "Your changes are live." in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Wellbrook walking group"
    assert sorted(own.schedules.values_list("byday", flat=True)) == ["1MO", "TU"]
    assert sorted(a.taxonomy_term.code for a in own.attributes.all()) == ["nature", "physical_activity"]
    assert own.phones.get().number == "01632 960 123"
    version = own.versions.get()
    assert version.status == VersionStatus.APPLIED
    assert version.created_by == cast.north.provider.user
    assert "name" in version.changes and "schedules" in version.changes
    page = client.get(f"/services/{own.pk}/").content.decode()
    assert "Tuesdays 10:00 to 12:00" in page and "First Monday of the month, 19:00 to 21:00" in page


def test_a_provider_edit_waits_for_moderation_when_the_scheme_asks(client: Client, cast: Cast, own: Service) -> None:
    cast.north.scheme.provider_edits_need_moderation = True
    cast.north.scheme.save()
    login_as(client, cast.north.provider)
    assert "Send for approval" in client.get(f"/services/{own.pk}/edit/").content.decode()
    response = client.post(f"/services/{own.pk}/edit/", edit_data(own, name="Renamed"), follow=True)
    assert "sent to the scheme team to check" in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Walking group"
    assert own.versions.get().status == VersionStatus.PENDING
    assert "1 earlier change is waiting" in client.get(f"/services/{own.pk}/edit/").content.decode()


def test_places_and_waiting_list_go_live_even_when_edits_are_moderated(
    client: Client, cast: Cast, own: Service
) -> None:
    cast.north.scheme.provider_edits_need_moderation = True
    cast.north.scheme.save()
    login_as(client, cast.north.provider)
    client.post(f"/services/{own.pk}/edit/", edit_data(own, capacity_available=3, waiting_list_length=5))
    own.refresh_from_db()
    assert (own.capacity_available, own.waiting_list_length) == (3, 5)
    assert not own.versions.filter(status=VersionStatus.PENDING).exists()


def test_bad_input_is_explained_and_nothing_is_saved(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.provider)
    data = edit_data(
        own,
        name="",
        minimum_age="30",
        maximum_age="18",
        phone="call me",
        capacity_available="-1",
        **{"s0-day": "TU", "s0-opens_at": "12:00", "s0-closes_at": "10:00", "s1-opens_at": "25:00"},
    )
    page = client.post(f"/services/{own.pk}/edit/", data).content.decode()
    for message in (
        "Enter the name of the service",
        "The oldest age must be the same as or more than the youngest age",
        "Enter a phone number, like 01632 960 001",
        "Places cannot be less than 0",
        "The end time must be after the start time",
        "Enter a start time, like 10:00 or 19:30",
    ):
        assert message in page
    own.refresh_from_db()
    assert own.name == "Walking group"
    assert not own.versions.exists()


def test_saving_without_changes_records_no_version(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.provider)
    response = client.post(f"/services/{own.pk}/edit/", edit_data(own), follow=True)
    assert "Nothing had changed" in response.content.decode()
    assert not own.versions.exists()


def test_the_history_shows_who_changed_what(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.provider)
    client.post(f"/services/{own.pk}/edit/", edit_data(own, fees="£2 suggested donation"))
    page = client.get(f"/services/{own.pk}/history/").content.decode()
    assert "Provider North" in page and "fees" in page and "Live" in page


# Staleness and verification


def test_a_listing_prompts_its_provider_after_the_schemes_period_and_is_stale_after_a_year(
    client: Client, cast: Cast
) -> None:
    with time_machine.travel(NOW, tick=False):
        fresh = make_service(cast.north.scheme, "Fresh", provider=cast.north.provider_org, verified_days_ago=30)
        due = make_service(cast.north.scheme, "Due", provider=cast.north.provider_org, verified_days_ago=200)
        stale = make_service(cast.north.scheme, "Old", provider=cast.north.provider_org, verified_days_ago=380)
        login_as(client, cast.north.provider)
        home = client.get("/").content.decode()
        assert "Your directory listings" in home
        assert home.count(">Needs checking<") == 1 and home.count(">Stale: not in matching<") == 1
        listing = client.get("/services/mine/").content.decode()
        assert listing.count("Confirm this listing is still correct") == 2
        assert set(Service.objects.matchable().values_list("name", flat=True)) == {"Fresh", "Due"}
        assert {s.pk for s in Service.objects.needs_verification()} == {due.pk, stale.pk}
        assert fresh.pk not in {s.pk for s in Service.objects.stale()}


def test_a_scheme_can_shorten_the_prompting_period(client: Client, cast: Cast) -> None:
    cast.north.scheme.listing_verify_months = 3
    cast.north.scheme.save()
    with time_machine.travel(NOW, tick=False):
        make_service(cast.north.scheme, "Due", provider=cast.north.provider_org, verified_days_ago=100)
        page = login_as(client, cast.north.provider).get("/services/mine/").content.decode()
        assert "Needs checking" in page


def test_confirming_a_stale_listing_brings_it_back_into_matching(client: Client, cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        stale = make_service(cast.north.scheme, "Old", provider=cast.north.provider_org, verified_days_ago=400)
        assert not Service.objects.matchable().filter(pk=stale.pk).exists()
        login_as(client, cast.north.provider)
        response = client.post(f"/services/{stale.pk}/verify/", {"next": "/services/mine/"}, follow=True)
        assert "is confirmed as correct today" in response.content.decode()
        stale.refresh_from_db()
        assert stale.last_verified_at == NOW
        assert stale.last_verified_by == cast.north.provider.user
        assert Service.objects.matchable().filter(pk=stale.pk).exists()
        assert stale.versions.get().note == "Verified"


def test_verifying_needs_a_post(client: Client, cast: Cast, own: Service) -> None:
    assert login_as(client, cast.north.provider).get(f"/services/{own.pk}/verify/").status_code == 405


def test_verify_does_not_redirect_off_site(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.provider)
    response = client.post(f"/services/{own.pk}/verify/", {"next": "https://evil.example/"})
    assert response["Location"] == "/services/mine/"


# Problem reports


def test_anyone_signed_in_can_report_a_problem_once_per_form(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.referrer)
    key = str(uuid.uuid4())
    data = {"kind": "wrong_times", "details": "It moved to Wednesdays", "creation_key": key}
    first = client.post(f"/services/{own.pk}/report/", data, follow=True)
    assert "The scheme team will check the listing" in first.content.decode()
    client.post(f"/services/{own.pk}/report/", data)
    report = ProblemReport.objects.get()
    assert (report.kind, report.details, report.reported_by) == (
        "wrong_times",
        "It moved to Wednesdays",
        cast.north.referrer.user,
    )
    assert report.reported_by_organisation == cast.north.practice


def test_a_problem_report_needs_a_kind_and_details_for_something_else(client: Client, cast: Cast, own: Service) -> None:
    login_as(client, cast.north.link_worker)
    page = client.post(f"/services/{own.pk}/report/", {"kind": "", "creation_key": str(uuid.uuid4())}).content.decode()
    assert "Choose what is wrong" in page
    page = client.post(f"/services/{own.pk}/report/", {"kind": "other", "details": " "}).content.decode()
    assert "Tell us what is wrong" in page
    assert not ProblemReport.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client: Client, own: Service) -> None:
    response = client.get(f"/services/{own.pk}/report/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_in_app_search_shows_capacity_and_costs_a_fixed_number_of_queries(client: Client, cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login_as(client, cast.north.link_worker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/services/", {"q": "group"}).status_code == 200
        return len(captured)

    make_service(cast.north.scheme, "Group 0", place=(53.2, -1.45), capacity_available=3, waiting_list_length=2)
    small = queries()
    for i in range(1, 15):
        make_service(cast.north.scheme, f"Group {i}", place=(53.2, -1.45), amount="2")
    assert queries() == small
    page = client.get("/services/", {"q": "group 0"}).content.decode()
    assert "3 places free" in page and "2 waiting" in page
