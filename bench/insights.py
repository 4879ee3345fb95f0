"""The main dashboard at scale: N referrals and 5N status events, timed in Linkwell and in DuckDB.

Builds a throwaway database (Django's test database for DATABASE_URL: a temporary SQLite file by default, or
`test_<name>` on PostgreSQL), fills one scheme with synthetic, seeded activity using fast bulk inserts
(executemany on SQLite, COPY on PostgreSQL): N referrals, 5N referral events, about 0.8N contacts, 0.5N
connections and 0.3N attendance records. The bulk load sends no signals, so it then builds the dashboard's
summary rows with `facts.rebuild_facts` (timed and printed on its own). It then times the main dashboard (every
panel's query, the suppression and the SVG charts: `panels.dashboard_tables` + `queries.headline`), which reads
the summary rows, and the same aggregates written as SQL in DuckDB over the raw tables — referrals, events,
contacts, connections, attendance — not over the summary rows (exported from the database to CSV first; the
export and load are not timed), and prints both times and their ratio. The database is dropped at the end.

    .venv/bin/python bench/insights.py                       # 100,000 referrals on SQLite
    .venv/bin/python bench/insights.py --referrals 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5452/linkwell .venv/bin/python bench/insights.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEMP_DIR = Path(tempfile.mkdtemp())
TEMP_SQLITE = TEMP_DIR / "bench.sqlite3"
os.environ.setdefault("LINKWELL_TEST_SQLITE", str(TEMP_SQLITE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")

import django  # noqa: E402 — settings must be chosen before Django loads

django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SEED = 20261123
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAYS = 730
NEEDS = ["loneliness", "low_mood", "debt", "benefits", "housing", "employment", "physical_inactivity", "bereavement"]
SOURCES = ["gp", "gp", "gp", "pharmacy", "council", "nhs_team", "self", "other"]
PATHS: list[tuple[list[str], str]] = [
    (["received", "accepted", "contacted", "assessed", "closed"], "completed"),
    (["received", "accepted", "contacted", "assessed", "closed"], "completed"),
    (["received", "accepted", "contacted", "assessed", "active"], ""),
    (["received", "accepted", "unable_to_contact", "contacted", "assessed"], ""),
    (["received", "accepted", "unable_to_contact", "closed", "reopened"], "could_not_contact"),
    (["received", "accepted", "contacted", "on_hold", "closed"], "declined"),
]
CONNECTION_STATUSES = ["sent", "accepted", "attending", "completed", "completed", "declined", "waitlisted", "stopped"]


def _ts(value: dt.datetime) -> Any:
    # Django stores aware datetimes on SQLite as naive UTC text; PostgreSQL takes them as they are.
    return value.strftime("%Y-%m-%d %H:%M:%S") if connection.vendor == "sqlite" else value


def _constant(field: models.Field[Any, Any]) -> Any:
    """A field's default as the database stores it, for columns the benchmark does not vary."""
    value = field.get_default() if field.has_default() else (None if field.null else "")
    if isinstance(field, models.DateTimeField) and value == "":
        value = START  # auto_now columns have no default of their own
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, dt.datetime):
        return _ts(value)
    if isinstance(value, uuid.UUID):
        return value.hex if connection.vendor == "sqlite" else str(value)
    if isinstance(field, models.BooleanField) and value == "":
        return False
    return value


