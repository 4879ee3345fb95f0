"""The moderation queue: provider edits waiting for approval and problem reports, for scheme managers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from linkwell.accounts.policies import Capability, require

from .. import services
from ..forms import ResolveReportForm, ReviewChangeForm
from ..models import ProblemStatus, VersionStatus
from ..policies import (
    editable_services_for,
    get_report_for_moderation,
    get_version_for_moderation,
    open_reports_for,
    pending_versions_for,
)
from .link_worker import acting_membership


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    require(membership, Capability.DIRECTORY_MANAGE)
    now = timezone.now()
    listings = editable_services_for(membership)
    return render(
        request,
        "directory/moderation_queue.html",
        {
            "versions": pending_versions_for(membership),
            "reports": open_reports_for(membership),
            "stale": listings.active().stale(now).select_related("provider").order_by("last_verified_at", "pk")[:50],
            "stale_count": listings.active().stale(now).count(),
            "needs_verification_count": listings.active().needs_verification(now).count(),
        },
    )


@login_required
def review_change(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    version = get_version_for_moderation(membership, pk)
    form = ReviewChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and version.status != VersionStatus.PENDING:
        messages.info(request, "That change had already been reviewed.")
        return redirect("directory:moderation")
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.service_version_approve(actor=membership, version=version, note=note)
                messages.success(request, f"The change to {version.service.name} is live.")
            else:
                services.service_version_reject(actor=membership, version=version, note=note)
                messages.success(request, f"The change to {version.service.name} was rejected.")
        except DjangoValidationError as error:
            form.add_error(None, error.messages)
        else:
            return redirect("directory:moderation")
    return render(
        request,
        "directory/moderation_change.html",
        {"version": version, "form": form, "changes": _readable_changes(version.changes, version.status)},
    )


def _readable_changes(changes: dict[str, object], status: str) -> list[tuple[str, object, object]]:
    """(field, before, after) rows; a pending version holds only the proposed values."""
    rows: list[tuple[str, object, object]] = []
    for name, value in sorted(changes.items()):
        label = name.replace("_", " ").capitalize()
        if status != VersionStatus.PENDING and isinstance(value, list) and len(value) == 2:
            rows.append((label, value[0], value[1]))
        else:
            rows.append((label, None, value))
    return rows


@login_required
def resolve_report(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    report = get_report_for_moderation(membership, pk)
    form = ResolveReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and report.status != ProblemStatus.OPEN:
        messages.info(request, "That report had already been closed.")
        return redirect("directory:moderation")
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_report_resolve(
                actor=membership, report=report, status=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except DjangoValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"The report about {report.service.name} is closed.")
            return redirect("directory:moderation")
    return render(request, "directory/moderation_report.html", {"report": report, "form": form})
