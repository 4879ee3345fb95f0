"""The dashboard's summary rows (`ReferralFact`, `ConnectionFact`): computed from the source tables, kept current.

`refresh_facts(referral_ids)` rewrites the rows of some referrals (and of their connections) with set-based
SQL: one DELETE and one INSERT … SELECT per table, whatever the number of ids. The signal handlers below call
it after every save of a referral, a referral event, a contact, a connection, an attendance record or a person,
inside the writer's transaction, so the figures change when the data does. The dependency points one way:
insights listens to the other apps, which never import insights.

Writes that bypass `Model.save()` — `QuerySet.update()`, `bulk_create()`, raw SQL, bulk loads — send no
signals: call `refresh_facts` for what they touched, or `rebuild_facts()` (the demo builder and the benchmark
do; `linkwell rebuild-insights` does it by hand).

Column meanings (documented once, here and in docs/adr/0014-insights-facts.md):
- `needs` is a bitmask: bit i is set when the referral names `NEED_ORDER[i]` (the order of `referrals.Need`;
  new needs must be added at the end, or the facts rebuilt).
- `month` is the month of receipt in settings.TIME_ZONE as yyyymm, worked out from month boundaries computed
  in Python (SQLite has no time zones) and compared with the stored UTC timestamps.
- The stage flags follow the funnel's definitions: a referral "reached" a stage if any event moved it there
  or to a later stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from linkwell.casework.models import Contact
from linkwell.connections.models import Attendance, AttendanceStatus, Connection, ConnectionStatus
from linkwell.people.models import Person
from linkwell.referrals.models import ClosureReason, Need, Referral, ReferralEvent, Status

from .models import ConnectionFact, ReferralFact

NEED_ORDER: tuple[str, ...] = tuple(Need.values)
NEED_BITS: dict[str, int] = {code: 1 << index for index, code in enumerate(NEED_ORDER)}

_CONTACTED_OR_LATER = (Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP)
_ASSESSED_OR_LATER = (Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP)
_ACCEPTED_OR_LATER = (Status.ACCEPTED, Status.UNABLE_TO_CONTACT, *_CONTACTED_OR_LATER)
CONNECTED_STATUSES = (ConnectionStatus.ACCEPTED, ConnectionStatus.ATTENDING, ConnectionStatus.COMPLETED)
FINISHED_STATUSES = (Status.CLOSED, Status.REJECTED)
PRESENT_STATUSES = (AttendanceStatus.ATTENDED, AttendanceStatus.LATE)

REBUILD_CHUNK = 200_000  # referral ids per INSERT … SELECT when rebuilding

_FACT_COLUMNS = (
    "referral_id",
    "scheme_id",
    "person_id",
    "referring_organisation_id",
    "assigned_to_id",
    "received_at",
    "month",
    "source",
    "needs",
    "status",
    "accepted",
    "contacted",
    "assessed",
    "completed",
    "rejected",
    "could_not_contact",
    "connected",
    "ended_unmet",
    "days_to_first_contact",
    "days_to_first_connection",
    "district",
)
_CONNECTION_COLUMNS = (
    "connection_id",
    "referral_id",
    "scheme_id",
    "referring_organisation_id",
    "assigned_to_id",
    "received_at",
    "needs",
    "service_id",
    "status",
    "response_days",
    "sessions",
    "present",
)


def _in(values: Iterable[str]) -> str:
    # Status codes are fixed identifiers from the models' choices, never input: safe to write into SQL.
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _days(end: str, start: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision) / 86400.0)"
    return f"(julianday({end}) - julianday({start}))"


def _any(condition: str) -> str:
    """An aggregate: true if the condition holds for any row of the group."""
    if connection.vendor == "postgresql":
        return f"bool_or({condition})"
    return f"MAX({condition})"


def _needs_mask() -> tuple[str, list[Any]]:
    # `needs` is a JSON list of codes: jsonb containment on PostgreSQL; on SQLite the quoted code in the JSON text
    # (codes are plain words, so a quoted code can match only itself) — the same tests the old queries made.
    parts, params = [], []
    for code, bit in NEED_BITS.items():
        if connection.vendor == "postgresql":
            parts.append(f"CASE WHEN r.needs @> %s::jsonb THEN {bit} ELSE 0 END")
            params.append(f'["{code}"]')
        else:
            parts.append(f"CASE WHEN r.needs LIKE %s THEN {bit} ELSE 0 END")
            params.append(f'%"{code}"%')
    return "(" + " + ".join(parts) + ")", params


def _month_boundaries(first: dt.datetime, last: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """(start of the following month as an aware datetime, yyyymm) for each local month from first to last."""
    zone = timezone.get_default_timezone()
    first, last = first.astimezone(zone), last.astimezone(zone)
    month = dt.date(first.year, first.month, 1)
    out = []
    while month <= last.date():
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        out.append((dt.datetime.combine(following, dt.time.min, tzinfo=zone), month.year * 100 + month.month))
        month = following
    return out


def _month_case(first: dt.datetime | None, last: dt.datetime | None) -> tuple[str, list[Any]]:
    if first is None or last is None:
        return "0", []
    bounds = _month_boundaries(first, last)
    whens = " ".join(f"WHEN r.received_at < %s THEN {yyyymm}" for _, yyyymm in bounds)
    params = [connection.ops.adapt_datetimefield_value(end) for end, _ in bounds]
    return f"CASE {whens} ELSE {bounds[-1][1]} END", params


def _district() -> str:
    position = "strpos(p.postcode, ' ')" if connection.vendor == "postgresql" else "instr(p.postcode, ' ')"
    return f"CASE WHEN {position} > 0 THEN substr(p.postcode, 1, {position} - 1) ELSE '' END"


def _insert_referral_facts(where: str, params: Sequence[Any], span: tuple[Any, Any]) -> None:
    """INSERT … SELECT the facts of the referrals `r` matching `where` (which may use only the alias r)."""
    month_sql, month_params = _month_case(*span)
    needs_sql, needs_params = _needs_mask()
    selected = f"SELECT r.id FROM {_table(Referral)} r WHERE {where}"  # noqa: S608 - fragments are built here, values are parameters
    closed = f"'{Status.CLOSED}'"
    flags = {
        "accepted": f"to_status IN {_in(_ACCEPTED_OR_LATER)}",
        "contacted": f"to_status IN {_in(_CONTACTED_OR_LATER)}",
        "assessed": f"to_status IN {_in(_ASSESSED_OR_LATER)}",
        "completed": f"to_status = {closed} AND reason = '{ClosureReason.COMPLETED}'",
        "rejected": f"to_status = '{Status.REJECTED}'",
        "could_not_contact": (
            f"to_status = '{Status.UNABLE_TO_CONTACT}' "
            f"OR (to_status = {closed} AND reason = '{ClosureReason.COULD_NOT_CONTACT}')"
        ),
    }
    event_flags = ", ".join(f"{_any(condition)} AS {name}" for name, condition in flags.items())
    sql = f"""
        INSERT INTO {_table(ReferralFact)} ({", ".join(_FACT_COLUMNS)})
        SELECT r.id, r.scheme_id, r.person_id, r.referring_organisation_id, r.assigned_to_id, r.received_at,
            {month_sql}, r.source, {needs_sql}, r.status,
            {", ".join(f"COALESCE(e.{name}, FALSE)" for name in flags)},
            COALESCE(cn.connected, FALSE),
            r.status IN {_in(FINISHED_STATUSES)} AND NOT COALESCE(cn.connected, FALSE),
            ROUND({_days("c.first_at", "r.received_at")} * 100) / 100.0,
            ROUND({_days("cn.first_at", "r.received_at")} * 100) / 100.0,
            {_district()}
        FROM {_table(Referral)} r
        JOIN {_table(Person)} p ON p.id = r.person_id
        LEFT JOIN (
            SELECT referral_id, {event_flags} FROM {_table(ReferralEvent)}
            WHERE referral_id IN ({selected}) GROUP BY referral_id
        ) e ON e.referral_id = r.id
        LEFT JOIN (
            SELECT referral_id, MIN(occurred_at) AS first_at FROM {_table(Contact)}
            WHERE successful AND referral_id IN ({selected}) GROUP BY referral_id
        ) c ON c.referral_id = r.id
        LEFT JOIN (
            SELECT referral_id, MIN(COALESCE(sent_at, created_at)) AS first_at,
                {_any(f"status IN {_in(CONNECTED_STATUSES)}")} AS connected
            FROM {_table(Connection)} WHERE referral_id IN ({selected}) GROUP BY referral_id
        ) cn ON cn.referral_id = r.id
        WHERE {where}
    """  # noqa: S608 - fragments are built here from model metadata and choices; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*month_params, *needs_params, *params, *params, *params, *params])


def _insert_connection_facts(where: str, params: Sequence[Any]) -> None:
    """INSERT … SELECT the connection facts of the referrals `r` matching `where` (after their referral facts)."""
    selected = (
        f"SELECT c2.id FROM {_table(Connection)} c2 "  # noqa: S608 - fragments are built here, values are parameters
        f"JOIN {_table(Referral)} r ON r.id = c2.referral_id WHERE {where}"
    )
    sql = f"""
        INSERT INTO {_table(ConnectionFact)} ({", ".join(_CONNECTION_COLUMNS)})
        SELECT c.id, c.referral_id, r.scheme_id, r.referring_organisation_id, r.assigned_to_id, r.received_at,
            f.needs, c.service_id, c.status,
            CASE WHEN c.responded_at IS NOT NULL AND c.sent_at IS NOT NULL
                THEN {_days("c.responded_at", "c.sent_at")} END,
            COALESCE(a.sessions, 0), COALESCE(a.present, 0)
        FROM {_table(Connection)} c
        JOIN {_table(Referral)} r ON r.id = c.referral_id
        JOIN {_table(ReferralFact)} f ON f.referral_id = c.referral_id
        LEFT JOIN (
            SELECT connection_id, COUNT(*) AS sessions,
                SUM(CASE WHEN status IN {_in(PRESENT_STATUSES)} THEN 1 ELSE 0 END) AS present
            FROM {_table(Attendance)} WHERE connection_id IN ({selected}) GROUP BY connection_id
        ) a ON a.connection_id = c.id
        WHERE {where}
    """  # noqa: S608 - fragments are built here from model metadata and choices; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])


def refresh_facts(referral_ids: Iterable[int]) -> None:
    """Recompute the summary rows of these referrals and of their connections (set-based, 1 or many ids)."""
    ids = sorted({int(i) for i in referral_ids if i is not None})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {_table(ConnectionFact)} WHERE referral_id IN ({marks})", chunk)  # noqa: S608
            cursor.execute(f"DELETE FROM {_table(ReferralFact)} WHERE referral_id IN ({marks})", chunk)  # noqa: S608
            span = Referral.objects.filter(pk__in=chunk).aggregate(first=Min("received_at"), last=Max("received_at"))
            if span["first"] is None:
                continue
            _insert_referral_facts(f"r.id IN ({marks})", chunk, (span["first"], span["last"]))
            _insert_connection_facts(f"r.id IN ({marks})", chunk)


def rebuild_facts(scheme_id: int | None = None, *, chunk: int = REBUILD_CHUNK) -> int:
    """Recompute every summary row (of one scheme, or of all), in chunks of referral ids. Returns the count."""
    referrals = Referral.objects.all() if scheme_id is None else Referral.objects.filter(scheme_id=scheme_id)
    span = referrals.aggregate(low=Min("id"), high=Max("id"), first=Min("received_at"), last=Max("received_at"))
    if connection.vendor == "postgresql":
        # Fresh statistics first: after a bulk load PostgreSQL may still think the source tables are nearly empty
        # and recompute the grouped subqueries once per referral (minutes instead of seconds).
        with connection.cursor() as cursor:
            for source in (Referral, ReferralEvent, Contact, Connection, Attendance, Person):
                cursor.execute(f"ANALYZE {_table(source)}")
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model in (ConnectionFact, ReferralFact):
                if scheme_id is None:
                    cursor.execute(f"DELETE FROM {_table(model)}")  # noqa: S608 - table name from the model
                else:
                    cursor.execute(f"DELETE FROM {_table(model)} WHERE scheme_id = %s", [scheme_id])  # noqa: S608
        if span["low"] is not None:
            for low in range(span["low"], span["high"] + 1, chunk):
                where = "r.id BETWEEN %s AND %s"
                params: list[Any] = [low, low + chunk - 1]
                if scheme_id is not None:
                    where += " AND r.scheme_id = %s"
                    params.append(scheme_id)
                _insert_referral_facts(where, params, (span["first"], span["last"]))
                _insert_connection_facts(where, params)
    with connection.cursor() as cursor:
        for model in (ReferralFact, ConnectionFact):
            cursor.execute(f"ANALYZE {_table(model)}")
    return ReferralFact.objects.filter(**({} if scheme_id is None else {"scheme_id": scheme_id})).count()


# --- Keeping the facts current -------------------------------------------------------------------------------


def _on_referral(sender: Any, instance: Referral, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_facts([instance.pk])


def _on_referral_child(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # A referral event, a contact or a connection: each carries its referral.
    if not raw:
        refresh_facts([instance.referral_id])


def _on_attendance(sender: Any, instance: Attendance, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_facts(Connection.objects.filter(pk=instance.connection_id).values_list("referral_id", flat=True))


def _on_person(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if raw or kwargs.get("created") or (fields is not None and "postcode" not in fields):
        return  # only the postcode district is copied from the person, and a new person has no referrals yet
    refresh_facts(Referral.objects.filter(person_id=instance.pk).values_list("id", flat=True))


def connect_signals() -> None:
    """Called once from InsightsConfig.ready()."""
    post_save.connect(_on_referral, sender=Referral, dispatch_uid="insights_facts_referral")
    for model in (ReferralEvent, Contact, Connection):
        post_save.connect(_on_referral_child, sender=model, dispatch_uid=f"insights_facts_{model.__name__}")
        post_delete.connect(_on_referral_child, sender=model, dispatch_uid=f"insights_facts_del_{model.__name__}")
    post_save.connect(_on_attendance, sender=Attendance, dispatch_uid="insights_facts_attendance")
    post_delete.connect(_on_attendance, sender=Attendance, dispatch_uid="insights_facts_del_attendance")
    post_save.connect(_on_person, sender=Person, dispatch_uid="insights_facts_person")