def bulk_insert(model: type[models.Model], given: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (values for the `given` columns; every other column takes its default) as fast as possible."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.column in given]
    by_column = {str(f.column): f for f in fields}
    others = [f for f in fields if f.column not in given]
    columns = [*given, *(str(f.column) for f in others)]
    constants = tuple(_constant(f) for f in others)
    assert all(column in by_column for column in given), given
    table = model._meta.db_table
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row((*row, *constants))
                    count += 1
        else:
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608 - table and column names come from the models, not from input
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append((*row, *constants))
                if len(batch) >= 50_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def build(n: int) -> dict[str, Any]:
    """The scheme, its people and organisations, then N referrals with their events, casework and connections."""
    from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, Scheme, User
    from linkwell.casework.models import Contact
    from linkwell.connections.models import Attendance, Connection
    from linkwell.directory.models import Attribute, Service, TaxonomyTerm, TermKind
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral, ReferralEvent

    rng = random.Random(SEED)
    scheme = Scheme.objects.create(slug="bench", name="Bench Social Prescribing")
    practices = [
        Organisation.objects.create(scheme=scheme, name=f"Practice {i}", kind=OrganisationKind.GP_PRACTICE)
        for i in range(20)
    ]
    team = Organisation.objects.create(scheme=scheme, name="Link team", kind=OrganisationKind.LINK_WORKER_SERVICE)
    workers = []
    for i in range(15):
        user = User.objects.create(email=f"lw{i}@bench.test", first_name=f"Worker{i}", last_name="Bench")
        workers.append(Membership.objects.create(user=user, organisation=team, role=Role.LINK_WORKER))
    user_id = workers[0].user_id
    providers = [
        Organisation.objects.create(scheme=scheme, name=f"Provider {i}", kind=OrganisationKind.VOLUNTARY_PROVIDER)
        for i in range(40)
    ]
    terms = [
        TaxonomyTerm.objects.create(scheme=scheme, name=name, kind=TermKind.CATEGORY)
        for name in (
            "Physical activity",
            "Arts and creativity",
            "Money advice",
            "Befriending",
            "Mental health",
            "Housing support",
            "Learning",
            "Food",
        )
    ]
    services = []
    for i in range(200):
        service = Service.objects.create(
            scheme=scheme,
            name=f"Service {i}",
            provider=providers[i % len(providers)],
            capacity_available=rng.randint(0, 30),
            waiting_list_length=rng.randint(0, 12),
        )
        Attribute.objects.create(service=service, taxonomy_term=terms[i % len(terms)])
        services.append(service.pk)

    people = max(n // 2, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{Person._meta.db_table}"')  # noqa: S608 - table and column names come from the models, not from input
        person_base = cursor.fetchone()[0]
    bulk_insert(
        Person,
        [
            "id",
            "scheme_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "postcode",
            "sex",
            "ethnic_category",
            "registered_practice_id",
        ],
        (
            (
                person_base + i + 1,
                scheme.pk,
                "Bench",
                f"Person{i}",
                dt.date(1940 + i % 60, 1 + i % 12, 1 + i % 28),
                f"LW{1 + i % 30} {i % 9}AB",
                "12"[i % 2],
                "ABCHMZ"[i % 6],
                practices[i % 20].pk,
            )
            for i in range(people)
        ),
    )

    referral_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    contact_rows: list[tuple[Any, ...]] = []
    connection_rows: list[tuple[Any, ...]] = []
    attendance_rows: list[tuple[Any, ...]] = []
    for i in range(n):
        rid = i + 1
        received = START + dt.timedelta(minutes=rng.randrange(DAYS * 24 * 60))
        path, reason = PATHS[i % len(PATHS)]
        needs = rng.sample(NEEDS, 1 + (i % 3 == 0))
        referral_rows.append(
            (
                rid,
                uuid.uuid4().hex if connection.vendor == "sqlite" else str(uuid.uuid4()),
                scheme.pk,
                person_base + 1 + i % people,
                SOURCES[i % len(SOURCES)],
                "form",
                practices[i % 20].pk,
                json.dumps(needs),
                "Synthetic",
                _ts(received),
                path[-1],
                _ts(received),
                workers[i % len(workers)].pk,
            )
        )
        previous = ""
        for step, status in enumerate(path):
            at = received + dt.timedelta(days=step * rng.randint(1, 6), hours=step)
            event_rows.append((rid, _ts(at), previous, status, reason if status == "closed" else ""))
            previous = status
        if "contacted" in path:
            contact_rows.append(
                (
                    rid,
                    person_base + 1 + i % people,
                    "phone",
                    True,
                    20,
                    _ts(received + dt.timedelta(days=rng.gammavariate(2, 3))),
                    _ts(received),
                    user_id,
                    team.pk,
                )
            )
        if i % 2 == 0 and "assessed" in path:
            status = CONNECTION_STATUSES[rng.randrange(len(CONNECTION_STATUSES))]
            sent = received + dt.timedelta(days=rng.gammavariate(3, 4))
            connection_rows.append(
                (
                    len(connection_rows) + 1,
                    scheme.pk,
                    rid,
                    person_base + 1 + i % people,
                    services[rng.randrange(len(services))],
                    status,
                    "Synthetic",
                    user_id,
                    team.pk,
                    _ts(sent),
                    _ts(sent),
                    _ts(sent + dt.timedelta(days=rng.gammavariate(2, 2))) if status != "sent" else None,
                    "no_capacity" if status == "declined" else "",
                    "person_stopped" if status == "stopped" else "",
                )
            )
            if status in ("attending", "completed"):
                attendance_rows.append(
                    (
                        len(connection_rows),
                        (sent + dt.timedelta(days=7)).date(),
                        rng.choice(["attended", "attended", "late", "did_not_attend"]),
                        user_id,
                        providers[0].pk,
                    )
                )
    bulk_insert(
        Referral,
        [
            "id",
            "uid",
            "scheme_id",
            "person_id",
            "source",
            "channel",
            "referring_organisation_id",
            "needs",
            "reason_text",
            "received_at",
            "status",
            "status_changed_at",
            "assigned_to_id",
        ],
        referral_rows,
    )
    bulk_insert(ReferralEvent, ["referral_id", "at", "from_status", "to_status", "reason"], event_rows)
    bulk_insert(
        Contact,
        [
            "referral_id",
            "person_id",
            "kind",
            "successful",
            "duration_minutes",
            "occurred_at",
            "recorded_at",
            "recorded_by_id",
            "recorded_by_organisation_id",
        ],
        contact_rows,
    )
    bulk_insert(
        Connection,
        [
            "id",
            "scheme_id",
            "referral_id",
            "person_id",
            "service_id",
            "status",
            "why_referred",
            "proposed_by_id",
            "proposed_by_organisation_id",
            "created_at",
            "sent_at",
            "responded_at",
            "decline_reason",
            "stop_reason",
        ],
        connection_rows,
    )
    bulk_insert(
        Attendance,
        ["connection_id", "session_date", "status", "recorded_by_id", "recorded_by_organisation_id"],
        attendance_rows,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "scheme": scheme,
        "build_seconds": time.perf_counter() - started,
        "counts": {
            "referrals": len(referral_rows),
            "events": len(event_rows),
            "contacts": len(contact_rows),
            "connections": len(connection_rows),
            "attendance": len(attendance_rows),
        },
    }


def time_linkwell(scheme_id: int, repeats: int) -> tuple[float, int]:
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    from linkwell.insights import panels, queries

    filters = queries.Filters(scheme_id=scheme_id)
    times = []
    queries_run = 0
    for _ in range(repeats):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            panels.dashboard_tables(filters)
            queries.headline(filters)
            times.append(time.perf_counter() - began)
        queries_run = len(captured)
    return statistics.median(times), queries_run


def time_panels(scheme_id: int) -> None:
    from linkwell.insights import queries

    filters = queries.Filters(scheme_id=scheme_id)
    for name in (
        "referrals_over_time",
        "referrals_by_need",
        "funnel",
        "waiting_times",
        "connections_by_category",
        "providers",
        "capacity",
        "unmet_needs",
        "headline",
    ):
        began = time.perf_counter()
        getattr(queries, name)(filters)
        print(f"  {name}: {time.perf_counter() - began:.3f} s")


TABLES = {
    "referral": "referrals_referral",
    "event": "referrals_referralevent",
    "contact": "casework_contact",
    "conn": "connections_connection",
    "attendance": "connections_attendance",
    "service": "directory_service",
    "attribute": "directory_attribute",
    "term": "directory_taxonomyterm",
    "person": "people_person",
    "org": "accounts_organisation",
}
COLUMNS = {
    "referral": "id, scheme_id, person_id, source, needs, received_at, status, referring_organisation_id",
    "event": "id, referral_id, at, to_status, reason",
    "contact": "referral_id, successful, occurred_at",
    "conn": "id, referral_id, service_id, status, sent_at, created_at, responded_at",
    "attendance": "connection_id, status",
    "service": "id, scheme_id, name, provider_id, status, capacity_available, waiting_list_length",
    "attribute": "service_id, taxonomy_term_id",
    "term": "id, name, kind",
    "person": "id, postcode",
    "org": "id, name",
}


def _naive_utc(value: dt.datetime) -> str:
    # Plain UTC timestamps, as SQLite stores them: DuckDB would otherwise need pytz to hand back zoned values.
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ")


def export_csv() -> dict[str, Path]:
    """Each table DuckDB needs, written from the benchmark database to CSV (DuckDB reads it without network)."""
    paths = {}
    with connection.cursor() as cursor:
        for alias, table in TABLES.items():
            path = TEMP_DIR / f"{alias}.csv"
            cursor.execute(f'SELECT {COLUMNS[alias]} FROM "{table}"')  # noqa: S608 - table and column names come from the models, not from input
            with path.open("w", newline="") as out:
                writer = csv.writer(out)
                writer.writerow([c.strip() for c in COLUMNS[alias].split(",")])
                while batch := cursor.fetchmany(100_000):
                    writer.writerows(
                        [[_naive_utc(v) if isinstance(v, dt.datetime) else v for v in row] for row in batch]
                    )
            paths[alias] = path
    return paths


DUCKDB_QUERIES = {
    "by month and source": """
        SELECT date_trunc('month', received_at) AS month, source, count(*) FROM referral WHERE scheme_id = $scheme
        GROUP BY ALL ORDER BY 1""",
    "by month and need": """
        SELECT date_trunc('month', received_at) AS month, count(*),
            {need_counts}
        FROM referral WHERE scheme_id = $scheme GROUP BY 1 ORDER BY 1""",
    "funnel": """
        WITH flags AS (
            SELECT referral_id,
                bool_or(to_status IN ('accepted','unable_to_contact','contacted','assessed','active','follow_up')) a,
                bool_or(to_status IN ('contacted','assessed','active','follow_up')) c,
                bool_or(to_status IN ('assessed','active','follow_up')) s,
                bool_or(to_status = 'closed' AND reason = 'completed') d,
                bool_or(to_status = 'rejected') r,
                bool_or(to_status = 'unable_to_contact' OR (to_status = 'closed' AND reason = 'could_not_contact')) u
            FROM event GROUP BY referral_id),
        connected AS (SELECT DISTINCT referral_id FROM conn WHERE status IN ('accepted','attending','completed'))
        SELECT count(*), count(*) FILTER (a), count(*) FILTER (c), count(*) FILTER (s),
            count(connected.referral_id), count(*) FILTER (d), count(*) FILTER (r), count(*) FILTER (u)
        FROM referral LEFT JOIN flags ON flags.referral_id = referral.id
        LEFT JOIN connected ON connected.referral_id = referral.id WHERE scheme_id = $scheme""",
    "waits": """
        SELECT count(*), quantile_cont(days, 0.5), quantile_cont(days, 0.9) FROM (
            SELECT date_diff('second', min(referral.received_at), min(contact.occurred_at)) / 86400.0 AS days
            FROM referral JOIN contact ON contact.referral_id = referral.id AND contact.successful
            WHERE scheme_id = $scheme GROUP BY referral.id)
        UNION ALL
        SELECT count(*), quantile_cont(days, 0.5), quantile_cont(days, 0.9) FROM (
            SELECT date_diff('second', min(referral.received_at), min(coalesce(conn.sent_at, conn.created_at)))
                / 86400.0 AS days
            FROM referral JOIN conn ON conn.referral_id = referral.id
            WHERE scheme_id = $scheme GROUP BY referral.id)""",
    "by category": """
        SELECT term.name, count(DISTINCT conn.id) FROM conn JOIN referral ON referral.id = conn.referral_id
        JOIN attribute ON attribute.service_id = conn.service_id JOIN term ON term.id = attribute.taxonomy_term_id
        WHERE scheme_id = $scheme AND term.kind = 'category' GROUP BY ALL""",
    "providers": """
        SELECT coalesce(org.name, service.name), count(*),
            count(*) FILTER (conn.status IN ('accepted','attending','completed')),
            avg(date_diff('second', conn.sent_at, conn.responded_at) / 86400.0)
        FROM conn JOIN referral ON referral.id = conn.referral_id JOIN service ON service.id = conn.service_id
        LEFT JOIN org ON org.id = service.provider_id WHERE referral.scheme_id = $scheme GROUP BY ALL""",
    "attendance": """
        SELECT coalesce(org.name, service.name), count(*), count(*) FILTER (attendance.status IN ('attended','late'))
        FROM attendance JOIN conn ON conn.id = attendance.connection_id JOIN referral ON referral.id = conn.referral_id
        JOIN service ON service.id = conn.service_id LEFT JOIN org ON org.id = service.provider_id
        WHERE referral.scheme_id = $scheme GROUP BY ALL""",
    "capacity": """
        SELECT service.name, capacity_available, waiting_list_length, count(conn.id) FILTER (conn.status = 'waitlisted')
        FROM service LEFT JOIN conn ON conn.service_id = service.id WHERE service.scheme_id = $scheme GROUP BY ALL""",
    "unmet by area": """
        SELECT split_part(person.postcode, ' ', 1) AS area, {need_counts}
        FROM referral JOIN person ON person.id = referral.person_id
        WHERE scheme_id = $scheme AND referral.status IN ('closed', 'rejected') AND NOT EXISTS (
            SELECT 1 FROM conn WHERE conn.referral_id = referral.id
                AND conn.status IN ('accepted','attending','completed'))
        GROUP BY 1""",
    "headline": """
        SELECT count(*), count(DISTINCT person_id), count(*) FILTER (status NOT IN ('closed','rejected')),
            (SELECT count(*) FROM conn JOIN referral r2 ON r2.id = conn.referral_id WHERE r2.scheme_id = $scheme)
        FROM referral WHERE scheme_id = $scheme""",
}


def time_duckdb(paths: dict[str, Path], scheme_id: int, repeats: int) -> float:
    import duckdb

    from linkwell.referrals.models import Need

    db = duckdb.connect()
    for alias, path in paths.items():
        db.execute(f"CREATE TABLE {alias} AS SELECT * FROM read_csv_auto('{path}', header = true)")  # noqa: S608 - table and column names come from the models, not from input
    need_counts = ", ".join(f'count(*) FILTER (needs LIKE \'%"{code}"%\') AS "{code}"' for code in Need.values)
    sql = [query.format(need_counts=need_counts) for query in DUCKDB_QUERIES.values()]
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        for query in sql:
            db.execute(query, {"scheme": scheme_id}).fetchall()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--panels", action="store_true", help="also print each panel's time")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        built = build(args.referrals)
        scheme_id = built["scheme"].pk
        print(f"Database: {connection.vendor}")
        print("Rows: " + ", ".join(f"{name} {count:,}" for name, count in built["counts"].items()))
        print(f"Bulk load: {built['build_seconds']:.1f} s")
        from linkwell.insights.facts import rebuild_facts

        began = time.perf_counter()
        rebuild_facts(scheme_id)
        print(f"Summary rows (rebuild_facts, not part of the dashboard time): {time.perf_counter() - began:.1f} s")
        linkwell_seconds, query_count = time_linkwell(scheme_id, args.repeats)
        if args.panels:
            time_panels(scheme_id)
        print(f"Linkwell main dashboard: {linkwell_seconds:.3f} s ({query_count} queries, median of {args.repeats})")
        paths = export_csv()
        duck_seconds = time_duckdb(paths, scheme_id, args.repeats)
        print(
            f"DuckDB, same aggregates from the raw tables (no summary rows): {duck_seconds:.3f} s "
            f"(median of {args.repeats})"
        )
        print(f"Ratio Linkwell / DuckDB: {linkwell_seconds / duck_seconds:.1f}x")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for leftover in TEMP_DIR.glob("*"):
            leftover.unlink()
        TEMP_DIR.rmdir()


if __name__ == "__main__":
    main()
