"""Directory search shared by the public directory and the in-app service search.

Plain functions returning QuerySets and pages. Every filter and the distance ordering run in the database;
only the exact distance of the rows on the page is worked out in Python. A page costs a fixed number of
queries whatever its size (count, rows, prefetches).

Two definitions live here and nowhere else:
- **Free**: no cost option asks for money (amount > 0) and the fees text names no price in pounds.
- **Step-free**: one of the service's locations has accessibility text that mentions step-free or level
  access, or wheelchairs ("wheelchair accessible", "wheelchair users welcome").
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, F, FloatField, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import ExpressionWrapper

from linkwell.accounts.models import Scheme
from linkwell.matching import service as matching
from linkwell.matching.reasons import distance_text, when_text
from linkwell.matching.types import Match, Query, outcode_of

from .models import (
    Accessibility,
    Attribute,
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceQuerySet,
    TaxonomyTerm,
    TermKind,
)

PER_PAGE = 20
# A ranked search lists at most this many of the best matches (ten pages).
RANKED_LIMIT = 200
# A postcode search without a chosen distance looks this far: beyond it a resident is better served by
# another scheme's directory, and an unbounded distance sort would scan every listing.
DEFAULT_MAX_KM = 10.0
MAX_WORDS = 6
EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE_LATITUDE = 111.2

WEEKDAYS: tuple[tuple[str, str], ...] = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
WEEKDAY_CODES = frozenset(code for code, _ in WEEKDAYS)

STEP_FREE_WORDS = ("step-free", "step free", "level access", "wheelchair")
FACET_KINDS = (TermKind.CATEGORY, TermKind.FIVE_WAYS, TermKind.NEED)


@dataclass
class SearchResult:
    """One listing on a results page, with its nearest place and how far it is from the searched postcode."""

    service: Service
    location: Location | None
    distance_km: float | None
    # Why the matcher put it on the list, when the search was ranked by it.
    reasons: list[str] = field(default_factory=list)

    @property
    def is_remote(self) -> bool:
        """Delivered by phone, online or at home: no physical place to go to."""
        return self.location is None


@dataclass
class SearchResults:
    # A page of services, or of the matcher's suggestions in a ranked search (the rows are in `results`).
    page: Page[Any]
    results: list[SearchResult]
    origin: tuple[float, float] | None = None
    max_km: float | None = None
    # The postcode was valid but we hold no coordinates for it, so results are not sorted by distance.
    distance_unavailable: bool = False
    words: list[str] = field(default_factory=list)
    # Ordered by the matcher (best match first) rather than by name or distance.
    ranked: bool = False

    @property
    def total(self) -> int:
        return self.page.paginator.count


def free_q() -> Q:
    """Services a person can use without paying (the one definition of "free")."""
    paid = CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0)
    return ~Exists(paid) & ~Q(fees__contains="£")


def step_free_q() -> Q:
    """Services with a location whose accessibility notes say step-free, level access or wheelchair."""
    mentions = Q()
    for word in STEP_FREE_WORDS:
        mentions |= Q(description__icontains=word) | Q(details__icontains=word) | Q(accessibility__icontains=word)
    # One pass over the accessibility notes for the whole query, not a lookup per listing.
    places = Accessibility.objects.filter(mentions).values("location_id")
    return Q(pk__in=ServiceAtLocation.objects.filter(location_id__in=places).values("service_id"))


def weekday_q(code: str) -> Q:
    """Services with a schedule on that day (weekly or "2nd Tuesday"-style monthly), their own or one of a
    place they run at. Day codes are stored upper-case (iCalendar), so a case-sensitive match is enough."""
    own = Schedule.objects.filter(byday__contains=code, service__isnull=False).values("service_id")
    # Few schedules belong to a place rather than the service: start from those, not from every place.
    at_place = Schedule.objects.filter(byday__contains=code, service_at_location__isnull=False).values(
        "service_at_location__service_id"
    )
    return Q(pk__in=own) | Q(pk__in=at_place)


def category_q(codes: Iterable[str]) -> Q:
    """Services tagged with any of the term codes."""
    tagged = Attribute.objects.filter(service=OuterRef("pk"), taxonomy_term__code__in=list(codes))
    return Q(Exists(tagged))


def words_q(words: Sequence[str]) -> Q:
    """Every word appears in the name or the description (case-insensitive)."""
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(description__icontains=word)
    return condition


def split_words(text: str) -> list[str]:
    """The words of a search, without one-letter noise, at most MAX_WORDS of them."""
    words = [w.strip(".,;:!?\"'()") for w in (text or "").split()]
    return [w for w in words if len(w) >= 2][:MAX_WORDS]


def bounding_box(origin: tuple[float, float], km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square that contains the circle of radius km."""
    lat, lon = origin
    dlat = km / KM_PER_DEGREE_LATITUDE
    dlon = km / (KM_PER_DEGREE_LATITUDE * max(math.cos(math.radians(lat)), 0.01))
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _squared_offset(origin: tuple[float, float], prefix: str) -> ExpressionWrapper:
    """A flat-earth squared distance in degrees of latitude: orders places exactly as distance does at
    a town's scale, with arithmetic both SQLite and PostgreSQL run natively."""
    lat, lon = origin
    shrink = math.cos(math.radians(lat))
    dlat = F(f"{prefix}latitude") - Value(lat)
    dlon = (F(f"{prefix}longitude") - Value(lon)) * Value(shrink)
    return ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())


