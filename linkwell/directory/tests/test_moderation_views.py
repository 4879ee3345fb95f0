"""The moderation queue: scheme managers approve or reject provider edits and close problem reports."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from linkwell.directory import services
from linkwell.directory.models import ProblemKind, ProblemReport, ProblemStatus, Service, ServiceVersion, VersionStatus
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as

from .listings import make_service

pytestmark = pytest.mark.django_db

MODERATORS = {"scheme_manager", "admin"}
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def pending(cast: Cast) -> ServiceVersion:
    cast.north.scheme.provider_edits_need_moderation = True
    cast.north.scheme.save()
    service = make_service(cast.north.scheme, "Walking group", description="Walks", provider=cast.north.provider_org)
    service.scheme.refresh_from_db()
    version = services.service_update(
        actor=cast.north.provider, service=service, values={"name": "Wellbrook Walkers"}, note="New name"
    )
    assert version.status == VersionStatus.PENDING
    return version


@pytest.fixture
def report(cast: Cast) -> ProblemReport:
    service = make_service(cast.north.scheme, "Choir", provider=cast.north.other_provider_org)
    return services.problem_report_create(
        user=cast.north.link_worker.user,
        membership=cast.north.link_worker,
        service=service,
        kind=ProblemKind.CLOSED,
        details="The hall told me it stopped in March",
    )


def test_only_scheme_managers_and_admins_moderate(
    client: Client, cast: Cast, pending: ServiceVersion, report: ProblemReport
) -> None:
    assert_role_access(client, cast, "/services/moderation/", allowed=MODERATORS)
    assert_access_matrix(client, cast, f"/services/moderation/changes/{pending.pk}/", allowed=MODERATORS)
    assert_access_matrix(client, cast, f"/services/moderation/reports/{report.pk}/", allowed=MODERATORS)


def test_the_queue_lists_pending_changes_and_open_reports(
    client: Client, cast: Cast, pending: ServiceVersion, report: ProblemReport
) -> None:
    page = login_as(client, cast.north.scheme_manager).get("/services/moderation/").content.decode()
    assert "Changes waiting for approval (1)" in page and "Walking group" in page
    assert "Problem reports (1)" in page and "Choir: it has closed" in page
    page = login_as(client, cast.south.scheme_manager).get("/services/moderation/").content.decode()
    assert "Walking group" not in page and "Choir" not in page


def test_approving_a_change_makes_it_live(client: Client, cast: Cast, pending: ServiceVersion) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.get(f"/services/moderation/changes/{pending.pk}/").content.decode()
    assert "Wellbrook Walkers" in page and "New name" in page
    response = client.post(f"/services/moderation/changes/{pending.pk}/", {"decision": "approve"}, follow=True)
    assert "is live" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == VersionStatus.APPLIED and pending.reviewed_by == cast.north.scheme_manager.user
    assert Service.objects.get(pk=pending.service_id).name == "Wellbrook Walkers"


def test_rejecting_needs_a_note_and_leaves_the_listing_alone(
    client: Client, cast: Cast, pending: ServiceVersion
) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.post(f"/services/moderation/changes/{pending.pk}/", {"decision": "reject"}).content.decode()
    assert "Say why the change is rejected" in page
    pending.refresh_from_db()
    assert pending.status == VersionStatus.PENDING
    client.post(f"/services/moderation/changes/{pending.pk}/", {"decision": "reject", "note": "Use the charity's name"})
    pending.refresh_from_db()
    assert (pending.status, pending.review_note) == (VersionStatus.REJECTED, "Use the charity's name")
    assert Service.objects.get(pk=pending.service_id).name == "Walking group"
    history = login_as(client, cast.north.provider).get(f"/services/{pending.service_id}/history/").content.decode()
    assert "Rejected" in history and "Use the charity&#x27;s name" in history


def test_a_second_decision_on_the_same_change_does_nothing(client: Client, cast: Cast, pending: ServiceVersion) -> None:
    login_as(client, cast.north.scheme_manager)
    client.post(f"/services/moderation/changes/{pending.pk}/", {"decision": "approve"})
    response = client.post(
        f"/services/moderation/changes/{pending.pk}/", {"decision": "reject", "note": "late"}, follow=True
    )
    assert "already been reviewed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == VersionStatus.APPLIED


def test_a_decision_is_required(client: Client, cast: Cast, pending: ServiceVersion) -> None:
    login_as(client, cast.north.admin)
    page = client.post(f"/services/moderation/changes/{pending.pk}/", {}).content.decode()
    assert "Choose whether to approve or reject the change" in page


def test_closing_a_report_records_who_and_how(client: Client, cast: Cast, report: ProblemReport) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.get(f"/services/moderation/reports/{report.pk}/").content.decode()
    assert "The hall told me it stopped in March" in page
    assert (
        "Choose resolved or dismissed" in client.post(f"/services/moderation/reports/{report.pk}/", {}).content.decode()
    )
    client.post(f"/services/moderation/reports/{report.pk}/", {"outcome": "resolved", "note": "Marked inactive"})
    report.refresh_from_db()
    assert (report.status, report.resolved_by, report.resolution_note) == (
        ProblemStatus.RESOLVED,
        cast.north.scheme_manager.user,
        "Marked inactive",
    )
    response = client.post(f"/services/moderation/reports/{report.pk}/", {"outcome": "dismissed"}, follow=True)
    assert "already been closed" in response.content.decode()


def test_the_queue_counts_listings_to_check_and_names_stale_ones(client: Client, cast: Cast) -> None:
    with time_machine.travel(NOW, tick=False):
        make_service(cast.north.scheme, "Fresh", verified_days_ago=20)
        make_service(cast.north.scheme, "Due", verified_days_ago=200)
        make_service(cast.north.scheme, "Forgotten", verified_days_ago=500)
        page = login_as(client, cast.north.scheme_manager).get("/services/moderation/").content.decode()
    assert "2 published listings need checking" in page
    assert "1 has not been checked for over a year" in page
    assert "Forgotten" in page and "Fresh" not in page
