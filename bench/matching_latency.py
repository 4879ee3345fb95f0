"""Matching at scale: index build time and rank latency (median, p95) at 1,000 / 10,000 / 100,000 services.

    .venv/bin/python bench/matching_latency.py                 # all three sizes, ~3 minutes on 2 cores
    .venv/bin/python bench/matching_latency.py --sizes 1000 --queries 100
    .venv/bin/python bench/matching_latency.py --full-embed    # embed every synthetic text (100k: ~10 min)

Services are synthetic (seeded templates), spread over a region of towns so that a person has a realistic
number of services within reach; `--dense` puts every service in one city, the worst case for the
vectorised scoring. Rank runs on one thread (BLAS and ONNX Runtime pinned to one), query embedding included.

Embedding 100,000 listings takes minutes, so by default each size embeds at most `--distinct` different texts
with the real model (timed, and extrapolated to the full count in the output) and the synthetic copies reuse
those vectors; the rest of the build (eligibility, needs, BM25, arrays) runs in full.
"""

from __future__ import annotations

import os

# Pin every thread pool before NumPy and ONNX Runtime start: the targets are for one core.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse  # noqa: E402 — after pinning the thread pools
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from linkwell.matching import Location, MatchIndex, OutcomeStats, Query, ServiceDoc, Session, rank  # noqa: E402
from linkwell.matching.embeddings import MiniLM  # noqa: E402

ACTIVITIES = [
    ("Walking group", "gentle walks in the park and countryside to get more active", ["physical_inactivity"]),
    ("Community choir", "singing together, no experience needed, tea afterwards", ["arts", "loneliness"]),
    ("Befriending", "a volunteer visits or phones for a friendly chat every week", ["loneliness"]),
    ("Debt advice", "free confidential help with debts, bills, arrears and budgeting", ["debt"]),
    ("Benefits clinic", "help to claim Universal Credit, PIP and Attendance Allowance", ["benefits"]),
    ("Men's Shed", "a workshop for men to make and mend things and chat", ["loneliness"]),
    ("Carers' café", "a break and a brew for unpaid carers", ["caring"]),
    ("Memory café", "for people living with dementia and their carers", ["long_term_condition", "caring"]),
    (
        "Breathe Easy",
        "for people with COPD and other lung conditions: singing for lung health",
        ["long_term_condition"],
    ),
    ("Bereavement café", "bereavement support group for anyone who has lost a partner", ["bereavement"]),
    ("Allotment project", "growing food together on a community allotment", ["nature", "loneliness"]),
    ("Art club", "painting, drawing and crafts for all abilities", ["arts"]),
    ("Digital drop-in", "help with smartphones, tablets and getting online", ["digital"]),
    ("Food pantry", "low-cost groceries and a community meal", ["food"]),
    ("Job club", "help with CVs, job search and interviews", ["employment"]),
    ("Chair-based exercise", "seated exercise to music for over 60s", ["physical_inactivity"]),
    ("Women's swim", "relaxed women only swimming sessions", ["physical_inactivity"]),
    ("Youth club", "activities for young people aged 11–18", ["loneliness"]),
    ("Talking therapies", "groups for low mood, stress and anxiety", ["low_mood"]),
    ("Housing advice", "advice for tenants facing eviction, damp or rent arrears", ["housing"]),
    ("Recovery café", "peer support for people affected by alcohol or drugs", ["substance_use"]),
    ("Coffee morning", "meet new people over coffee and cake", ["loneliness"]),
    ("Volunteer centre", "volunteering opportunities across the area", ["volunteering"]),
    ("Knit and natter", "knitting, crochet and a good natter", ["arts", "loneliness"]),
]
PLACES = ["Wellbrook", "Oakmere", "Hollins", "Ashby Vale", "Kirkby Moor", "Lowfield", "Marston", "Eastgate"]
VENUES = ["the library", "St Mary's church hall", "the leisure centre", "the community centre", "the park café"]
ADJECTIVES = ["friendly", "relaxed", "welcoming", "small", "lively", "weekly", "volunteer-led"]
REFERRALS = [
    "He's been on his own since his wife died and barely leaves the house",
    "Struggling with money, can't pay the gas bill, very anxious about letters",
    "Looks after her husband who has dementia, exhausted, no time for herself",
    "Recently retired, wants to get more active and meet people",
    "Low mood since losing her job, would like to get back into work",
    "Has COPD, gets breathless, used to love singing",
    "Lonely, housebound after a fall, would like someone to talk to",
    "Young man, 19, anxious, not in work or education, likes computers",
    "Wants to volunteer and feel useful again",
    "Rent arrears and damp flat, landlord threatening eviction",
    "Drinks too much since the divorce, wants to make new friends",
    "Enjoys gardening, lost her husband last year",
]


