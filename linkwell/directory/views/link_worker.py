"""The in-app service search and service page, for everyone signed in to a scheme (link workers first)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, can
from linkwell.forms import submitted_key

from .. import services
from ..forms import AppSearchForm, ProblemReportForm
from ..policies import editable_services_for, get_service_for, services_in_scheme
from ..presenters import service_page
from ..search import search_services, with_display_data
from .public import query_without_page, result_rows


def acting_membership(request: HttpRequest) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    if membership is None:
        raise PermissionDenied("You are not a member of any organisation")
    return membership


@login_required
def search(request: HttpRequest) -> HttpResponse:
    membership = acting_membership(request)
    form = AppSearchForm(request.GET or None)
    results = None
    if not form.is_bound or form.is_valid():
        arguments = form.search_arguments() if form.is_bound else {}
        results = search_services(membership.organisation.scheme, page=request.GET.get("page") or 1, **arguments)
    partial = bool(getattr(request, "htmx", False)) and results is not None
    template = "directory/_app_results.html" if partial else "directory/app_search.html"
    return render(
        request,
        template,
        {"form": form, "results": results, "rows": result_rows(results), "query": query_without_page(request)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    get_service_for(membership, pk)
    service = with_display_data(services_in_scheme(membership).filter(pk=pk)).prefetch_related(
        "languages", "service_areas"
    )[0]
    return render(
        request,
        "directory/app_service.html",
        {
            "page": service_page(service),
            "service": service,
            "is_stale": service.is_stale(),
            "needs_verification": service.needs_verification(),
            "can_edit": editable_services_for(membership).filter(pk=service.pk).exists(),
            "can_moderate": can(membership, Capability.DIRECTORY_MANAGE),
        },
    )


@login_required
def report_problem(request: HttpRequest, pk: int) -> HttpResponse:
    membership = acting_membership(request)
    service = get_service_for(membership, pk)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_report_create(
                user=request.user,  # type: ignore[arg-type]
                membership=membership,
                service=service,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                creation_key=key,
            )
        except DjangoValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Thank you. The scheme team will check the listing.")
            return redirect("directory:detail", pk=service.pk)
    return render(request, "directory/report_problem.html", {"form": form, "service": service, "creation_key": key})
