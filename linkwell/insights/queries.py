"""Dashboard aggregates for one scheme, computed in the database from the summary rows, whatever the data size.

Every function takes a `Filters` (scheme, date range of receipt, practice, link worker, need) and returns plain
rows that the chart, the table, the CSV/XLSX export and the PDF report all share.

The panels read `ReferralFact` (one row per referral) and `ConnectionFact` (one row per connection, with its
referral's filter columns copied on), kept current by `facts.refresh_facts` on every write (ADR 0014). Each panel
is one or two grouped queries over one of those tables, with no joins; names (providers, categories, services)
are looked up afterwards for the few services that appear.

Percentiles: the summary rows store each wait rounded to 0.01 day (about 15 minutes). PostgreSQL computes
`percentile_cont` over them. SQLite has no percentile aggregate, so there the database counts each distinct stored
value (an index walk, at most a few thousand rows) and the interpolation (`percentile_cont`'s definition) runs
over that histogram: the same figures as PostgreSQL, within 0.005 day of the unrounded waits before the shown
rounding to 0.1 day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection as db_connection
from django.db.models import Aggregate, Count, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role
from linkwell.connections.models import ConnectionStatus
from linkwell.directory.models import Attribute, Service, TermKind
from linkwell.outcomes.suppression import SuppressedTable, suppress
from linkwell.referrals.models import Need, Referral, Source

from .facts import CONNECTED_STATUSES, FINISHED_STATUSES, NEED_BITS
from .models import ConnectionFact, ReferralFact

__all__ = ["CONNECTED_STATUSES"]

FUNNEL_STAGES = ("received", "accepted", "contacted", "assessed", "connected", "completed")
FUNNEL_LABELS = {
    "received": "Received",
    "accepted": "Accepted",
    "contacted": "Contacted",
    "assessed": "Assessed",
    "connected": "Connected to a service",
    "completed": "Completed (got help)",
}


@dataclass(frozen=True)
class Filters:
    """What the dashboard is about: one scheme, referrals received in [date_from, date_to], optional slices."""

    scheme_id: int
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    practice_id: int | None = None
    link_worker_id: int | None = None
    need: str | None = None

    def describe(self) -> list[tuple[str, str]]:
        """The filters in words, for captions, exports and the report."""
        parts = [
            ("Received from", self.date_from.isoformat() if self.date_from else "the start"),
            ("Received to", self.date_to.isoformat() if self.date_to else "today"),
        ]
        if self.practice_id:
            name = Organisation.objects.filter(pk=self.practice_id).values_list("name", flat=True).first()
            parts.append(("Practice", name or ""))
        if self.link_worker_id:
            user = (
                Membership.objects.filter(pk=self.link_worker_id)
                .values_list("user__first_name", "user__last_name")
                .first()
            )
            parts.append(("Link worker", " ".join(user) if user else ""))
        if self.need:
            parts.append(("Need", str(dict(Need.choices).get(self.need, self.need))))
        return parts


def practices_for(scheme_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scheme_id=scheme_id, kind=OrganisationKind.GP_PRACTICE).order_by("name")


def link_workers_for(scheme_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation__scheme_id=scheme_id, role=Role.LINK_WORKER)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def _start_of(day: dt.date) -> dt.datetime:
    # A range on the stored timestamp (not `__date`, which SQLite computes row by row) so indexes apply.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filtered(qs: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    qs = qs.filter(scheme_id=filters.scheme_id)
    if filters.date_from:
        qs = qs.filter(received_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(received_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.practice_id:
        qs = qs.filter(referring_organisation_id=filters.practice_id)
    if filters.link_worker_id:
        qs = qs.filter(assigned_to_id=filters.link_worker_id)
    if filters.need:
        qs = qs.filter(GreaterThan(F("needs").bitand(NEED_BITS.get(filters.need, 0)), 0))
    return qs.order_by()


def referrals(filters: Filters) -> QuerySet[Referral]:
    """The filtered referrals of the scheme (a queryset: nothing is fetched), chosen through their summaries."""
    return Referral.objects.filter(pk__in=facts(filters).values("referral_id")).order_by()


def facts(filters: Filters) -> QuerySet[ReferralFact]:
    """The summary rows of the filtered referrals."""
    return _filtered(ReferralFact.objects.all(), filters)


def connection_facts(filters: Filters) -> QuerySet[ConnectionFact]:
    """The summary rows of the connections of the filtered referrals."""
    return _filtered(ConnectionFact.objects.all(), filters)


def _has_need(code: str) -> Any:
    """1 if the referral names the need, else 0 (integer division of the masked bit by itself)."""
    bit = NEED_BITS[code]
    return F("needs").bitand(bit) / Value(bit)


class DaysBetween(Func):
    """end - start in days, as a float, on SQLite and PostgreSQL."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)", arg_joiner=" - "
        )


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Wait:
    label: str
    count: int
    median: float | None
    p90: float | None


