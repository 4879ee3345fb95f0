"""The Open Referral UK 3.0 read API under /api/oruk/: public directory data of active schemes only.

Plain Django JSON views: the ORUK shapes come straight from `mapping`, empty fields are omitted, every
answer carries `Access-Control-Allow-Origin: *`, and filters combine with AND. Nothing here writes.
An optional, non-standard `scheme` parameter (a scheme's slug) narrows any list to one scheme.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from linkwell.directory.models import (
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.places.postcodes import coordinates_for, postcode_shape

from .mapping import (
    service_at_location_to_oruk,
    service_list_item,
    service_to_oruk,
    taxonomy_to_oruk,
    term_to_oruk,
)

ORUK_VERSION = "HSDS-UK-3.0"
ORUK_PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
ORUK_OPENAPI = "https://openreferraluk.org/specifications/3.0/openapi.json"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
DAYS = {"MO": "MO", "TU": "TU", "WE": "WE", "TH": "TH", "FR": "FR", "SA": "SA", "SU": "SU"}
DAY_NAMES = {
    "MONDAY": "MO",
    "TUESDAY": "TU",
    "WEDNESDAY": "WE",
    "THURSDAY": "TH",
    "FRIDAY": "FR",
    "SATURDAY": "SA",
    "SUNDAY": "SU",
    "MON": "MO",
    "TUE": "TU",
    "WED": "WE",
    "THU": "TH",
    "FRI": "FR",
    "SAT": "SA",
    "SUN": "SU",
}


class BadRequest(Exception):
    """A query parameter that cannot be understood; answered with 400 and the reason."""


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, message: str) -> JsonResponse:
    return _json({"error": {"code": status, "message": message}}, status=status)


def oruk_view(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """GET (and CORS preflight) only, JSON errors, CORS on every answer."""

    # Read-only and cookie-free, so CSRF protection has nothing to protect; exempting it lets other methods
    # get a clear 405 instead of a CSRF page.
    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
            return response
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "This API is read-only: use GET")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        try:
            return _json(view(request, *args, **kwargs))
        except BadRequest as error:
            return _error(400, str(error))
        except LookupError as error:
            return _error(404, str(error) or "Not found")

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# ---------------------------------------------------------------------------------------------- parameters


def _int(request: HttpRequest, name: str, default: int | None, minimum: int = 0) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number") from None
    if value < minimum:
        raise BadRequest(f"{name} must be at least {minimum}")
    if value > 10**9:
        raise BadRequest(f"{name} is too large")
    return value


def _number(request: HttpRequest, name: str) -> float | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number") from None
    if not math.isfinite(value) or abs(value) > 10**6:
        raise BadRequest(f"{name} must be a number")
    return value


def _uuid(request: HttpRequest, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a UUID") from None


def _time(request: HttpRequest, name: str) -> dt.time | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        # Schedules hold local wall-clock times, so an offset in the query is ignored.
        return dt.time.fromisoformat(raw.removesuffix("Z")).replace(tzinfo=None)
    except ValueError:
        raise BadRequest(f"{name} must be a time like 09:30") from None


def _datetime(request: HttpRequest, name: str) -> dt.datetime | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"{name} must be a date and time like 2025-01-31T09:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _day(request: HttpRequest) -> str | None:
    raw = request.GET.get("day", "").strip().upper()
    if not raw:
        return None
    day = DAYS.get(raw) or DAY_NAMES.get(raw)
    if day is None:
        raise BadRequest("day must be a day of the week, like MO or Monday")
    return day


def _page(request: HttpRequest, queryset: QuerySet[Any], render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    page = _int(request, "page", 1, minimum=1) or 1
    per_page = min(_int(request, "per_page", DEFAULT_PER_PAGE, minimum=1) or DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = queryset.count()
    start = (page - 1) * per_page
    items = [render(item) for item in queryset[start : start + per_page]] if start < total else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": items,
    }


# ---------------------------------------------------------------------------------------------- scopes


def published_services(request: HttpRequest) -> ServiceQuerySet:
    """Active services of active schemes: the only directory rows this API shows."""
    services = Service.objects.active()
    slug = request.GET.get("scheme", "").strip()
    if slug:
        services = services.filter(scheme__slug=slug)
    return services


def _service_filters(request: HttpRequest, services: ServiceQuerySet, prefix: str = "") -> ServiceQuerySet:
    """Apply the ORUK service filters (AND); `prefix` reaches the service from another model."""
    p = prefix

    search = request.GET.get("search", "").strip()
    for word in search.split()[:10]:
        services = services.filter(
            Q(**{f"{p}name__icontains": word})
            | Q(**{f"{p}description__icontains": word})
            | Q(**{f"{p}organization__name__icontains": word})
            | Q(**{f"{p}attributes__taxonomy_term__name__icontains": word})
        )
    term_id = _uuid(request, "taxonomy_term_id")
    if term_id is not None:
        services = services.filter(**{f"{p}attributes__taxonomy_term__hsds_id": term_id})
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        services = services.filter(**{f"{p}attributes__taxonomy_term__taxonomy__hsds_id": taxonomy_id})
    organization_id = _uuid(request, "organization_id")
    if organization_id is not None:
        services = services.filter(**{f"{p}organization__hsds_id": organization_id})
    modified_after = _datetime(request, "modified_after")
    if modified_after is not None:
        services = services.filter(**{f"{p}last_modified__gte": modified_after})
    # Ages describe the person (or age range) being searched for: keep services whose range overlaps it.
    minimum_age = _number(request, "minimum_age")
    if minimum_age is not None:
        services = services.filter(Q(**{f"{p}maximum_age__isnull": True}) | Q(**{f"{p}maximum_age__gte": minimum_age}))
    maximum_age = _number(request, "maximum_age")
    if maximum_age is not None:
        services = services.filter(Q(**{f"{p}minimum_age__isnull": True}) | Q(**{f"{p}minimum_age__lte": maximum_age}))
    day, start, end = _day(request), _time(request, "start_time"), _time(request, "end_time")
    if day or start or end:
        # One schedule (of the service, or of one of its locations) must satisfy every time condition.
        service_ref = OuterRef(f"{p}pk" if p else "pk")
        schedules = Schedule.objects.filter(Q(service=service_ref) | Q(service_at_location__service=service_ref))
        if day:
            schedules = schedules.filter(byday__contains=day)
        if start:
            schedules = schedules.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=start))
        if end:
            schedules = schedules.filter(Q(opens_at__isnull=True) | Q(opens_at__lt=end))
        services = services.filter(Exists(schedules))
    return services.distinct()


# ---------------------------------------------------------------------------------------------- endpoints


@oruk_view
def api_root(request: HttpRequest) -> dict[str, Any]:
    """GET / : which standard this API follows."""
    return {"version": ORUK_VERSION, "profile": ORUK_PROFILE, "openapi_url": ORUK_OPENAPI}


@oruk_view
def service_list(request: HttpRequest) -> dict[str, Any]:
    """GET /services : a page of services with their one-to-one fields."""
    services = _service_filters(request, published_services(request))
    services = (
        Service.objects.filter(pk__in=services.values("pk"))
        .select_related("organization")
        .order_by("name", "hsds_id", "id")
    )
    return _page(request, services, service_list_item)


def _hsds_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise LookupError("Not found") from None


@oruk_view
def service_detail(request: HttpRequest, service_id: str) -> dict[str, Any]:
    """GET /services/{id} : one service with everything related to it."""
    service = (
        published_services(request).filter(hsds_id=_hsds_id(service_id)).with_details().order_by("scheme_id").first()
    )
    if service is None:
        raise LookupError("No such service")
    return service_to_oruk(service)


def _sal_queryset(request: HttpRequest) -> QuerySet[ServiceAtLocation]:
    sals = ServiceAtLocation.objects.filter(service__status=ServiceStatus.ACTIVE, service__scheme__is_active=True)
    slug = request.GET.get("scheme", "").strip()
    if slug:
        sals = sals.filter(scheme__slug=slug)
    return sals.select_related("service__organization", "location").prefetch_related(
        "schedules",
        "location__addresses",
        "location__accessibility",
        "location__phones",
        "location__attributes__taxonomy_term__taxonomy",
    )


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


@oruk_view
def service_at_location_list(request: HttpRequest) -> dict[str, Any]:
    """GET /service_at_locations : filtered like /services, plus postcode and proximity (metres)."""
    services = _service_filters(request, published_services(request))
    sals = _sal_queryset(request).filter(service__in=services.values("pk")).order_by("service__name", "hsds_id")
    raw_postcode = request.GET.get("postcode", "").strip()
    proximity = _number(request, "proximity")
    if proximity is not None and proximity < 0:
        raise BadRequest("proximity must be 0 or more metres")
    if not raw_postcode:
        if proximity is not None:
            raise BadRequest("proximity needs a postcode")
        return _page(request, sals, lambda sal: service_at_location_to_oruk(sal, with_service=True))
    postcode = postcode_shape(raw_postcode) if re.fullmatch(r"[A-Za-z0-9 ]{5,8}", raw_postcode) else None
    if postcode is None:
        raise BadRequest("postcode must be a full UK postcode, like LS1 4AP")
    origin = coordinates_for(postcode)
    if origin is None:
        # Without coordinates we cannot measure distance: keep places in the same postcode district.
        outcode = postcode.split(" ")[0]
        sals = sals.filter(location__postcode__startswith=f"{outcode} ")
        return _page(request, sals, lambda sal: service_at_location_to_oruk(sal, with_service=True))
    located = sals.filter(location__latitude__isnull=False, location__longitude__isnull=False)
    if proximity is not None:
        # A bounding box in the database, the exact distance in Python.
        degrees = proximity / 1000 / 111.0
        widen = degrees / max(math.cos(math.radians(origin[0])), 0.01)
        located = located.filter(
            location__latitude__range=(origin[0] - degrees, origin[0] + degrees),
            location__longitude__range=(origin[1] - widen, origin[1] + widen),
        )
    distances = {
        pk: _haversine_km(origin, (float(lat or 0), float(lon or 0)))
        for pk, lat, lon in located.values_list("pk", "location__latitude", "location__longitude")
    }
    if proximity is not None:
        distances = {pk: km for pk, km in distances.items() if km * 1000 <= proximity}
    ordered = sorted(distances, key=lambda pk: (distances[pk], pk))
    return _page_of_ids(request, sals, ordered)


def _page_of_ids(request: HttpRequest, sals: QuerySet[ServiceAtLocation], ordered: list[int]) -> dict[str, Any]:
    page = _int(request, "page", 1, minimum=1) or 1
    per_page = min(_int(request, "per_page", DEFAULT_PER_PAGE, minimum=1) or DEFAULT_PER_PAGE, MAX_PER_PAGE)
    start = (page - 1) * per_page
    chosen = ordered[start : start + per_page]
    found = {sal.pk: sal for sal in sals.filter(pk__in=chosen)}
    items = [service_at_location_to_oruk(found[pk], with_service=True) for pk in chosen if pk in found]
    total_pages = math.ceil(len(ordered) / per_page)
    return {
        "total_items": len(ordered),
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": items,
    }


@oruk_view
def service_at_location_detail(request: HttpRequest, sal_id: str) -> dict[str, Any]:
    """GET /service_at_locations/{id} : one service at one location, fully nested."""
    sal = _sal_queryset(request).filter(hsds_id=_hsds_id(sal_id)).order_by("scheme_id").first()
    if sal is None:
        raise LookupError("No such service at location")
    data = service_at_location_to_oruk(sal)
    full = published_services(request).with_details().get(pk=sal.service_id)
    data["service"] = service_to_oruk(full)
    return data


def _public_terms(request: HttpRequest) -> QuerySet[TaxonomyTerm]:
    """Linkwell's shared terms and the terms of active schemes."""
    terms = TaxonomyTerm.objects.filter(Q(scheme__isnull=True) | Q(scheme__is_active=True))
    slug = request.GET.get("scheme", "").strip()
    if slug:
        terms = terms.filter(Q(scheme__isnull=True) | Q(scheme__slug=slug))
    return terms.select_related("taxonomy", "parent")


