"""Directory service functions: provider upkeep, moderation, verification, capacity and problem reports."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from linkwell.accounts.models import AuditEvent, Organisation, OrganisationKind, Scheme
from linkwell.directory import services
from linkwell.directory.models import (
    ProblemKind,
    ProblemReport,
    ProblemStatus,
    Service,
    ServiceStatus,
    TaxonomyTerm,
    VersionSource,
    VersionStatus,
)
from linkwell.directory.tests.schemes import new_member, new_scheme
from linkwell.testing.cast import Cast

pytestmark = pytest.mark.django_db


def term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.linkwell().get(code=code, kind__in=["category", "five_ways"])


def make_listing(scheme: Scheme, **values: Any) -> Service:
    """A listing created the way a provider would, with terms, phone, schedule and a place."""
    provider_org = Organisation.objects.create(
        scheme=scheme, name=f"Walkers of {scheme.slug}", kind=OrganisationKind.VOLUNTARY_PROVIDER
    )
    provider = new_member(provider_org)
    return services.service_create(
        actor=provider,
        values={
            "name": "Tuesday Health Walk",
            "description": "A gentle hour's walk round the park, then tea.",
            "email": "walks@example.org",
            "minimum_age": 18,
            "terms": [term("physical_activity"), term("be_active")],
            "phone": "0113 496 0000",
            "schedules": [
                {"freq": "WEEKLY", "interval": 1, "byday": "TU", "opens_at": dt.time(10), "closes_at": dt.time(11)}
            ],
            "location": {
                "name": "Park gates",
                "address_1": "Park Lane",
                "city": "Leeds",
                "postal_code": "ls1 4ap",
                "latitude": 53.8,
                "longitude": -1.55,
            },
            **values,
        },
    )


def test_a_provider_creates_its_own_listing_verified_and_versioned(cast: Cast) -> None:
    service = services.service_create(
        actor=cast.north.provider, values={"name": "Health walk", "terms": [term("physical_activity")]}
    )
    assert service.provider == cast.north.provider_org
    assert service.scheme == cast.north.scheme
    assert service.last_verified_at is not None
    version = service.versions.get()
    assert (version.number, version.source, version.status) == (1, VersionSource.PROVIDER, VersionStatus.APPLIED)
    assert version.snapshot["name"] == "Health walk"
    assert [t.code for t in service.terms()] == ["physical_activity"]
    assert AuditEvent.objects.filter(object_id=str(service.pk), action="create").exists()


def test_a_double_submitted_create_makes_one_listing(cast: Cast) -> None:
    key = uuid.uuid4()
    first = services.service_create(actor=cast.north.provider, values={"name": "Choir"}, creation_key=key)
    second = services.service_create(actor=cast.north.provider, values={"name": "Choir"}, creation_key=key)
    assert first.pk == second.pk
    assert Service.objects.count() == 1


def test_structured_values_land_in_hsds_rows() -> None:

    service = make_listing(new_scheme(slug="leeds"))
    assert service.phones.get().number == "0113 496 0000"
    assert service.schedules.get().weekdays == ["TU"]
    location = service.service_at_locations.get().location
    assert location.postcode == "LS1 4AP"
    assert location.addresses.get().postal_code == "LS1 4AP"


def test_roles_without_directory_rights_cannot_create(cast: Cast) -> None:
    for role in ("referrer", "link_worker", "volunteer"):
        with pytest.raises(PermissionDenied):
            services.service_create(actor=cast.north.member(role), values={"name": "Nope"})


def test_a_provider_cannot_set_manager_only_fields(cast: Cast) -> None:
    with pytest.raises(PermissionDenied, match="is_accredited"):
        services.service_create(actor=cast.north.provider, values={"name": "X", "is_accredited": True})


def test_a_provider_edit_goes_live_when_the_scheme_does_not_moderate(cast: Cast) -> None:
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    version = services.service_update(actor=cast.north.provider, service=service, values={"name": "Long walk"})
    service.refresh_from_db()
    assert service.name == "Long walk"
    assert version.status == VersionStatus.APPLIED
    assert version.changes == {"name": ["Walk", "Long walk"]}
    assert version.created_by == cast.north.provider.user


def test_a_provider_edit_waits_for_moderation_when_the_scheme_asks(cast: Cast) -> None:
    Scheme.objects.filter(pk=cast.north.scheme.pk).update(provider_edits_need_moderation=True)
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    version = services.service_update(
        actor=cast.north.provider,
        service=service,
        values={"name": "Long walk", "schedules": [{"byday": "MO", "opens_at": dt.time(9)}]},
    )
    service.refresh_from_db()
    assert service.name == "Walk"
    assert service.schedules.count() == 0
    assert version.status == VersionStatus.PENDING
    assert version.snapshot["name"] == "Long walk"

    approved = services.service_version_approve(actor=cast.north.scheme_manager, version=version, note="Fine")
    service.refresh_from_db()
    assert approved.status == VersionStatus.APPLIED
    assert approved.reviewed_by == cast.north.scheme_manager.user
    assert service.name == "Long walk"
    assert service.schedules.get().weekdays == ["MO"]
    with pytest.raises(ValidationError):
        services.service_version_approve(actor=cast.north.scheme_manager, version=version)


def test_a_rejected_edit_leaves_the_listing_alone(cast: Cast) -> None:
    Scheme.objects.filter(pk=cast.north.scheme.pk).update(provider_edits_need_moderation=True)
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    version = services.service_update(actor=cast.north.provider, service=service, values={"name": "Spam"})
    services.service_version_reject(actor=cast.north.scheme_manager, version=version, note="Not right")
    service.refresh_from_db()
    version.refresh_from_db()
    assert service.name == "Walk"
    assert version.status == VersionStatus.REJECTED


def test_a_moderated_edit_with_bad_values_is_refused_at_once(cast: Cast) -> None:
    Scheme.objects.filter(pk=cast.north.scheme.pk).update(provider_edits_need_moderation=True)
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    with pytest.raises(ValidationError):
        services.service_update(
            actor=cast.north.provider, service=service, values={"minimum_age": 40, "maximum_age": 20}
        )
    assert service.versions.count() == 1


def test_managers_edits_are_never_moderated_and_only_managers_moderate(cast: Cast) -> None:
    Scheme.objects.filter(pk=cast.north.scheme.pk).update(provider_edits_need_moderation=True)
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    version = services.service_update(actor=cast.north.scheme_manager, service=service, values={"is_accredited": True})
    assert version.status == VersionStatus.APPLIED and version.source == VersionSource.MODERATOR
    pending = services.service_update(actor=cast.north.provider, service=service, values={"name": "Run"})
    with pytest.raises(PermissionDenied):
        services.service_version_approve(actor=cast.north.provider, version=pending)
    with pytest.raises(PermissionDenied):
        services.service_version_approve(actor=cast.south.scheme_manager, version=pending)


def test_providers_cannot_touch_other_providers_or_other_schemes_listings(cast: Cast) -> None:
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    other = new_member(cast.north.other_provider_org)
    for actor in (other, cast.south.provider, cast.south.scheme_manager, cast.north.link_worker):
        with pytest.raises(PermissionDenied):
            services.service_update(actor=actor, service=service, values={"name": "Mine now"})
        with pytest.raises(PermissionDenied):
            services.service_verify(actor=actor, service=service)
    assert list(Service.objects.editable_by(other)) == []
    assert list(Service.objects.editable_by(cast.north.provider)) == [service]
    assert list(Service.objects.editable_by(cast.north.scheme_manager)) == [service]
    assert list(Service.objects.editable_by(cast.south.scheme_manager)) == []


def test_verifying_restarts_the_clock_and_brings_a_stale_listing_back(cast: Cast) -> None:
    with time_machine.travel(dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        assert service.is_stale()
        assert not Service.objects.matchable().exists()
        services.service_verify(actor=cast.north.provider, service=service)
        assert Service.objects.matchable().get() == service
        assert service.versions.order_by("-number").first().note == "Verified"  # type: ignore[union-attr]


def test_capacity_is_published_without_moderation(cast: Cast) -> None:
    Scheme.objects.filter(pk=cast.north.scheme.pk).update(provider_edits_need_moderation=True)
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    services.service_update_capacity(actor=cast.north.provider, service=service, available=3, waiting_list=0)
    service.refresh_from_db()
    assert (service.capacity_available, service.waiting_list_length) == (3, 0)
    assert service.capacity_updated_at is not None
    with pytest.raises(ValidationError):
        services.service_update_capacity(actor=cast.north.provider, service=service, available=-1, waiting_list=0)


def test_anyone_signed_in_reports_a_problem_once_and_a_manager_resolves_it(cast: Cast) -> None:
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    key = uuid.uuid4()
    report = services.problem_report_create(
        user=cast.north.referrer.user,
        membership=cast.north.referrer,
        service=service,
        kind=ProblemKind.CLOSED,
        creation_key=key,
    )
    again = services.problem_report_create(
        user=cast.north.referrer.user,
        membership=cast.north.referrer,
        service=service,
        kind=ProblemKind.CLOSED,
        creation_key=key,
    )
    assert report.pk == again.pk
    assert list(ProblemReport.objects.for_scheme(cast.north.scheme).open()) == [report]
    with pytest.raises(ValidationError):
        services.problem_report_create(
            user=cast.north.referrer.user, membership=None, service=service, kind=ProblemKind.OTHER, details="  "
        )
    with pytest.raises(ValidationError):
        services.problem_report_create(user=cast.north.referrer.user, membership=None, service=service, kind="bogus")
    with pytest.raises(PermissionDenied):
        services.problem_report_resolve(actor=cast.south.scheme_manager, report=report, status=ProblemStatus.RESOLVED)
    with pytest.raises(PermissionDenied):
        services.problem_report_resolve(actor=cast.north.provider, report=report, status=ProblemStatus.RESOLVED)
    resolved = services.problem_report_resolve(
        actor=cast.north.scheme_manager, report=report, status=ProblemStatus.RESOLVED, note="Updated times"
    )
    assert resolved.status == ProblemStatus.RESOLVED and resolved.resolved_by == cast.north.scheme_manager.user
    assert not ProblemReport.objects.open().exists()


def test_the_linkwell_taxonomy_is_seeded_and_reseeding_is_idempotent() -> None:
    before = TaxonomyTerm.objects.linkwell().count()
    assert before == services.taxonomy_seed_linkwell() == 39
    assert TaxonomyTerm.objects.linkwell().count() == before
    assert set(TaxonomyTerm.objects.linkwell("five_ways").values_list("code", flat=True)) == {
        "connect",
        "be_active",
        "take_notice",
        "keep_learning",
        "give",
    }
    for code in (
        "social_activity",
        "physical_activity",
        "volunteering",
        "arts",
        "learning",
        "advice",
        "carers",
        "bereavement",
        "food",
        "housing",
        "employment",
        "recovery",
        "long_term_conditions",
    ):
        assert TaxonomyTerm.objects.linkwell("category").filter(code=code).exists(), code


def test_status_choices_follow_hsds(cast: Cast) -> None:
    service = services.service_create(actor=cast.north.provider, values={"name": "Walk"})
    services.service_update(
        actor=cast.north.provider, service=service, values={"status": ServiceStatus.TEMPORARILY_CLOSED}
    )
    service.refresh_from_db()
    assert service.status == "temporarily closed"
    assert not Service.objects.active().exists()
    with pytest.raises(ValidationError):
        services.service_update(actor=cast.north.provider, service=service, values={"status": "open"})
