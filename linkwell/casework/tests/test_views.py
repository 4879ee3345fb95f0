from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.models import Assessment, Contact, ContactKind, Goal, GoalProgress
from linkwell.casework.timeline import _SOURCES, TimelineEntry, register_timeline_source, timeline_for
from linkwell.referrals.models import ClosureReason, Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as

CASEWORK_READERS = {"link_worker", "scheme_manager", "admin"}


def url(name: str, *args: Any) -> str:
    return reverse(f"casework:{name}", args=args)


def test_the_caseload_is_for_link_workers_and_their_managers(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, url("caseload"), allowed=CASEWORK_READERS)


def test_the_casework_page_is_for_the_schemes_link_workers_and_managers_only(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    assert_access_matrix(client, cast, url("referral", referral.pk), allowed=CASEWORK_READERS)


def test_casework_forms_are_for_the_schemes_link_workers_only(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    goal = services.goal_set(actor=cast.north.link_worker, referral=referral, description="Swim weekly")
    for page in (
        url("contact_add", referral.pk),
        url("assessment_add", referral.pk),
        url("goal_add", referral.pk),
        url("goal_progress", referral.pk, goal.pk),
        url("goal_end", referral.pk, goal.pk),
        url("transition", referral.pk, Status.ON_HOLD),
    ):
        assert_access_matrix(client, cast, page, allowed={"link_worker"})


def test_posting_a_contact_is_refused_to_everyone_but_the_schemes_link_workers(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACTIVE)
    data = {
        "successful": "no",
        "kind": "phone",
        "direction": "outgoing",
        "date_0": "2",
        "date_1": "3",
        "date_2": "2026",
    }
    assert_access_matrix(
        client, cast, url("contact_add", referral.pk), allowed={"link_worker"}, method="post", data=data
    )
    assert referral.contacts.count() == 1


def test_other_schemes_goals_are_not_found_through_a_referral_in_scope(client: Client, cast: Cast) -> None:
    mine = make_referral(cast.north, status=Status.ASSESSED)
    theirs = make_referral(cast.south, status=Status.ASSESSED)
    goal = services.goal_set(actor=cast.south.link_worker, referral=theirs, description="Theirs")
    login_as(client, cast.north.link_worker)
    assert client.get(url("goal_end", mine.pk, goal.pk)).status_code == 404


def test_a_link_worker_logs_a_first_contact_and_the_referral_moves_on(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    today = timezone.localdate()
    data = {
        "successful": "yes",
        "kind": "home_visit",
        "direction": "outgoing",
        "date_0": today.day,
        "date_1": today.month,
        "date_2": today.year,
        "time": "",
        "duration_minutes": "45",
        "notes": "Tea and a chat",
        "creation_key": "0b9f1c3e-6a43-4a43-9d1e-2d4a8f0c1a11",
    }
    response = client.post(url("contact_add", referral.pk), data)
    assert response.status_code == 302
    client.post(url("contact_add", referral.pk), data)  # a double-submit
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED
    assert referral.contacts.get().duration_minutes == 45
    page = client.get(url("referral", referral.pk)).content.decode()
    assert "Home visit (45 min)" in page and "Tea and a chat" in page


CONTACT_OK = {
    "successful": "yes",
    "kind": "phone",
    "direction": "outgoing",
    "date_0": "2",
    "date_1": "3",
    "date_2": "2026",
    "time": "10:00",
    "duration_minutes": "10",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"successful": "", "kind": "", "date_0": "", "date_1": "", "date_2": ""}, "Select whether you reached"),
        ({"kind": "fax"}, "Select how you contacted them"),
        ({"duration_minutes": ""}, "Enter how long the contact took"),
        ({"duration_minutes": "481"}, "480 minutes (8 hours) or fewer"),
        ({"duration_minutes": "-5"}, "cannot be negative"),
        ({"duration_minutes": "ten"}, "whole number of minutes"),
        ({"time": "25:61"}, "Enter the time as hours and minutes"),
        ({"date_0": "31", "date_1": "2"}, "must be a real date"),
        ({"date_2": "2999"}, "must be in the past"),
        ({"notes": "x" * 4001}, "4,000 characters or fewer"),
    ],
)
def test_bad_contact_input_is_explained_and_writes_nothing(
    client: Client, cast: Cast, changes: dict[str, str], message: str
) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    audits = AuditEvent.objects.count()
    response = client.post(url("contact_add", referral.pk), {**CONTACT_OK, **changes})
    assert response.status_code == 200
    body = response.content.decode()
    assert "nhsuk-error-summary" in body and message in body
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == audits
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_a_contact_later_today_is_refused(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    soon = timezone.localtime() + dt.timedelta(hours=2)
    if soon.date() != timezone.localdate():
        pytest.skip("too close to midnight for a same-day future time")
    data = {**CONTACT_OK, "date_0": soon.day, "date_1": soon.month, "date_2": soon.year, "time": f"{soon:%H:%M}"}
    body = client.post(url("contact_add", referral.pk), data).content.decode()
    assert "The contact cannot be in the future" in body
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message", "model"),
    [
        ("assessment_add", {"what_matters": " ", "needs": ["debt"]}, "Enter what matters to the person", Assessment),
        (
            "assessment_add",
            {"what_matters": "Gardening", "needs": ["flying"]},
            "Select needs from the list",
            Assessment,
        ),
        ("goal_add", {"description": ""}, "Describe the goal", Goal),
        (
            "goal_add",
            {"description": "Swim", "target_date_0": "1", "target_date_1": "1", "target_date_2": "2020"},
            "today or in the future",
            Goal,
        ),
        (
            "goal_add",
            {"description": "Swim", "target_date_0": "1", "target_date_1": "13", "target_date_2": "2030"},
            "must be a real date",
            Goal,
        ),
    ],
)
def test_bad_assessment_and_goal_input_is_explained_and_writes_nothing(
    client: Client, cast: Cast, name: str, data: dict[str, Any], message: str, model: type[Any]
) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    login_as(client, cast.north.link_worker)
    response = client.post(url(name, referral.pk), data)
    body = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in body and message in body
    assert not model.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("goal_progress", {"score": "11", "note": "Good"}, "Enter a score from 0 to 10"),
        ("goal_progress", {"score": "five", "note": "Good"}, "as a whole number"),
        ("goal_progress", {"score": "5", "note": ""}, "Say how the goal is going"),
        ("goal_end", {"outcome": ""}, "Select whether the goal was achieved"),
        ("goal_end", {"outcome": "mostly"}, "Select whether the goal was achieved"),
    ],
)
def test_bad_goal_updates_are_explained_and_write_nothing(
    client: Client, cast: Cast, name: str, data: dict[str, str], message: str
) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    goal = services.goal_set(actor=cast.north.link_worker, referral=referral, description="Swim weekly")
    login_as(client, cast.north.link_worker)
    body = client.post(url(name, referral.pk, goal.pk), data).content.decode()
    assert "nhsuk-error-summary" in body and message in body
    goal.refresh_from_db()
    assert goal.is_open and not GoalProgress.objects.exists()