def _public_taxonomies(request: HttpRequest) -> QuerySet[Taxonomy]:
    taxonomies = Taxonomy.objects.filter(Q(scheme__isnull=True) | Q(scheme__is_active=True))
    slug = request.GET.get("scheme", "").strip()
    if slug:
        taxonomies = taxonomies.filter(Q(scheme__isnull=True) | Q(scheme__slug=slug))
    return taxonomies


@oruk_view
def taxonomy_list(request: HttpRequest) -> dict[str, Any]:
    """GET /taxonomies"""
    return _page(request, _public_taxonomies(request).order_by("name", "hsds_id", "id"), taxonomy_to_oruk)


@oruk_view
def taxonomy_detail(request: HttpRequest, taxonomy_id: str) -> dict[str, Any]:
    """GET /taxonomies/{id}"""
    taxonomy = _public_taxonomies(request).filter(hsds_id=_hsds_id(taxonomy_id)).order_by("id").first()
    if taxonomy is None:
        raise LookupError("No such taxonomy")
    return taxonomy_to_oruk(taxonomy)


@oruk_view
def taxonomy_term_list(request: HttpRequest) -> dict[str, Any]:
    """GET /taxonomy_terms (filters: taxonomy_id, parent_id, top_only)"""
    terms = _public_terms(request)
    taxonomy_id = _uuid(request, "taxonomy_id")
    if taxonomy_id is not None:
        terms = terms.filter(taxonomy__hsds_id=taxonomy_id)
    parent_id = _uuid(request, "parent_id")
    if parent_id is not None:
        terms = terms.filter(Q(parent__hsds_id=parent_id) | Q(parent_hsds_id=parent_id))
    if request.GET.get("top_only", "").lower() in {"true", "1"}:
        terms = terms.filter(parent__isnull=True, parent_hsds_id__isnull=True)
    return _page(request, terms.order_by("name", "hsds_id", "id"), term_to_oruk)


@oruk_view
def taxonomy_term_detail(request: HttpRequest, term_id: str) -> dict[str, Any]:
    """GET /taxonomy_terms/{id}"""
    term = _public_terms(request).filter(hsds_id=_hsds_id(term_id)).order_by("id").first()
    if term is None:
        raise LookupError("No such taxonomy term")
    return term_to_oruk(term)
