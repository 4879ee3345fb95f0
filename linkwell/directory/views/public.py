"""The public directory: search and service pages for residents, with no sign-in and no personal data."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from linkwell.accounts.models import Scheme

from ..forms import DirectorySearchForm
from ..models import Service
from ..policies import public_scheme
from ..presenters import ResultSummary, result_summary, service_page
from ..search import SearchResult, SearchResults, published_service, ranked_search, search_services


def self_referral_url(scheme: Scheme) -> str:
    """Where a resident refers themself; the plain path if the self-referral pages are not installed."""
    try:
        return reverse("self_referral:form", args=[scheme.slug])
    except NoReverseMatch:
        return f"/refer-yourself/{scheme.slug}/"


def result_rows(results: SearchResults | None) -> list[tuple[SearchResult, ResultSummary]]:
    """Each result with its written-out listing (from prefetched rows: no extra queries)."""
    if results is None:
        return []
    return [(result, result_summary(result.service)) for result in results.results]


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def search(request: HttpRequest, scheme_slug: str) -> HttpResponse:
    scheme = public_scheme(scheme_slug)
    form = DirectorySearchForm(request.GET or None)
    results = None
    if not form.is_bound or form.is_valid():
        arguments = form.search_arguments() if form.is_bound else {}
        # Words are ranked by meaning (the matcher link workers use); without words, today's order stays.
        find = ranked_search if arguments.get("words") else search_services
        results = find(scheme, page=request.GET.get("page") or 1, **arguments)
    partial = bool(getattr(request, "htmx", False)) and results is not None
    template = "directory/_public_results.html" if partial else "directory/public_search.html"
    return render(
        request,
        template,
        {
            "scheme": scheme,
            "form": form,
            "results": results,
            "rows": result_rows(results),
            "self_referral_url": self_referral_url(scheme),
            "query": query_without_page(request),
        },
    )


def service_detail(request: HttpRequest, scheme_slug: str, hsds_id: uuid.UUID) -> HttpResponse:
    scheme = public_scheme(scheme_slug)
    try:
        service = published_service(scheme, hsds_id)
    except Service.DoesNotExist:
        raise Http404("No such service") from None
    return render(
        request,
        "directory/public_service.html",
        {
            "scheme": scheme,
            "page": service_page(service),
            "is_stale": service.is_stale(),
            "self_referral_url": self_referral_url(scheme),
            "back_query": request.GET.get("from", ""),
        },
    )