def synthetic_texts(count: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(name, description, needs) triples, each text different."""
    out = []
    for i in range(count):
        name, blurb, needs = rng.choice(ACTIVITIES)
        place = rng.choice(PLACES)
        out.append(
            (
                f"{place} {name}",
                f"A {rng.choice(ADJECTIVES)} {name.lower()} at {rng.choice(VENUES)} in {place}: {blurb}. Listing {i}.",
                needs,
            )
        )
    return out


def synthetic_docs(
    count: int, texts: list[tuple[str, str, list[str]]], rng: random.Random, dense: bool
) -> list[ServiceDoc]:
    # 300 towns over a 250 km × 250 km region; dense puts everything within 10 km of one point.
    towns = [(53.0 + rng.uniform(0, 2.25), -2.8 + rng.uniform(0, 3.8)) for _ in range(300)]
    outcodes = [f"LW{i}" for i in range(1, 301)]
    docs = []
    for i in range(count):
        name, description, needs = texts[i % len(texts)]
        town = 0 if dense else rng.randrange(len(towns))
        lat, lng = towns[town]
        spread = 0.09 if dense else 0.05
        delivery = {"in_person"}
        roll = rng.random()
        if roll < 0.10:
            delivery = {"phone"}
        elif roll < 0.15:
            delivery = {"online", "phone"}
        elif roll < 0.20:
            delivery = {"home_visit"}
        docs.append(
            ServiceDoc(
                id=f"svc-{i:06d}",
                name=name,
                description=description,
                needs=needs,
                is_free=rng.random() < 0.7,
                cost_text="£3 a session",
                step_free=rng.choice([True, True, False, None]),
                locations=[Location(lat + rng.uniform(-spread, spread), lng + rng.uniform(-spread, spread), "venue")]
                if "in_person" in delivery
                else [],
                delivery=frozenset(delivery),
                service_area_outcodes=frozenset()
                if rng.random() < 0.02
                else frozenset({outcodes[town], outcodes[(town + 1) % len(outcodes)]}),
                schedules=[Session(rng.randrange(7), f"{rng.randint(9, 18):02d}:00", f"{rng.randint(19, 21):02d}:00")],
                places_available=rng.choice([None, 0, 2, 5]),
                waiting_list=rng.choice([None, None, 3]),
                active=rng.random() < 0.97,
                stale=rng.random() < 0.03,
                past_outcomes=OutcomeStats(n := rng.randint(0, 40), rng.randint(0, n), rng.uniform(-1, 4)),
            )
        )
    return docs


def synthetic_queries(count: int, rng: random.Random, dense: bool) -> list[Query]:
    towns_rng = random.Random(1)  # the same towns as the directory (same seed order as synthetic_docs)
    towns = [(53.0 + towns_rng.uniform(0, 2.25), -2.8 + towns_rng.uniform(0, 3.8)) for _ in range(300)]
    out = []
    for _ in range(count):
        town = 0 if dense else rng.randrange(len(towns))
        lat, lng = towns[town]
        age = rng.randint(18, 90)
        out.append(
            Query(
                # Distinct texts, so the index's cache of recent query vectors never helps.
                text=f"{rng.choice(REFERRALS)}. Aged {age}, lives in {rng.choice(PLACES)} ({rng.randint(1, 10**6)}).",
                lat=lat + rng.uniform(-0.03, 0.03),
                lng=lng + rng.uniform(-0.03, 0.03),
                outcode=f"LW{town + 1}",
                age=age,
                sex=rng.choice(["female", "male", None]),
                is_carer=rng.random() < 0.1,
                free_only=rng.random() < 0.3,
                step_free=rng.random() < 0.2,
                days=frozenset(rng.sample(range(7), 3)) if rng.random() < 0.3 else frozenset(),
                max_km=rng.choice([3.0, 5.0, 8.0, 15.0]),
                remote_ok=rng.random() < 0.5,
            )
        )
    return out


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def run(size: int, args: argparse.Namespace, build_encoder: MiniLM, query_encoder: MiniLM) -> None:
    rng = random.Random(size)
    distinct = size if args.full_embed else min(size, args.distinct)
    texts = synthetic_texts(distinct, rng)
    docs = synthetic_docs(size, texts, random.Random(1), args.dense)

    started = time.perf_counter()
    vectors = build_encoder.encode([docs[i].text() for i in range(distinct)])
    embed_seconds = time.perf_counter() - started
    per_text_ms = embed_seconds / distinct * 1000

    started = time.perf_counter()
    index = MatchIndex.build(docs, encoder=query_encoder, vectors=vectors[[i % distinct for i in range(size)]])
    rest_seconds = time.perf_counter() - started

    for query in synthetic_queries(20, random.Random(size + 2), args.dense):
        rank(query, index)  # warm caches (posting arrays) as a long-running web process would have them
    queries = synthetic_queries(args.queries, random.Random(size + 1), args.dense)
    latencies: list[float] = []
    cpu: list[float] = []
    shortlist: list[int] = []
    for query in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        matches = rank(query, index)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        latencies.append((time.perf_counter() - started) * 1000)
        shortlist.append(len(matches))

    changed = [replace(doc, description=doc.description + " Now also on Saturdays.") for doc in docs[:20]]
    started = time.perf_counter()
    for doc in changed:
        index.upsert(doc)
    upsert_ms = (time.perf_counter() - started) / len(changed) * 1000
    started = time.perf_counter()
    for doc in docs[20:40]:
        index.remove(doc.id)
    remove_ms = (time.perf_counter() - started) / 20 * 1000

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        index.save(Path(folder) / "index")
        save_seconds = time.perf_counter() - started
        started = time.perf_counter()
        MatchIndex.load(Path(folder) / "index", encoder=query_encoder)
        load_seconds = time.perf_counter() - started

    embed_note = (
        f"{embed_seconds:.1f} s for all {size:,} texts"
        if distinct == size
        else f"{embed_seconds:.1f} s for {distinct:,} distinct texts, reused; all {size:,} would take "
        f"~{per_text_ms * size / 1000 / 60:.1f} min at {per_text_ms:.1f} ms/text"
    )
    print(f"\n{size:,} services{' (dense: one city)' if args.dense else ''}")
    print(f"  build: embedding {embed_note}; rest of the build {rest_seconds:.1f} s")
    print(
        f"  rank ({len(latencies)} queries, 1 thread, query embedding included): "
        f"CPU median {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 95):.1f} ms; "
        f"wall median {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
        f"median shortlist {statistics.median(shortlist):.0f}"
    )
    print(f"  incremental: upsert with new words {upsert_ms:.1f} ms each, remove {remove_ms:.2f} ms each")
    print(f"  save {save_seconds:.1f} s, load {load_seconds:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--distinct", type=int, default=2_000, help="distinct texts embedded per size")
    parser.add_argument("--full-embed", action="store_true", help="embed every text (slow at 100k)")
    parser.add_argument("--dense", action="store_true", help="all services in one city")
    args = parser.parse_args()
    # Builds may use both cores (a management command); ranking uses one, as in a web process.
    build_encoder = MiniLM(threads=os.cpu_count() or 1, batch_size=64)
    query_encoder = MiniLM(threads=1)
    for size in args.sizes:
        run(size, args, build_encoder, query_encoder)


if __name__ == "__main__":
    main()
