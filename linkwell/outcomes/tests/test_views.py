from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.outcomes.models import MeasureResponse, QuestionnaireLink, Timepoint
from linkwell.referrals.models import Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as

from .helpers import SWEMWBS_ALL_THREES, UCLA3_ANSWERS, form_data, record

READERS = {"link_worker", "scheme_manager", "admin"}


def url(name: str, *args: Any) -> str:
    return reverse(f"outcomes:{name}", args=args)


def test_the_due_list_is_for_link_workers_only(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, url("due"), allowed={"link_worker"})


def test_a_referrals_outcomes_are_for_the_schemes_link_workers_and_managers_only(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    record(cast.north, referral, "ucla3", Timepoint.BASELINE, UCLA3_ANSWERS)
    assert_access_matrix(client, cast, url("referral", referral.pk), allowed=READERS)


def test_recording_and_links_are_for_the_schemes_link_workers_only(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    assert_access_matrix(client, cast, url("record", referral.pk, "baseline", "swemwbs"), allowed={"link_worker"})
    assert_access_matrix(
        client,
        cast,
        url("create_link", referral.pk),
        allowed={"link_worker"},
        method="post",
        data={"timepoint": "baseline"},
    )


def test_a_provider_sees_no_outcomes_pages(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.provider)
    for page in (
        url("due"),
        url("referral", referral.pk),
        url("record", referral.pk, "baseline", "ucla3"),
    ):
        assert client.get(page).status_code in (403, 404), page
    assert client.post(url("create_link", referral.pk), {"timepoint": "baseline"}).status_code in (403, 404)
    assert not QuestionnaireLink.objects.exists()


def test_a_link_worker_records_a_measure_with_the_person(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.link_worker)
    page = client.get(url("record", referral.pk, "baseline", "swemwbs"))
    assert page.status_code == 200
    assert "has not been loaded" in page.content.decode()
    data = form_data(SWEMWBS_ALL_THREES, method="with_link_worker", creation_key="7d0f6b8e-0000-4000-8000-000000000001")
    response = client.post(url("record", referral.pk, "baseline", "swemwbs"), data)
    assert response.status_code == 302
    # A double submit does not duplicate.
    client.post(url("record", referral.pk, "baseline", "swemwbs"), data)
    assert MeasureResponse.objects.filter(referral=referral).count() == 1
    outcomes = client.get(url("referral", referral.pk)).content.decode()
    assert "Mental wellbeing (SWEMWBS metric score, 7-35): 19.25" in outcomes


def test_bad_answers_show_messages_and_save_nothing(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.link_worker)
    data = form_data({**SWEMWBS_ALL_THREES, "2": "9"}, method="with_link_worker")
    del data["item_5"]
    response = client.post(url("record", referral.pk, "baseline", "swemwbs"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Question 5 has not been answered." in page
    assert "The answer to question 2 must be a whole number from 1 to 5." in page
    assert "nhsuk-error-summary" in page
    assert not MeasureResponse.objects.exists()


def test_unknown_measures_and_timepoints_are_not_found(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.link_worker)
    assert client.get(url("record", referral.pk, "baseline", "phq9")).status_code == 404
    assert client.get(url("record", referral.pk, "someday", "ucla3")).status_code == 404


def test_sending_a_link_shows_it_once_to_copy(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.link_worker)
    response = client.post(url("create_link", referral.pk), {"timepoint": "baseline"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://testserver/q/" in page
    link = QuestionnaireLink.objects.get()
    assert link.measures == ["swemwbs", "ucla3", "ons4"]
    bad = client.post(url("create_link", referral.pk), {"timepoint": "tomorrow"})
    assert bad.status_code == 302
    assert QuestionnaireLink.objects.count() == 1


def test_the_due_page_lists_due_and_overdue_measures_with_both_actions(client: Client, cast: Cast) -> None:
    start = timezone.now() - dt.timedelta(days=30)
    with time_machine.travel(start, tick=False):
        old = make_referral(cast.north, status=Status.ASSESSED)
    fresh = make_referral(cast.north, status=Status.ASSESSED)
    login_as(client, cast.north.link_worker)
    response = client.get(url("due"))
    page = response.content.decode()
    assert response.status_code == 200
    overdue, due_now = response.context["overdue"], response.context["due_now"]
    assert [d.referral.pk for d in overdue] == [old.pk]
    assert [d.referral.pk for d in due_now] == [fresh.pk]
    assert "Record with the person" in page and "Send a link" in page
    assert url("record", fresh.pk, "baseline", "swemwbs") in page


def test_outcome_settings_are_for_scheme_managers_and_admins(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, url("settings"), allowed={"scheme_manager", "admin"})


def test_a_scheme_manager_changes_the_measures_and_timepoints(client: Client, cast: Cast) -> None:
    from linkwell.outcomes.definitions import outcome_settings_for

    login_as(client, cast.north.scheme_manager)
    data = {
        "measures": ["swemwbs", "ucla3"],
        "follow_up_weeks": "10",
        "later_timepoint_weeks": "8",
        "gp_appointment_cost": "40.00",
        "volunteer_hour_value": "12.21",
        "annual_scheme_cost": "120000",
    }
    bad = client.post(url("settings"), data)
    assert "The later measurement must come after the follow-up." in bad.content.decode()
    assert outcome_settings_for(cast.north.scheme).follow_up_weeks == 12
    response = client.post(url("settings"), data | {"later_timepoint_weeks": "26"})
    assert response.status_code == 302
    saved = outcome_settings_for(cast.north.scheme)
    assert (saved.measures, saved.follow_up_weeks, saved.later_timepoint_weeks) == (["swemwbs", "ucla3"], 10, 26)
    assert outcome_settings_for(cast.south.scheme).measures == ["swemwbs", "ucla3", "ons4"]
