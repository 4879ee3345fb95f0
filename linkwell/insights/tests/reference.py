"""The dashboard's figures computed straight from the source tables: the reference the fact-based queries must equal.

This is the query code the dashboard ran before the summary tables (ADR 0014), kept unchanged so the tests can
compare every panel against it; what it shares with the new queries word for word (Filters, Wait, UnmetNeeds, the
funnel labels, the percentile and rounding helpers) is imported from `linkwell.insights.queries` rather than
copied. It is slow at scale and never used by the application.

Every function takes a `Filters` (scheme, date range of receipt, practice, link worker, need) and returns plain
rows that the chart, the table, the CSV/XLSX export and the PDF report all share.

Percentiles: PostgreSQL computes them with `percentile_cont`. SQLite has no percentile aggregate, so there the
query orders the durations in SQL and only that one column is fetched; the interpolation (the same definition
as `percentile_cont`) then picks two values by position. No per-row Python work happens on either database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection as db_connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left, StrIndex
from django.utils import timezone

from linkwell.connections.models import Attendance, AttendanceStatus, Connection, ConnectionStatus
from linkwell.directory.models import Service, TermKind
from linkwell.insights.queries import (
    CONNECTED_STATUSES,
    FUNNEL_LABELS,
    FUNNEL_STAGES,
    DaysBetween,
    Filters,
    PercentileCont,
    UnmetNeeds,
    Wait,
    _interpolate,
    _pct,
    _round,
    _start_of,
)
from linkwell.outcomes.suppression import suppress
from linkwell.referrals.models import ClosureReason, Need, Referral, ReferralEvent, Source, Status

# Statuses that show a referral got at least as far as each funnel stage (the state machine allows skipping
# "unable to contact" and coming back through "reopened", so a later stage implies the earlier ones).
_CONTACTED_OR_LATER = (Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP)
_ASSESSED_OR_LATER = (Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP)
_ACCEPTED_OR_LATER = (Status.ACCEPTED, Status.UNABLE_TO_CONTACT, *_CONTACTED_OR_LATER)


def _need_q(need: str, prefix: str = "") -> Q:
    # `needs` is a JSON list of codes. PostgreSQL answers containment natively (jsonb @>); SQLite has no JSON
    # containment lookup, so there match the quoted code in the JSON text (codes are plain words, so a quoted
    # code can match only itself).
    if db_connection.vendor == "postgresql":
        return Q(**{f"{prefix}needs__contains": [need]})
    return Q(**{f"{prefix}needs__icontains": f'"{need}"'})


def referrals(filters: Filters) -> QuerySet[Referral]:
    """The filtered referrals of the scheme (a queryset: nothing is fetched)."""
    qs = Referral.objects.filter(scheme_id=filters.scheme_id)
    if filters.date_from:
        qs = qs.filter(received_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(received_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.practice_id:
        qs = qs.filter(referring_organisation_id=filters.practice_id)
    if filters.link_worker_id:
        qs = qs.filter(assigned_to_id=filters.link_worker_id)
    if filters.need:
        qs = qs.filter(_need_q(filters.need))
    return qs.order_by()


def _in_filtered(filters: Filters, path: str) -> Q:
    """The same filters, seen from a model that reaches Referral through `path` (e.g. "referral__")."""
    q = Q(**{f"{path}scheme_id": filters.scheme_id})
    if filters.date_from:
        q &= Q(**{f"{path}received_at__gte": _start_of(filters.date_from)})
    if filters.date_to:
        q &= Q(**{f"{path}received_at__lt": _start_of(filters.date_to + dt.timedelta(days=1))})
    if filters.practice_id:
        q &= Q(**{f"{path}referring_organisation_id": filters.practice_id})
    if filters.link_worker_id:
        q &= Q(**{f"{path}assigned_to_id": filters.link_worker_id})
    if filters.need:
        q &= _need_q(filters.need, path)
    return q


def _percentiles(qs: QuerySet[Any], column: str) -> tuple[int, float | None, float | None]:
    """(count, median, 90th percentile) of an annotated column, computed by the database where it can."""
    if db_connection.vendor == "postgresql":
        row = qs.aggregate(n=Count(column), median=PercentileCont(column, 0.5), p90=PercentileCont(column, 0.9))
        return int(row["n"]), row["median"], row["p90"]
    values = list(qs.order_by(column).values_list(column, flat=True))
    return len(values), _interpolate(values, 0.5), _interpolate(values, 0.9)


def _month_buckets(filters: Filters) -> tuple[Case | None, list[str]]:
    """A CASE expression numbering each referral's month of receipt (local time), and the months' labels.

    Month boundaries are worked out here in the scheme's time zone and compared with the stored timestamps, so
    the database groups by plain comparisons: SQLite has no time zone support, and Django's TruncMonth there
    calls back into Python for every row.
    """
    span = referrals(filters).aggregate(first=Min("received_at"), last=Max("received_at"))
    if span["first"] is None:
        return None, []
    first, last = timezone.localtime(span["first"]), timezone.localtime(span["last"])
    month = dt.date(first.year, first.month, 1)
    labels: list[str] = []
    whens: list[When] = []
    while month <= last.date():
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        whens.append(When(received_at__lt=_start_of(following), then=Value(len(labels))))
        labels.append(month.strftime("%Y-%m"))
        month = following
    return Case(*whens, default=Value(len(labels) - 1), output_field=IntegerField()), labels


def _by_month(filters: Filters, counts: dict[str, Any]) -> list[dict[str, Any]]:
    bucket, labels = _month_buckets(filters)
    if bucket is None:
        return []
    rows = referrals(filters).annotate(month=bucket).values("month").annotate(total=Count("id"), **counts)
    return [_unprefix({**row, "month": labels[row["month"]]}) for row in sorted(rows, key=lambda r: r["month"])]


def referrals_over_time(filters: Filters) -> list[dict[str, Any]]:
    """Referrals received per month, split by source (one row per month; a column per source)."""
    # Prefixed names: a source code such as "self" must not collide with annotate()'s own arguments.
    return _by_month(filters, {f"n_{source}": Count("id", filter=Q(source=source)) for source in Source.values})


def referrals_by_need(filters: Filters) -> list[dict[str, Any]]:
    """Referrals received per month mentioning each need (a referral with two needs counts under both)."""
    return _by_month(filters, {f"n_{need}": Count("id", filter=_need_q(need)) for need in Need.values})


def _unprefix(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {key.removeprefix("n_"): value for key, value in row.items()}
    if "month" in out:
        out["month"] = _month(out["month"])
    return out


def _month(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def _flag(condition: Q) -> Max:
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def funnel(filters: Filters) -> dict[str, Any]:
    """How many referrals reached each stage, plus the could-not-contact and rejection rates.

    One pass over the events, grouped by referral (in the order of the referral/time index), marks the stages
    each referral reached; the outer query adds the marks up.
    """
    flags = (
        ReferralEvent.objects.filter(_in_filtered(filters, "referral__"))
        .order_by()
        .values("referral_id")
        .annotate(
            f_accepted=_flag(Q(to_status__in=_ACCEPTED_OR_LATER)),
            f_contacted=_flag(Q(to_status__in=_CONTACTED_OR_LATER)),
            f_assessed=_flag(Q(to_status__in=_ASSESSED_OR_LATER)),
            f_completed=_flag(Q(to_status=Status.CLOSED, reason=ClosureReason.COMPLETED)),
            f_rejected=_flag(Q(to_status=Status.REJECTED)),
            f_could_not_contact=_flag(
                Q(to_status=Status.UNABLE_TO_CONTACT)
                | Q(to_status=Status.CLOSED, reason=ClosureReason.COULD_NOT_CONTACT)
            ),
        )
    )
    names = ("accepted", "contacted", "assessed", "completed", "rejected", "could_not_contact")
    row = {name: value or 0 for name, value in flags.aggregate(**{name: Sum(f"f_{name}") for name in names}).items()}
    row["received"] = referrals(filters).count()
    row["connected"] = (
        _connections(filters)
        .filter(status__in=CONNECTED_STATUSES)
        .aggregate(n=Count("referral_id", distinct=True))["n"]
    )
    received = row["received"]
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


def waiting_times(filters: Filters) -> list[Wait]:
    """Days from receipt to first successful contact and to the first connection sent: median and 90th centile."""
    first_contact = (
        referrals(filters)
        .filter(contacts__successful=True)
        .values("id")
        .annotate(first=Min("contacts__occurred_at"))
        .annotate(days=DaysBetween(F("first"), F("received_at")))
    )
    first_connection = (
        referrals(filters)
        .filter(connections__isnull=False)
        .values("id")
        .annotate(first=Min(Coalesce("connections__sent_at", "connections__created_at")))
        .annotate(days=DaysBetween(F("first"), F("received_at")))
    )
    waits = []
    for label, qs in (("Referral to first contact", first_contact), ("Referral to first connection", first_connection)):
        count, median, p90 = _percentiles(qs, "days")
        waits.append(Wait(label=label, count=count, median=_round(median), p90=_round(p90)))
    return waits


def _connections(filters: Filters) -> QuerySet[Connection]:
    return Connection.objects.filter(_in_filtered(filters, "referral__")).order_by()


def connections_by_category(filters: Filters) -> list[dict[str, Any]]:
    """Connections per service category (a service in two categories counts in both)."""
    rows = (
        _connections(filters)
        .filter(service__attributes__taxonomy_term__kind=TermKind.CATEGORY)
        .values(category=F("service__attributes__taxonomy_term__name"))
        .annotate(
            total=Count("id", distinct=True),
            connected=Count("id", distinct=True, filter=Q(status__in=CONNECTED_STATUSES)),
            declined=Count("id", distinct=True, filter=Q(status=ConnectionStatus.DECLINED)),
        )
        .order_by("-total", "category")
    )
    return [dict(row) for row in rows]


def providers(filters: Filters) -> list[dict[str, Any]]:
    """Per provider: connections, how quickly they answer (days), and the share of sessions attended."""
    conn_rows = (
        _connections(filters)
        .values(provider=Coalesce(F("service__provider__name"), F("service__name")))
        .annotate(
            total=Count("id"),
            connected=Count("id", filter=Q(status__in=CONNECTED_STATUSES)),
            declined=Count("id", filter=Q(status=ConnectionStatus.DECLINED)),
            answered=Count("id", filter=Q(responded_at__isnull=False, sent_at__isnull=False)),
            mean_response_days=Avg(
                DaysBetween(F("responded_at"), F("sent_at")),
                filter=Q(responded_at__isnull=False, sent_at__isnull=False),
            ),
        )
        .order_by("-total", "provider")
    )
    attendance = {
        row["provider"]: row
        for row in Attendance.objects.filter(_in_filtered(filters, "connection__referral__"))
        .order_by()
        .values(provider=Coalesce(F("connection__service__provider__name"), F("connection__service__name")))
        .annotate(
            sessions=Count("id"),
            present=Count("id", filter=Q(status__in=(AttendanceStatus.ATTENDED, AttendanceStatus.LATE))),
        )
    }
    result = []
    for row in conn_rows:
        seen = attendance.get(row["provider"], {"sessions": 0, "present": 0})
        result.append(
            {
                **row,
                "mean_response_days": _round(row["mean_response_days"]),
                "sessions": seen["sessions"],
                "attendance_rate": _pct(seen["present"], seen["sessions"]),
            }
        )
    return result


def capacity(filters: Filters) -> list[dict[str, Any]]:
    """Each active service's stated places and waiting list, with Linkwell's own waiting-list count."""
    rows = (
        Service.objects.filter(scheme_id=filters.scheme_id, status="active")
        .annotate(
            waitlisted=Count(
                "connections",
                filter=Q(connections__status=ConnectionStatus.WAITLISTED)
                & _in_filtered(filters, "connections__referral__"),
            )
        )
        .filter(Q(capacity_available__isnull=False) | Q(waiting_list_length__isnull=False) | Q(waitlisted__gt=0))
        .values("name", "capacity_available", "waiting_list_length", "waitlisted", "capacity_updated_at")
        .order_by("-waitlisted", "name")
    )
    return [{**row, "capacity_updated_at": row["capacity_updated_at"]} for row in rows]


def unmet_needs(filters: Filters) -> UnmetNeeds:
    """Needs of finished referrals that never led to a connection, per postcode district (e.g. "LW1")."""
    finished = referrals(filters).filter(status__in=(Status.CLOSED, Status.REJECTED))
    unmet = finished.exclude(
        Exists(Connection.objects.filter(referral_id=OuterRef("pk"), status__in=CONNECTED_STATUSES))
    )
    counts = {f"n_{need}": Count("id", filter=_need_q(need)) for need in Need.values}
    postcode = F("person__postcode")
    rows = [
        _unprefix(row)
        for row in unmet.annotate(
            area=Left(postcode, StrIndex(postcode, Value(" ")) - Value(1, output_field=IntegerField()))
        )
        .values("area")
        .annotate(**counts)
        .order_by("area")
    ]
    if not rows:
        return UnmetNeeds()
    needs = [(code, label) for code, label in Need.choices if any(row[code] for row in rows)]
    if not needs:
        return UnmetNeeds()
    table = suppress([[row[code] for code, _ in needs] for row in rows])
    return UnmetNeeds(areas=[row["area"] or "Unknown" for row in rows], needs=needs, table=table)


def headline(filters: Filters) -> dict[str, Any]:
    """The few numbers at the top of the page (and of the network view)."""
    row = referrals(filters).aggregate(
        referrals=Count("id"),
        people=Count("person_id", distinct=True),
        open=Count("id", filter=~Q(status__in=(Status.CLOSED, Status.REJECTED))),
    )
    row["connections"] = _connections(filters).count()
    return row