def _interpolate(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def _histogram_percentile(histogram: list[tuple[float, int]], total: int, fraction: float) -> float | None:
    """percentile_cont over values given as (value, count) in ascending order of value."""
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    found: dict[int, float] = {}
    seen = 0
    for value, count in histogram:
        for index in (low, high):
            if index not in found and seen <= index < seen + count:
                found[index] = value
        seen += count
        if high in found:
            break
    return found[low] + (found[high] - found[low]) * (position - low)


def _percentiles(qs: QuerySet[Any], column: str) -> tuple[int, float | None, float | None]:
    """(count, median, 90th percentile) of a column, computed by the database where it can."""
    if db_connection.vendor == "postgresql":
        row = qs.aggregate(n=Count(column), median=PercentileCont(column, 0.5), p90=PercentileCont(column, 0.9))
        return int(row["n"]), row["median"], row["p90"]
    # The stored waits are rounded to 0.01 day, so a few thousand distinct values at most, read in index order.
    histogram = [
        (float(value), int(count))
        for value, count in qs.filter(**{f"{column}__isnull": False})
        .values_list(column)
        .annotate(n=Count("*"))
        .order_by(column)
        .values_list(column, "n")
    ]
    total = sum(count for _, count in histogram)
    return total, _histogram_percentile(histogram, total, 0.5), _histogram_percentile(histogram, total, 0.9)


def _month(yyyymm: int) -> str:
    return f"{yyyymm // 100:04d}-{yyyymm % 100:02d}"


def _monthly(filters: Filters, column: str) -> list[tuple[int, Any, int]]:
    """(yyyymm, value, referrals) per month and value of `column`: a walk of one covering index, no sort."""
    return list(
        facts(filters)
        .values_list("month", column)
        .annotate(n=Count("*"))
        .order_by("month", column)
        .values_list("month", column, "n")
    )


def referrals_over_time(filters: Filters) -> list[dict[str, Any]]:
    """Referrals received per month, split by source (one row per month; a column per source)."""
    months: dict[int, dict[str, Any]] = {}
    for yyyymm, source, count in _monthly(filters, "source"):
        row = months.setdefault(yyyymm, {"month": _month(yyyymm), "total": 0, **dict.fromkeys(Source.values, 0)})
        row[source] = row.get(source, 0) + count
        row["total"] += count
    return list(months.values())


def _need_counts(mask: int) -> list[str]:
    return [code for code, bit in NEED_BITS.items() if mask & bit]


def referrals_by_need(filters: Filters) -> list[dict[str, Any]]:
    """Referrals received per month mentioning each need (a referral with two needs counts under both)."""
    months: dict[int, dict[str, Any]] = {}
    for yyyymm, mask, count in _monthly(filters, "needs"):
        row = months.setdefault(yyyymm, {"month": _month(yyyymm), "total": 0, **dict.fromkeys(Need.values, 0)})
        for code in _need_counts(mask):
            row[code] += count
        row["total"] += count
    return list(months.values())


_STAGE_FLAGS = ("accepted", "contacted", "assessed", "connected", "completed", "rejected", "could_not_contact")


def _by_status_and_stage(filters: Filters) -> list[dict[str, Any]]:
    """Referrals per status and combination of stage flags (a few dozen rows): one walk of a covering index."""
    return list(facts(filters).values("status", *_STAGE_FLAGS).annotate(n=Count("*")).order_by())


def funnel(filters: Filters) -> dict[str, Any]:
    """How many referrals reached each stage, plus the could-not-contact and rejection rates (one query)."""
    groups = _by_status_and_stage(filters)
    row = {name: sum(group["n"] for group in groups if group[name]) for name in _STAGE_FLAGS}
    received = row["received"] = sum(group["n"] for group in groups)
    stages = [
        {
            "stage": FUNNEL_LABELS[name],
            "count": row[name],
            "share": _pct(row[name], received),
        }
        for name in FUNNEL_STAGES
    ]
    rates = [
        {
            "measure": "Not accepted (rejected)",
            "count": row["rejected"],
            "of": received,
            "share": _pct(row["rejected"], received),
        },
        {
            "measure": "Could not contact (at any point)",
            "count": row["could_not_contact"],
            "of": row["accepted"],
            "share": _pct(row["could_not_contact"], row["accepted"]),
        },
    ]
    return {"stages": stages, "rates": rates}


def _pct(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


def waiting_times(filters: Filters) -> list[Wait]:
    """Days from receipt to first successful contact and to the first connection sent: median and 90th centile."""
    waits = []
    for label, column in (
        ("Referral to first contact", "days_to_first_contact"),
        ("Referral to first connection", "days_to_first_connection"),
    ):
        count, median, p90 = _percentiles(facts(filters), column)
        waits.append(Wait(label=label, count=count, median=_round(median), p90=_round(p90)))
    return waits


def _round(value: float | None) -> float | None:
    return None if value is None else round(max(value, 0.0), 1)


def _per_service(filters: Filters) -> dict[int, dict[str, Any]]:
    """Connection counts per service (one grouped query over the connection summaries)."""
    rows = (
        connection_facts(filters)
        .values("service_id")
        .annotate(
            total=Count("*"),
            connected=Count("status", filter=Q(status__in=CONNECTED_STATUSES)),
            declined=Count("status", filter=Q(status=ConnectionStatus.DECLINED)),
            answered=Count("response_days"),
            response_sum=Sum("response_days"),
            sessions=Sum("sessions"),
            present=Sum("present"),
        )
    )
    return {row["service_id"]: dict(row) for row in rows}


def connections_by_category(filters: Filters) -> list[dict[str, Any]]:
    """Connections per service category (a service in two categories counts in both)."""
    per_service = _per_service(filters)
    services_of: dict[str, set[int]] = defaultdict(set)
    for service_id, category in Attribute.objects.filter(
        service_id__in=list(per_service), taxonomy_term__kind=TermKind.CATEGORY
    ).values_list("service_id", "taxonomy_term__name"):
        services_of[category].add(service_id)
    rows = [
        {
            "category": category,
            **{key: sum(per_service[s][key] for s in services) for key in ("total", "connected", "declined")},
        }
        for category, services in services_of.items()
    ]
    return sorted(rows, key=lambda row: (-row["total"], row["category"]))


def providers(filters: Filters) -> list[dict[str, Any]]:
    """Per provider: connections, how quickly they answer (days), and the share of sessions attended."""
    per_service = _per_service(filters)
    names = dict(
        Service.objects.filter(pk__in=list(per_service)).values_list("pk", Coalesce(F("provider__name"), F("name")))
    )
    keys = ("total", "connected", "declined", "answered", "response_sum", "sessions", "present")
    by_provider: dict[str, dict[str, Any]] = {}
    for service_id, row in per_service.items():
        into = by_provider.setdefault(names[service_id], dict.fromkeys(keys, 0))
        for key in keys:
            into[key] += row[key] or 0
    result = [
        {
            "provider": provider,
            "total": row["total"],
            "connected": row["connected"],
            "declined": row["declined"],
            "answered": row["answered"],
            "mean_response_days": _round(row["response_sum"] / row["answered"] if row["answered"] else None),
            "sessions": row["sessions"],
            "attendance_rate": _pct(row["present"], row["sessions"]),
        }
        for provider, row in by_provider.items()
    ]
    return sorted(result, key=lambda row: (-row["total"], row["provider"]))


def capacity(filters: Filters) -> list[dict[str, Any]]:
    """Each active service's stated places and waiting list, with Linkwell's own waiting-list count."""
    waiting = (
        connection_facts(filters)
        .filter(service_id=OuterRef("pk"), status=ConnectionStatus.WAITLISTED)
        .values("service_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = (
        Service.objects.filter(scheme_id=filters.scheme_id, status="active")
        .annotate(waitlisted=Coalesce(Subquery(waiting), 0))
        .filter(Q(capacity_available__isnull=False) | Q(waiting_list_length__isnull=False) | Q(waitlisted__gt=0))
        .values("name", "capacity_available", "waiting_list_length", "waitlisted", "capacity_updated_at")
        .order_by("-waitlisted", "name")
    )
    return [dict(row) for row in rows]


@dataclass
class UnmetNeeds:
    """Referrals with each need that ended without a connection, by postcode district, small numbers hidden."""

    areas: list[str] = field(default_factory=list)
    needs: list[tuple[str, str]] = field(default_factory=list)
    table: SuppressedTable | None = None

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self.table is None:
            return []
        out = []
        for area, cells, total in zip(self.areas, self.table.cells, self.table.row_totals, strict=True):
            out.append(
                {
                    "area": area,
                    **{code: value for (code, _), value in zip(self.needs, cells, strict=True)},
                    "total": total,
                }
            )
        out.append(
            {
                "area": "All areas",
                **{code: value for (code, _), value in zip(self.needs, self.table.column_totals, strict=True)},
                "total": self.table.total,
            }
        )
        return out


def unmet_needs(filters: Filters) -> UnmetNeeds:
    """Needs of finished referrals that never led to a connection, per postcode district (e.g. "LW1")."""
    by_area: dict[str, dict[str, Any]] = {}
    for area, mask, count in (
        facts(filters)
        .filter(ended_unmet=True)
        .values_list("district", "needs")
        .annotate(n=Count("*"))
        .order_by("district", "needs")
        .values_list("district", "needs", "n")
    ):
        row = by_area.setdefault(area, {"area": area, **dict.fromkeys(Need.values, 0)})
        for code in _need_counts(mask):
            row[code] += count
    rows = list(by_area.values())
    if not rows:
        return UnmetNeeds()
    needs = [(code, label) for code, label in Need.choices if any(row[code] for row in rows)]
    if not needs:
        return UnmetNeeds()
    table = suppress([[row[code] for code, _ in needs] for row in rows])
    return UnmetNeeds(areas=[row["area"] or "Unknown" for row in rows], needs=needs, table=table)


def headline(filters: Filters) -> dict[str, Any]:
    """The few numbers at the top of the page (and of the network view)."""
    groups = _by_status_and_stage(filters)
    row: dict[str, Any] = {
        "referrals": sum(group["n"] for group in groups),
        "open": sum(group["n"] for group in groups if group["status"] not in FINISHED_STATUSES),
    }
    # DISTINCT in a subquery rather than COUNT(DISTINCT …): the database can walk the (scheme, person) index.
    row["people"] = facts(filters).values("person_id").distinct().count()
    row["connections"] = connection_facts(filters).count()
    return row
