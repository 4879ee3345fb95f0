"""Provider upkeep: a provider's own listings, editing them, confirming they are still right, and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from linkwell.accounts.policies import Capability, can

from .. import services
from ..forms import LISTING_FIELDS, SCHEDULE_ROWS, ScheduleRowForm, ServiceEditForm
from ..models import Service, TermKind, VersionStatus
from ..policies import editable_services_for, get_editable_service_for
from .link_worker import acting_membership


def _require_upkeep(request: HttpRequest) -> Any:
    membership = acting_membership(request)
    if not (can(membership, Capability.DIRECTORY_EDIT_OWN) or can(membership, Capability.DIRECTORY_MANAGE)):
        raise PermissionDenied("Your role does not keep directory listings")
    return membership


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    membership = _require_upkeep(request)
    listings = (
        editable_services_for(membership)
        .select_related("scheme")
        .annotate(pending=Count("versions", filter=Q(versions__status=VersionStatus.PENDING)))
        .order_by("name", "pk")
    )
    page = Paginator(listings, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"service": s, "stale": s.is_stale(now), "needs_verification": s.needs_verification(now)} for s in page]
    return render(
        request,
        "directory/provider_list.html",
        {"page": page, "rows": rows, "is_manager": can(membership, Capability.DIRECTORY_MANAGE)},
    )


def _current_schedules(service: Service) -> list[dict[str, Any]]:
    return [
        {"freq": s.freq, "byday": s.byday, "opens_at": s.opens_at, "closes_at": s.closes_at}
        for s in service.schedules.order_by("id")
    ]


def _row_key(row: dict[str, Any] | None) -> tuple[Any, ...] | None:
    if not row or not row.get("day"):
        return None
    return (row.get("day"), row.get("week") or "", row.get("opens_at"), row.get("closes_at"))


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    service = get_editable_service_for(membership, pk)
    terms = list(service.attributes.select_related("taxonomy_term"))
    category_codes = sorted(a.taxonomy_term.code for a in terms if a.taxonomy_term.kind == TermKind.CATEGORY)
    other_term_ids = [a.taxonomy_term_id for a in terms if a.taxonomy_term.kind != TermKind.CATEGORY]
    phone = service.phones.order_by("id").first()
    initial = ServiceEditForm.initial_for(service, phone.number if phone else "", category_codes)
    schedule_initial = [ScheduleRowForm.initial_for(s) for s in _current_schedules(service)][:SCHEDULE_ROWS]
    post = request.POST if request.method == "POST" else None
    form = ServiceEditForm(post, initial=initial)
    rows = [
        ScheduleRowForm(post, prefix=f"s{i}", initial=schedule_initial[i] if i < len(schedule_initial) else {})
        for i in range(SCHEDULE_ROWS)
    ]
    pending = service.versions.filter(status=VersionStatus.PENDING).count()
    if post is not None and form.is_valid() and all(row.is_valid() for row in rows):
        data = form.cleaned_data
        values: dict[str, Any] = {name: data[name] for name in LISTING_FIELDS if data[name] != initial[name]}
        if data["phone"] != initial["phone"]:
            values["phone"] = data["phone"]
        if sorted(data["categories"]) != category_codes:
            values["terms"] = other_term_ids + [form.term_ids[code] for code in data["categories"]]
        old_rows = [k for k in (_row_key(r) for r in schedule_initial) if k]
        new_rows = [k for k in (_row_key(r.cleaned_data) for r in rows) if k]
        if new_rows != old_rows:
            values["schedules"] = [s for s in (r.as_schedule() for r in rows) if s]
        capacity_changed = (data["capacity_available"], data["waiting_list_length"]) != (
            initial["capacity_available"],
            initial["waiting_list_length"],
        )
        if not values and not capacity_changed:
            messages.info(request, "Nothing had changed, so there was nothing to save.")
            return redirect("directory:mine")
        try:
            version = None
            if values:
                version = services.service_update(actor=membership, service=service, values=values, note=data["note"])
            if capacity_changed:
                services.service_update_capacity(
                    actor=membership,
                    service=service,
                    available=data["capacity_available"],
                    waiting_list=data["waiting_list_length"],
                )
        except DjangoValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for field, texts in problems.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            if version is not None and version.status == VersionStatus.PENDING:
                messages.success(request, "Your changes have been sent to the scheme team to check.")
            else:
                messages.success(request, "Your changes are live.")
            return redirect("directory:mine")
    return render(
        request,
        "directory/provider_edit.html",
        {
            "service": service,
            "form": form,
            "rows": rows,
            "pending": pending,
            "moderated": service.scheme.provider_edits_need_moderation
            and not can(membership, Capability.DIRECTORY_MANAGE),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    service = get_editable_service_for(membership, pk)
    services.service_verify(actor=membership, service=service)
    messages.success(request, f"Thank you. {service.name} is confirmed as correct today.")
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("directory:mine")


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    service = get_editable_service_for(membership, pk)
    versions = service.versions.select_related("created_by", "created_by_organisation", "reviewed_by").order_by(
        "-number"
    )
    page = Paginator(versions, 25).get_page(request.GET.get("page"))
    return render(request, "directory/provider_history.html", {"service": service, "page": page})