def remote_service_ids() -> QuerySet[ServiceArea, Any]:
    """Services that say where they reach rather than where they are (phone, online, home visits): those
    with a service area. They stay in a distance search whatever the distance. (Not narrowed by scheme
    here: the outer query already is, and a join to services would cost a scan of every listing.)"""
    return ServiceArea.objects.values("service_id")


def base_queryset(scheme: Scheme, *, matchable_only: bool = False, now: dt.datetime | None = None) -> ServiceQuerySet:
    """The published listings of a scheme (optionally only those fresh enough for matching)."""
    services = Service.objects.for_scheme(scheme)
    assert isinstance(services, ServiceQuerySet)
    return services.matchable(now) if matchable_only else services.active()


def with_display_data(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a service page shows, loaded in a fixed number of queries."""
    return services.select_related("scheme", "organization").prefetch_related(
        "schedules",
        "cost_options",
        "phones",
        "attributes__taxonomy_term",
        "service_at_locations__location__accessibility",
        "service_at_locations__location__addresses",
        "service_at_locations__schedules",
    )


def with_result_data(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a row on a results page shows (place, times, cost), in a fixed number of queries."""
    return services.select_related("scheme", "organization").prefetch_related(
        "schedules",
        "cost_options",
        "service_at_locations__location",
        "service_at_locations__schedules",
    )


def nearest_location(service: Service, origin: tuple[float, float] | None) -> tuple[Location | None, float | None]:
    """The service's nearest physical place (from prefetched rows) and its distance in km."""
    places = [link.location for link in service.service_at_locations.all()]
    located = [p for p in places if p.latitude is not None and p.longitude is not None]
    if origin is None or not located:
        physical = [p for p in places if p.location_type != "virtual"]
        return (physical[0] if physical else None), None
    best = min(located, key=lambda p: haversine_km(origin, (p.latitude, p.longitude)))  # type: ignore[arg-type]
    return best, round(haversine_km(origin, (best.latitude, best.longitude)), 1)  # type: ignore[arg-type]


def _filtered(
    services: ServiceQuerySet,
    *,
    category_codes: Sequence[str],
    weekday: str,
    free_only: bool,
    step_free: bool,
) -> ServiceQuerySet:
    """The filters other than words and place."""
    if category_codes:
        services = services.filter(category_q(category_codes))
    if weekday:
        if weekday not in WEEKDAY_CODES:
            raise ValueError(f"Unknown weekday code {weekday!r}")
        services = services.filter(weekday_q(weekday))
    if free_only:
        services = services.filter(free_q())
    if step_free:
        services = services.filter(step_free_q())
    return services


def _origin(postcode: str, origin: tuple[float, float] | None) -> tuple[tuple[float, float] | None, bool]:
    """Where to measure from, and whether a postcode was given that we cannot place."""
    if origin is None and postcode:
        from linkwell.places.postcodes import coordinates_for

        origin = coordinates_for(postcode)
        return origin, origin is None
    return origin, False


def _in_reach(services: ServiceQuerySet, origin: tuple[float, float], reach: float) -> ServiceQuerySet:
    """Services with a place in the square around the origin, and those that reach people where they are."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(origin, reach)
    # Both sets are computed once (IN subqueries, not per-row), so a small reach stays cheap at any size.
    near = ServiceAtLocation.objects.filter(
        location__latitude__range=(min_lat, max_lat), location__longitude__range=(min_lon, max_lon)
    ).values("service_id")
    return services.filter(Q(pk__in=near) | Q(pk__in=remote_service_ids()))


def _results(services: Iterable[Service], origin: tuple[float, float] | None) -> list[SearchResult]:
    results: list[SearchResult] = []
    for service in services:
        # The reach is a square around the postcode, so a corner may be a little further than max_km.
        location, distance = nearest_location(service, origin)
        results.append(SearchResult(service=service, location=location, distance_km=distance))
    return results


def search_services(
    scheme: Scheme,
    *,
    words: str = "",
    postcode: str = "",
    max_km: float | None = None,
    category_codes: Sequence[str] = (),
    weekday: str = "",
    free_only: bool = False,
    step_free: bool = False,
    page: int | str = 1,
    per_page: int = PER_PAGE,
    matchable_only: bool = False,
    origin: tuple[float, float] | None = None,
) -> SearchResults:
    """Search a scheme's published listings; nearest first when a postcode has coordinates.

    `postcode` must already be normalised (forms do that); `origin` may be passed instead to skip the
    postcode lookup. Services with a service area (phone, online, home visits) are kept in a distance
    search whatever the distance, and listed after the places within reach.
    """
    services = base_queryset(scheme, matchable_only=matchable_only)
    word_list = split_words(words)
    if word_list:
        services = services.filter(words_q(word_list))
    services = _filtered(
        services, category_codes=category_codes, weekday=weekday, free_only=free_only, step_free=step_free
    )
    origin, distance_unavailable = _origin(postcode, origin)
    reach: float | None = None
    if origin is not None:
        reach = max_km or DEFAULT_MAX_KM
        services = _in_reach(services, origin, reach)
        min_lat, max_lat, min_lon, max_lon = bounding_box(origin, reach)
        # The nearest place in reach, by one join and a MIN (not a subquery per row): remote services and
        # places out of reach give NULL and sort last.
        place = "service_at_locations__location__"
        in_reach = Q(**{f"{place}latitude__range": (min_lat, max_lat), f"{place}longitude__range": (min_lon, max_lon)})
        services = services.annotate(_offset=Min(_squared_offset(origin, place), filter=in_reach)).order_by(
            F("_offset").asc(nulls_last=True), "name", "pk"
        )
    elif word_list:
        # A listing named for what was searched is a better answer than one that only mentions it.
        in_name = Q()
        for word in word_list:
            in_name &= Q(name__icontains=word)
        services = services.annotate(_named=Case(When(in_name, then=Value(0)), default=Value(1))).order_by(
            "_named", "name", "pk"
        )
    else:
        services = services.order_by("name", "pk")

    paginator = Paginator(with_result_data(services), per_page)
    current = paginator.get_page(page)
    return SearchResults(
        page=current,
        results=_results(current.object_list, origin),
        origin=origin,
        max_km=reach,
        distance_unavailable=distance_unavailable,
        words=word_list,
    )


def ranked_search(
    scheme: Scheme,
    *,
    words: str,
    postcode: str = "",
    max_km: float | None = None,
    category_codes: Sequence[str] = (),
    weekday: str = "",
    free_only: bool = False,
    step_free: bool = False,
    page: int | str = 1,
    per_page: int = PER_PAGE,
    origin: tuple[float, float] | None = None,
) -> SearchResults:
    """Search by what the words mean, best match first: the matcher link workers use ranks the scheme's
    matchable listings (so "on my own since my wife died" finds befriending), keeps those that answer the
    words, and the other filters are then applied to that list in the database, keeping its order.

    At most RANKED_LIMIT listings are ranked. A page costs a fixed number of queries whatever its size.
    """
    services = _filtered(
        base_queryset(scheme, matchable_only=True),
        category_codes=category_codes,
        weekday=weekday,
        free_only=free_only,
        step_free=step_free,
    )
    origin, distance_unavailable = _origin(postcode, origin)
    reach: float | None = None
    place: dict[str, Any] = {}
    if origin is not None:
        reach = max_km or DEFAULT_MAX_KM
        services = _in_reach(services, origin, reach)
        place = {"lat": origin[0], "lng": origin[1], "outcode": outcode_of(postcode), "max_km": reach}
    # Cost, day and step-free access keep their one definition (above), so only words and place go to the
    # matcher; its hard rules then only ever narrow what the database filters allow.
    query = Query(text=words, remote_ok=True, **place)
    ranked = matching.answering(scheme, query, matching.rank_query(scheme, query, limit=RANKED_LIMIT))
    allowed = set(services.filter(pk__in=[s.service.pk for s in ranked]).values_list("pk", flat=True))
    kept = [s for s in ranked if s.service.pk in allowed]

    paginator = Paginator(kept, per_page)
    current = paginator.get_page(page)
    on_page = list(current.object_list)
    rows = with_result_data(Service.objects.filter(pk__in=[s.service.pk for s in on_page])).in_bulk()
    results = _results([rows[s.service.pk] for s in on_page if s.service.pk in rows], origin)
    why = {s.service.pk: why_suggested(s.match, query) for s in on_page}
    for result in results:
        result.reasons = why[result.service.pk]
    return SearchResults(
        page=current,
        results=results,
        origin=origin,
        max_km=reach,
        distance_unavailable=distance_unavailable,
        words=split_words(words),
        ranked=True,
    )


def why_suggested(match: Match, query: Query) -> list[str]:
    """The matcher's reasons a results row does not already show (its place, cost and times)."""
    shown = {"free", match.service.cost_text, when_text(match.service, query)}
    if match.distance_km is not None:
        shown.add(distance_text(match.distance_km))
    reasons = [r for r in match.reasons if r not in shown]
    return reasons or ["close in meaning to your words"]


def facet_terms(kind: TermKind | str = TermKind.CATEGORY) -> QuerySet[TaxonomyTerm]:
    """Linkwell's seeded terms of one kind, for the category filter."""
    return TaxonomyTerm.objects.linkwell(kind).order_by("name")


def published_service(scheme: Scheme, hsds_id: uuid.UUID | str) -> Service:
    """One published listing of the scheme with everything its page shows, or Service.DoesNotExist."""
    return with_display_data(base_queryset(scheme)).prefetch_related("languages", "service_areas").get(hsds_id=hsds_id)
