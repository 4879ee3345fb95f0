from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import numpy as np

from linkwell.matching import Location, Match, MatchIndex, OutcomeStats, Query, ServiceDoc, Session, rank
from linkwell.matching.index import derive

from .fakes import HashingEncoder

TOPICS = [
    "befriending calls for people who feel lonely",
    "free debt advice, help with bills and budgeting",
    "a community choir: singing for wellbeing",
    "gentle walks in the park to get more active",
    "carers' café for unpaid carers",
    "bereavement support group",
    "allotment and gardening club",
    "digital skills drop-in: smartphones and tablets",
]
QUERIES = [
    Query(text="He has been on his own since his wife died", lat=53.80, lng=-1.55, outcode="LW1", age=80, sex="male"),
    Query(text="struggling with money and bills", lat=53.82, lng=-1.50, remote_ok=True, outcode="LW2"),
    Query(text="looks after her mum, needs a break", needs=frozenset({"caring"}), age=55, sex="female"),
    Query(text="would like to get active and meet people", lat=53.79, lng=-1.56, days=frozenset({1, 3})),
]


def _directory(seed: int, count: int) -> list[ServiceDoc]:
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        topic = rng.choice(TOPICS)
        docs.append(
            ServiceDoc(
                id=f"svc-{seed}-{i:04d}",
                name=topic.split(":")[0].split(",")[0].title(),
                description=f"{topic}. Meets at venue {rng.randint(1, 5)}.",
                locations=[Location(53.8 + rng.uniform(-0.05, 0.05), -1.55 + rng.uniform(-0.05, 0.05), "venue")],
                delivery=frozenset(rng.sample(["in_person", "phone", "home_visit"], rng.randint(1, 2))),
                schedules=[Session(rng.randint(0, 6), "10:00", "12:00")],
                is_free=rng.random() < 0.7,
                places_available=rng.choice([None, 0, 3]),
            )
        )
    return docs


def _summary(matches: list[Match]) -> list[tuple[str, float, list[str]]]:
    return [(m.service.id, m.score, m.reasons) for m in matches]


def test_it_ranks_the_same_after_upserts_and_removals_as_a_fresh_build() -> None:
    docs = _directory(1, 60)
    index = MatchIndex.build(docs[:40], encoder=HashingEncoder())
    current = {d.id: d for d in docs[:40]}
    rng = random.Random(7)
    for doc in docs[40:]:
        index.upsert(doc)
        current[doc.id] = doc
    for service_id in rng.sample(sorted(current), 15):
        assert index.remove(service_id)
        del current[service_id]
    for service_id in rng.sample(sorted(current), 10):
        changed = dataclasses.replace(current[service_id], description="Now a bereavement support group.")
        index.upsert(changed)
        current[service_id] = changed
    for service_id in rng.sample(sorted(current), 5):
        closed = dataclasses.replace(current[service_id], active=False)
        index.upsert(closed)
        current[service_id] = closed
    fresh = MatchIndex.build(sorted(current.values(), key=lambda d: d.id), encoder=HashingEncoder())
    assert len(index) == len(fresh) == len(current)
    for query in QUERIES:
        assert _summary(rank(query, index, limit=50)) == _summary(rank(query, fresh, limit=50))


def test_it_re_embeds_a_service_only_when_its_words_change() -> None:
    encoder = HashingEncoder()
    doc = _directory(2, 1)[0]
    index = MatchIndex.build([doc], encoder=encoder)
    encoder.calls.clear()
    index.upsert(dataclasses.replace(doc, places_available=5))
    assert encoder.calls == []
    index.upsert(dataclasses.replace(doc, description="Something else entirely."))
    assert len(encoder.calls) == 1


def test_it_forgets_a_removed_service() -> None:
    docs = _directory(3, 5)
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    assert index.remove(docs[0].id)
    assert not index.remove(docs[0].id)
    assert index.get(docs[0].id) is None
    assert docs[0].id not in {m.service.id for m in rank(Query(), index, limit=10)}


def test_it_ranks_identically_after_saving_and_loading(tmp_path: Path) -> None:
    docs = _directory(4, 80)
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    index.remove(docs[3].id)
    index.save(tmp_path / "index")
    loaded = MatchIndex.load(tmp_path / "index", encoder=HashingEncoder())
    assert len(loaded) == len(index)
    for query in QUERIES:
        assert _summary(rank(query, loaded, limit=20)) == _summary(rank(query, index, limit=20))


def test_it_ranks_deterministically_whatever_the_build_order() -> None:
    docs = _directory(5, 50)
    # Two listings with the same words everywhere: the tie goes to the lower id.
    twin = dataclasses.replace(docs[0], id="aaa-twin")
    shuffled = [*docs, twin]
    random.Random(9).shuffle(shuffled)
    first = MatchIndex.build([*docs, twin], encoder=HashingEncoder())
    second = MatchIndex.build(shuffled, encoder=HashingEncoder())
    for query in QUERIES:
        result = _summary(rank(query, first, limit=60))
        assert result == _summary(rank(query, first, limit=60))
        assert result == _summary(rank(query, second, limit=60))
        ids = [service_id for service_id, _, _ in result]
        if docs[0].id in ids:
            assert ids.index("aaa-twin") == ids.index(docs[0].id) - 1


def test_it_rereads_saved_listings_when_the_reading_rules_have_changed(tmp_path: Path) -> None:
    docs = _directory(6, 30)
    index = MatchIndex.build(docs, encoder=HashingEncoder())
    index.save(tmp_path / "index")
    saved = json.loads((tmp_path / "index.json").read_text())
    saved["reader"] = "older rules"
    for item in saved["documents"][:10]:
        # What older rules might have read, and embedded: other needs named in the embedded words.
        item["facts"]["needs"] = []
        item["facts"]["text_hash"] = "older words"
    (tmp_path / "index.json").write_text(json.dumps(saved))
    vectors = np.load(tmp_path / "index.npz")["vectors"]
    vectors[:10] = 0.0
    np.savez(tmp_path / "index.npz", vectors=vectors)
    encoder = HashingEncoder()
    loaded = MatchIndex.load(tmp_path / "index", encoder=encoder)
    # Only the listings whose embedded words changed were embedded again.
    assert sum(len(texts) for texts in encoder.calls) == 10
    for query in QUERIES:
        assert _summary(rank(query, loaded, limit=20)) == _summary(rank(query, index, limit=20))


def test_a_listing_is_embedded_with_the_needs_it_helps_with() -> None:
    doc = ServiceDoc(id="x", name="Coffee morning", description="Tea, cake and a chat.", needs=["loneliness"])
    assert derive(doc).text == "Coffee morning. Tea, cake and a chat. Helps with: loneliness"


def test_a_service_survives_a_round_trip_through_json() -> None:
    doc = ServiceDoc(
        id="x",
        name="Hub",
        taxonomy_terms=["advice"],
        needs=["debt"],
        min_age=18,
        step_free=None,
        locations=[Location(53.8, -1.5, "hall")],
        delivery=frozenset({"in_person", "phone"}),
        service_area_outcodes=frozenset({"LW1"}),
        schedules=[Session(2, "09:00", "11:00")],
        languages=["Polish"],
        past_outcomes=OutcomeStats(10, 7, 2.5),
        outcomes_by_need={"debt": OutcomeStats(4, 3, None)},
    )
    assert ServiceDoc.from_dict(json.loads(json.dumps(doc.to_dict()))) == doc
    assert set(doc.to_dict()) == {f.name for f in dataclasses.fields(ServiceDoc)}
