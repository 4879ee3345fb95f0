"""Scoped ways for views to reach directory rows: each answers 404 outside the acting membership's reach."""

from __future__ import annotations

from django.http import Http404

from linkwell.accounts.models import Membership, Scheme
from linkwell.accounts.policies import Capability, require

from .models import ProblemReport, Service, ServiceQuerySet, ServiceVersion, VersionStatus


def public_scheme(slug: str) -> Scheme:
    """An active scheme by its slug, for the public directory, or 404."""
    try:
        return Scheme.objects.get(slug=slug, is_active=True)
    except Scheme.DoesNotExist:
        raise Http404("No such directory") from None


def services_in_scheme(membership: Membership) -> ServiceQuerySet:
    """Every listing of the membership's scheme (directory data is public within a scheme)."""
    services = Service.objects.for_scheme(membership.organisation.scheme_id)
    assert isinstance(services, ServiceQuerySet)
    return services


def get_service_for(membership: Membership, pk: int) -> Service:
    """A listing of the membership's own scheme, or 404."""
    try:
        return services_in_scheme(membership).select_related("scheme", "provider").get(pk=pk)
    except Service.DoesNotExist:
        raise Http404("No such service") from None


def editable_services_for(membership: Membership) -> ServiceQuerySet:
    """Listings the membership keeps: its own for a provider, all of its scheme's for a directory manager."""
    return Service.objects.editable_by(membership)


def get_editable_service_for(membership: Membership, pk: int) -> Service:
    """A listing the membership may change, or 404 (existence is not revealed to other providers)."""
    try:
        return editable_services_for(membership).select_related("scheme", "provider").get(pk=pk)
    except Service.DoesNotExist:
        raise Http404("No such service") from None


def pending_versions_for(membership: Membership) -> list[ServiceVersion]:
    """Provider edits of the membership's scheme waiting for moderation, oldest first."""
    require(membership, Capability.DIRECTORY_MANAGE)
    return list(
        ServiceVersion.objects.filter(
            service__scheme_id=membership.organisation.scheme_id, status=VersionStatus.PENDING
        )
        .select_related("service", "created_by", "created_by_organisation")
        .order_by("created_at", "pk")
    )


def get_version_for_moderation(membership: Membership, pk: int) -> ServiceVersion:
    """One version of a listing in the moderator's scheme, or 404."""
    require(membership, Capability.DIRECTORY_MANAGE)
    try:
        return ServiceVersion.objects.select_related(
            "service__scheme", "created_by", "created_by_organisation", "reviewed_by"
        ).get(pk=pk, service__scheme_id=membership.organisation.scheme_id)
    except ServiceVersion.DoesNotExist:
        raise Http404("No such change") from None


def open_reports_for(membership: Membership) -> list[ProblemReport]:
    """Open problem reports of the moderator's scheme, oldest first."""
    require(membership, Capability.DIRECTORY_MANAGE)
    reports = ProblemReport.objects.for_scheme(membership.organisation.scheme_id).filter(status="open")
    return list(
        reports.select_related("service", "reported_by", "reported_by_organisation").order_by("created_at", "pk")
    )


def get_report_for_moderation(membership: Membership, pk: int) -> ProblemReport:
    """One problem report of the moderator's scheme, or 404."""
    require(membership, Capability.DIRECTORY_MANAGE)
    try:
        return ProblemReport.objects.select_related(
            "service", "reported_by", "reported_by_organisation", "resolved_by"
        ).get(pk=pk, scheme_id=membership.organisation.scheme_id)
    except ProblemReport.DoesNotExist:
        raise Http404("No such report") from None
