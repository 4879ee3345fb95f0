"""Public directory search latency at 10,000 and 100,000 services.

Builds a throwaway database (Django's test database for DATABASE_URL: a temporary SQLite file by default,
or `test_<name>` on PostgreSQL), fills one scheme with synthetic, seeded listings spread over a county-sized
area, runs ~100 varied searches through `search_services` (words, postcode + distance, category, day,
free, step-free, pages) and prints the median and 95th percentile in milliseconds. The database is
dropped at the end.

    .venv/bin/python bench/directory_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5446/linkwell .venv/bin/python bench/directory_search.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEMP_SQLITE = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ.setdefault("LINKWELL_TEST_SQLITE", str(TEMP_SQLITE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")

import django  # noqa: E402 — settings must be chosen before Django loads

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
SEARCHES = 100
SEED = 20261123
CENTRE = (53.2, -1.45)
SPREAD = 0.3  # degrees of latitude either side: about 65 km north to south

ACTIVITIES = [
    "walking",
    "choir",
    "singing",
    "gardening",
    "allotment",
    "befriending",
    "lunch club",
    "coffee morning",
    "art",
    "pottery",
    "knitting",
    "yoga",
    "pilates",
    "swimming",
    "football",
    "cricket",
    "bowls",
    "tai chi",
    "debt advice",
    "benefits advice",
    "foodbank",
    "pantry",
    "job club",
    "digital skills",
    "reading group",
    "bereavement support",
    "carers café",
    "memory café",
    "recovery café",
    "peer support",
    "men's shed",
    "volunteering",
    "conservation",
    "cooking",
    "English conversation",
    "chess",
    "quiz",
    "dance",
    "fishing",
]
PLACES = ["Millfield", "Parkside", "Hollins", "Kelby", "Oakmere", "Ashby", "Thornton", "Harrow", "Brook", "Lea"]
FLAVOURS = ["friendly", "gentle", "weekly", "community", "village", "evening", "morning", "beginners", "over 50s"]
DESCRIBE = [
    "A {f} {a} group for anyone who wants to meet people and try something new.",
    "Come along to our {f} {a} sessions. Tea and biscuits afterwards; no experience needed.",
    "{A} for adults, led by trained volunteers. A good way to get out of the house and feel part of things.",
    "Small, supported {a} group for people with low mood or anxiety, run with a local charity.",
    "Drop in for {a} and a chat. Everyone welcome, whatever your age or ability.",
]
STEP_FREE = ["Step-free entrance and an accessible toilet.", "Wheelchair accessible.", "Level access throughout."]
NOT_STEP_FREE = ["Three steps at the entrance.", "First floor, no lift.", "Uneven paths."]
SEARCH_WORDS = ["walking", "choir", "advice", "café", "group", "garden", "swim", "shed", "yoga", "friendly", ""]


def populate(scheme: Any, start: int, count: int, rng: random.Random, terms: list[Any]) -> None:
    from linkwell.directory.models import (
        Accessibility,
        Attribute,
        CostOption,
        Frequency,
        Location,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
    )

    batch = 5_000
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        locations = [
            Location(
                scheme=scheme,
                name=f"{rng.choice(PLACES)} {rng.choice(['Hall', 'Centre', 'Library', 'Church', 'Pavilion'])}",
                latitude=CENTRE[0] + rng.uniform(-SPREAD, SPREAD),
                longitude=CENTRE[1] + rng.uniform(-SPREAD * 1.6, SPREAD * 1.6),
            )
            for _ in range(size // 3)
        ]
        Location.objects.bulk_create(locations, batch_size=2_000)
        Accessibility.objects.bulk_create(
            [
                Accessibility(location=loc, description=rng.choice(STEP_FREE if rng.random() < 0.6 else NOT_STEP_FREE))
                for loc in locations
            ],
            batch_size=2_000,
        )
        services = []
        for i in range(size):
            activity = rng.choice(ACTIVITIES)
            flavour = rng.choice(FLAVOURS)
            services.append(
                Service(
                    scheme=scheme,
                    name=f"{rng.choice(PLACES)} {flavour} {activity} {start + offset + i}",
                    description=rng.choice(DESCRIBE).format(a=activity, A=activity.capitalize(), f=flavour),
                    eligibility_description=rng.choice(["", "Adults", "Over 50s", "Carers", "Women only"]),
                    fees=rng.choice(["", "", "", "£3 per session"]),
                )
            )
        Service.objects.bulk_create(services, batch_size=2_000)
        placed = [rng.random() < 0.85 for _ in services]
        ServiceAtLocation.objects.bulk_create(
            [
                ServiceAtLocation(scheme=scheme, service=s, location=rng.choice(locations))
                for s, here in zip(services, placed, strict=True)
                if here
            ],
            batch_size=2_000,
        )
        ServiceArea.objects.bulk_create(
            [ServiceArea(service=s, name="The county") for s, here in zip(services, placed, strict=True) if not here],
            batch_size=2_000,
        )
        Schedule.objects.bulk_create(
            [
                Schedule(
                    service=s,
                    freq=Frequency.WEEKLY if rng.random() < 0.8 else Frequency.MONTHLY,
                    byday=rng.choice(days),
                    opens_at=f"{rng.randint(9, 19)}:00",
                )
                for s in services
            ],
            batch_size=2_000,
        )
        CostOption.objects.bulk_create(
            [CostOption(service=s, amount=Decimal(rng.choice(["0", "0", "2", "4.50"]))) for s in services],
            batch_size=2_000,
        )
        Attribute.objects.bulk_create(
            [Attribute(service=s, taxonomy_term=t) for s in services for t in rng.sample(terms, 2)],
            batch_size=5_000,
        )


def make_postcodes(rng: random.Random) -> list[str]:
    from linkwell.places.models import Postcode

    codes = []
    for i in range(60):
        code = f"LW{i % 9 + 1} {i % 9 + 1}{'ABDEFGHJLNPQRSTUWXYZ'[i % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[(i * 7) % 20]}"
        Postcode.objects.get_or_create(
            postcode=code,
            defaults={
                "outcode": code.split()[0],
                "latitude": CENTRE[0] + rng.uniform(-SPREAD, SPREAD),
                "longitude": CENTRE[1] + rng.uniform(-SPREAD, SPREAD),
                "is_demo": True,
            },
        )
        codes.append(code)
    return codes


def queries(rng: random.Random, postcodes: list[str], categories: list[str]) -> list[dict[str, Any]]:
    days = ["", "", "", "MO", "TU", "WE", "TH", "FR", "SA"]
    searches = []
    for i in range(SEARCHES):
        kind = i % 5
        args: dict[str, Any] = {"words": rng.choice(SEARCH_WORDS)}
        if kind in (0, 1, 2):
            args["postcode"] = rng.choice(postcodes)
            args["max_km"] = rng.choice([1.0, 2.0, 5.0, 10.0, 25.0])
        if kind in (1, 3):
            args["category_codes"] = [rng.choice(categories)]
        if kind == 2:
            args["weekday"] = rng.choice(days[3:])
        if rng.random() < 0.3:
            args["free_only"] = True
        if rng.random() < 0.2:
            args["step_free"] = True
        if rng.random() < 0.15:
            args["page"] = 2
        searches.append(args)
    return searches


def run(scheme: Any, searches: list[dict[str, Any]]) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU time per search, in ms. On SQLite the database works inside this
    process, so CPU time is the search's own cost even when other programs load the machine."""
    from linkwell.directory.search import search_services

    timings, cpu = [], []
    search_services(scheme, words="warm up")
    for args in searches:
        started, started_cpu = time.perf_counter(), time.process_time()
        found = search_services(scheme, **args)
        _ = [(r.service.name, r.distance_km, list(r.service.schedules.all())) for r in found.results]
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return timings, cpu


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from linkwell.accounts.models import Scheme
        from linkwell.directory.models import TaxonomyTerm

        rng = random.Random(SEED)
        scheme = Scheme.objects.create(slug="bench", name="Bench")
        terms = list(TaxonomyTerm.objects.linkwell())
        categories = sorted({t.code for t in terms if t.kind == "category"})
        postcodes = make_postcodes(rng)
        searches = queries(random.Random(SEED + 1), postcodes, categories)
        made = 0
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        for size in SIZES:
            started = time.perf_counter()
            populate(scheme, made, size - made, rng, terms)
            made = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            built = time.perf_counter() - started
            timings, cpu = run(scheme, searches)
            p95 = statistics.quantiles(timings, n=20)[-1]
            cpu_p95 = statistics.quantiles(cpu, n=20)[-1]
            print(
                f"{size:>7,} services: median {statistics.median(timings):6.1f} ms, p95 {p95:6.1f} ms,"
                f" max {max(timings):6.1f} ms  ({len(timings)} searches; data built in {built:.0f} s)\n"
                f"{'':>17} in-process CPU: median {statistics.median(cpu):6.1f} ms, p95 {cpu_p95:6.1f} ms;"
                f" load average {os.getloadavg()[0]:.1f}"
            )
            if connection.vendor == "postgresql":
                # PostgreSQL's JIT compiles these plans for ~0.5 s each (their estimated cost is high); most
                # OLTP deployments turn it off. Show both so the setting's effect is on record.
                with connection.cursor() as cursor:
                    cursor.execute("SET jit = off")
                no_jit, _ = run(scheme, searches)
                with connection.cursor() as cursor:
                    cursor.execute("RESET jit")
                print(
                    f"{'':>17} with jit=off: median {statistics.median(no_jit):6.1f} ms,"
                    f" p95 {statistics.quantiles(no_jit, n=20)[-1]:6.1f} ms, max {max(no_jit):6.1f} ms"
                )
            slowest = sorted(zip(timings, searches, strict=True), key=lambda pair: -pair[0])[:3]
            for ms, args in slowest:
                print(f"    slow: {ms:6.1f} ms {args}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for leftover in TEMP_SQLITE.parent.glob("*"):
            leftover.unlink()
        TEMP_SQLITE.parent.rmdir()


if __name__ == "__main__":
    main()