def test_a_link_worker_assesses_sets_a_goal_and_ends_it(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    login_as(client, cast.north.link_worker)
    response = client.post(
        url("assessment_add", referral.pk),
        {"what_matters": "Seeing friends", "strengths": "Loves music", "needs": ["loneliness"], "barriers": "Bus fare"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ASSESSED
    target = timezone.localdate() + dt.timedelta(days=40)
    client.post(
        url("goal_add", referral.pk),
        {
            "description": "Join the choir",
            "target_date_0": target.day,
            "target_date_1": target.month,
            "target_date_2": target.year,
        },
    )
    goal = referral.goals.get()
    assert goal.target_date == target
    client.post(url("goal_progress", referral.pk, goal.pk), {"score": "6", "note": "Went twice"})
    client.post(url("goal_end", referral.pk, goal.pk), {"outcome": "achieved"})
    goal.refresh_from_db()
    assert goal.outcome == "achieved"
    page = client.get(url("referral", referral.pk)).content.decode()
    assert "Goal ended: achieved" in page and "Goal progress: 6/10" in page and "Assessment recorded" in page
    # An ended goal offers no more changes.
    assert client.get(url("goal_end", referral.pk, goal.pk)).status_code == 302


def test_the_page_offers_only_the_status_changes_the_state_machine_allows(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    page = client.get(url("referral", referral.pk)).content.decode()
    for target in (Status.CONTACTED, Status.UNABLE_TO_CONTACT, Status.ON_HOLD, Status.CLOSED):
        assert url("transition", referral.pk, target) in page
    for target in (Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP, Status.REOPENED):
        assert url("transition", referral.pk, target) not in page
    # Asking for a change the table forbids changes nothing.
    response = client.post(url("transition", referral.pk, Status.ACTIVE), {"note": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert client.get(url("transition", referral.pk, "flying")).status_code == 404
    login_as(client, cast.north.scheme_manager)
    assert (
        url("transition", referral.pk, Status.CLOSED) not in client.get(url("referral", referral.pk)).content.decode()
    )


def test_status_changes_that_need_a_reason_ask_for_one(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACTIVE)
    login_as(client, cast.north.link_worker)
    assert (
        "Say why the referral is on hold"
        in client.post(url("transition", referral.pk, Status.ON_HOLD), {}).content.decode()
    )
    assert (
        "Select why the referral is closing"
        in client.post(url("transition", referral.pk, Status.CLOSED), {"note": "Done"}).content.decode()
    )
    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE
    client.post(url("transition", referral.pk, Status.ON_HOLD), {"note": "In hospital"})
    client.post(url("transition", referral.pk, "resume"), {"note": ""})
    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE


def test_a_could_not_contact_referral_can_be_closed_from_the_warning(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    for hours in (30, 20, 10):
        services.contact_log(
            actor=cast.north.link_worker,
            referral=referral,
            kind=ContactKind.PHONE,
            successful=False,
            occurred_at=timezone.now() - dt.timedelta(hours=hours),
        )
    login_as(client, cast.north.link_worker)
    page = client.get(url("referral", referral.pk)).content.decode()
    close = url("transition", referral.pk, Status.CLOSED) + "?reason=could_not_contact"
    assert "Could not contact" in page and close in page
    form = client.get(close).content.decode()
    assert 'value="could_not_contact" checked' in form
    client.post(url("transition", referral.pk, Status.CLOSED), {"reason": ClosureReason.COULD_NOT_CONTACT})
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    assert referral.events.order_by("-at", "-id")[0].reason == ClosureReason.COULD_NOT_CONTACT


def _caseload(client: Client, **params: str) -> list[int]:
    response = client.get(url("caseload"), params)
    assert response.status_code == 200
    return [r.pk for r in response.context["page"].object_list]


def test_the_caseload_lists_the_workers_own_referrals_with_filters(client: Client, cast: Cast) -> None:
    accepted = make_referral(cast.north, status=Status.ACCEPTED)
    follow_up = make_referral(cast.north, status=Status.FOLLOW_UP)
    closed = make_referral(cast.north, status=Status.CLOSED)
    make_referral(cast.north, status=Status.RECEIVED)
    make_referral(cast.south, status=Status.ACCEPTED)
    for _ in range(3):
        services.contact_log(
            actor=cast.north.link_worker,
            referral=accepted,
            kind=ContactKind.PHONE,
            successful=False,
            occurred_at=timezone.now() - dt.timedelta(hours=1),
        )
    login_as(client, cast.north.link_worker)
    assert set(_caseload(client)) == {accepted.pk, follow_up.pk}
    assert _caseload(client, state=Status.CLOSED) == [closed.pk]
    assert _caseload(client, flag="follow_up_due") == [follow_up.pk]
    assert _caseload(client, flag="could_not_contact") == [accepted.pk]
    assert _caseload(client, flag="contact_overdue") == []
    # A link worker sees only their own caseload, whatever they ask for.
    assert set(_caseload(client, worker=str(cast.north.scheme_manager.pk))) == {accepted.pk, follow_up.pk}
    login_as(client, cast.north.scheme_manager)
    assert set(_caseload(client, worker=str(cast.north.link_worker.pk))) == {accepted.pk, follow_up.pk}


def test_the_caseload_query_count_does_not_grow_with_its_size(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    referral = make_referral(cast.north, status=Status.ASSESSED)
    services.goal_set(actor=cast.north.link_worker, referral=referral, description="Walk")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("caseload")).status_code == 200
        return len(captured.captured_queries)

    one = count()
    for status in (Status.ACCEPTED, Status.ACTIVE, Status.FOLLOW_UP, Status.CONTACTED) * 3:
        more = make_referral(cast.north, status=status)
        services.goal_set(actor=cast.north.link_worker, referral=more, description="Walk")
    assert count() == one


def test_the_person_page_links_to_each_referrals_casework(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    login_as(client, cast.north.link_worker)
    page = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert url("referral", referral.pk) in page


def test_other_apps_can_add_to_the_timeline(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    later = timezone.now() + dt.timedelta(days=1)

    def connections(item: Referral) -> list[TimelineEntry]:
        return [TimelineEntry(when=later, kind="connection", title="Connected to the choir")]

    register_timeline_source(connections)
    register_timeline_source(connections)
    try:
        entries = timeline_for(referral)
    finally:
        _SOURCES.remove(connections)
    assert entries[0].title == "Connected to the choir"
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    assert sum(1 for e in entries if e.kind == "connection") == 1
    assert entries[-1].title == "Referral received"


def test_forms_send_the_user_back_when_the_referral_is_not_ready_for_them(client: Client, cast: Cast) -> None:
    closed = make_referral(cast.north, status=Status.CLOSED)
    accepted = make_referral(cast.north, status=Status.ACCEPTED)
    login_as(client, cast.north.link_worker)
    for page in (url("contact_add", closed.pk), url("goal_add", closed.pk), url("assessment_add", accepted.pk)):
        response = client.get(page, follow=True)
        assert response.redirect_chain[-1][0].startswith("/casework/referrals/")
        assert "cannot be recorded on a referral that is" in response.content.decode()
    client.post(url("goal_add", closed.pk), {"description": "Swim"})
    assert not Goal.objects.exists()
