"""Insights pages: the scheme dashboard, its downloads, the evaluation and the printable report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from linkwell.accounts.models import Membership
from linkwell.accounts.policies import Capability, get_network_for, network_schemes, networks_for, require

from . import exports, panels, queries, services
from .evaluation import LIMITATIONS, METHOD_NOTES, evaluate_period
from .forms import DashboardFilterForm, EvaluationPeriodForm, PeriodForm
from .network import NOTES as NETWORK_NOTES
from .network import describe as describe_network
from .network import network_tables
from .prsb import describe_period
from .report import render_report


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.INSIGHTS_VIEW)
    assert membership is not None
    return membership


def _form(request: HttpRequest, membership: Membership) -> DashboardFilterForm:
    data = request.GET if any(key in request.GET for key in _FILTER_KEYS) else None
    return DashboardFilterForm(data, scheme_id=membership.organisation.scheme_id)


_FILTER_KEYS = (
    "date_from_0",
    "date_from_1",
    "date_from_2",
    "date_to_0",
    "date_to_1",
    "date_to_2",
    "practice",
    "link_worker",
    "need",
)


def _filters(form: DashboardFilterForm) -> queries.Filters | None:
    if not form.is_bound:
        return queries.Filters(scheme_id=form.scheme_id)
    return form.filters() if form.is_valid() else None


def _invalid(form: forms.Form) -> HttpResponse:
    messages = "; ".join(str(error) for errors in form.errors.values() for error in errors)
    return HttpResponse(f"The filters are not valid: {messages}", status=400, content_type="text/plain")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = _form(request, membership)
    filters = _filters(form)
    context = {
        "form": form,
        "query": request.GET.urlencode(),
        "tables": panels.dashboard_tables(filters) if filters else [],
        "headline": queries.headline(filters) if filters else None,
        "described": filters.describe() if filters else [],
    }
    return render(request, "insights/dashboard.html", context)


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _membership(request)
    form = _form(request, membership)
    filters = _filters(form)
    if filters is None:
        return _invalid(form)
    table = next((t for t in panels.dashboard_tables(filters) if t.slug == slug), None)
    if table is None:
        raise Http404("No such table")
    response = HttpResponse(exports.table_csv(table, filters.describe()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linkwell-{slug}.csv"'
    return response


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = _form(request, membership)
    filters = _filters(form)
    if filters is None:
        return _invalid(form)
    response = HttpResponse(
        exports.tables_xlsx(panels.dashboard_tables(filters), filters.describe()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="linkwell-dashboard.xlsx"'
    return response


@login_required
def evaluation(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    data = request.GET if any(key.startswith("date_") for key in request.GET) else None
    form = EvaluationPeriodForm(data)
    result = None
    if data is None or form.is_valid():
        period = form.cleaned_data if data is not None else {}
        result = evaluate_period(membership.organisation.scheme, period.get("date_from"), period.get("date_to"))
    return render(
        request,
        "insights/evaluation.html",
        {"form": form, "result": result, "method_notes": METHOD_NOTES, "limitations": LIMITATIONS},
    )


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = _form(request, membership)
    filters = _filters(form)
    if filters is None:
        return _invalid(form)
    response = HttpResponse(render_report(membership.organisation.scheme, filters), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="linkwell-evaluation-report.pdf"'
    return response


@login_required
def evaluation_extract(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    data = request.GET if any(key.startswith("date_") for key in request.GET) else None
    form = EvaluationPeriodForm(data)
    if data is not None and not form.is_valid():
        return _invalid(form)
    period = form.cleaned_data if data is not None else {}
    body = services.evaluation_extract_export(
        actor=membership, date_from=period.get("date_from"), date_to=period.get("date_to")
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="linkwell-outcomes-extract.csv"'
    return response


@login_required
def prsb_dataset(request: HttpRequest, fmt: str) -> HttpResponse:
    membership = _membership(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    # The dashboard's received-from/to dates; its practice, link worker and need filters do not apply.
    data = request.GET if any(key.startswith("date_") for key in request.GET) else None
    form = PeriodForm(data)
    if data is not None and not form.is_valid():
        return _invalid(form)
    period = form.cleaned_data if data is not None else {}
    date_from, date_to = period.get("date_from"), period.get("date_to")
    table = services.prsb_dataset_export(actor=membership, date_from=date_from, date_to=date_to)
    described = describe_period(membership.organisation.scheme, date_from, date_to)
    if fmt == "csv":
        response = HttpResponse(exports.table_csv(table, described), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.tables_xlsx([table], described),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="linkwell-prsb-dataset.{fmt}"'
    return response


def _network_period(request: HttpRequest) -> PeriodForm:
    return PeriodForm(request.GET if any(key.startswith("date_") for key in request.GET) else None)


@login_required
def network_index(request: HttpRequest) -> HttpResponse:
    """The networks the user may compare; straight to the network when there is only one."""
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.NETWORK_VIEW)
    networks = list(networks_for(membership))
    if len(networks) == 1:
        url = reverse("insights:network", args=[networks[0].slug])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    return render(request, "insights/network_index.html", {"networks": networks})


@login_required
def network(request: HttpRequest, slug: str) -> HttpResponse:
    """Each scheme of one network side by side: headline figures, aggregates only, small numbers hidden."""
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.NETWORK_VIEW)
    chosen = get_network_for(membership, slug)
    schemes = list(network_schemes(chosen))
    form = _network_period(request)
    tables = []
    period: dict[str, Any] = {}
    if not form.is_bound or form.is_valid():
        period = form.cleaned_data if form.is_bound else {}
        tables = network_tables(schemes, period.get("date_from"), period.get("date_to"))
    context = {
        "network": chosen,
        "schemes": schemes,
        "form": form,
        "tables": tables,
        "query": request.GET.urlencode(),
        "notes": NETWORK_NOTES,
        "described": describe_network(chosen.name, period.get("date_from"), period.get("date_to")) if tables else [],
    }
    return render(request, "insights/network.html", context)


@login_required
def network_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    """One network table as CSV: the same suppressed figures as the page."""
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.NETWORK_VIEW)
    chosen = get_network_for(membership, slug)
    form = _network_period(request)
    if form.is_bound and not form.is_valid():
        return _invalid(form)
    period = form.cleaned_data if form.is_bound else {}
    date_from, date_to = period.get("date_from"), period.get("date_to")
    tables = network_tables(list(network_schemes(chosen)), date_from, date_to)
    found = next((t for t in tables if t.slug == table), None)
    if found is None:
        raise Http404("No such table")
    body = exports.table_csv(found, describe_network(chosen.name, date_from, date_to))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="linkwell-{chosen.slug}-{found.slug}.csv"'
    return response
