"""How well matching finds the right services: recall@5 and nDCG@10 on labelled referral narratives.

Builds the demo scheme in a throwaway database (Django's test database for DATABASE_URL: a temporary
SQLite file by default), indexes its directory through the same adapters the app uses, and ranks every case
of bench/matching_cases.json three ways, all behind the same hard filters (age, sex, free, distance, …):

- linkwell: `rank()` with the default Weights;
- bm25: keyword-only BM25 of the referral's own words (no lexicon, no needs);
- embedding: cosine of the referral's words with the service's name + description + eligibility + taxonomy,
  same MiniLM model, nothing tuned (its own vectors: Linkwell's also name the needs a listing helps with).

Prints the mean of each metric with a bootstrap 95% interval over cases, and Linkwell's margin over each
baseline (paired bootstrap), for each set of cases, then for all of them together:

- bench/matching_cases.json: the development set, seen while the ranker was built (labels completed by pooling);
- bench/matching_heldout.json: written blind to the ranker, held out for one revision, then (in the second
  revision of ADR 11) used for development too — no longer held out;
- bench/matching_heldout2.json: written blind afterwards (by an assessor who saw only the directory), labels
  completed by pooling with a second blind assessor, run once with the ranker frozen, then read and used for
  development too;
- bench/matching_heldout3.json: written and pooled the same way, run once with the final ranker, and not used to
  change anything since: the honest figure.

    .venv/bin/python bench/matching.py [--cases FILE ...] [--details]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TEMP_SQLITE = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ.setdefault("LINKWELL_TEST_SQLITE", str(TEMP_SQLITE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwell.settings")

import django  # noqa: E402 — settings must be chosen before Django loads

django.setup()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from linkwell.matching import Query, rank  # noqa: E402
from linkwell.matching.filters import interpret  # noqa: E402
from linkwell.matching.index import MatchIndex  # noqa: E402
from linkwell.matching.rank import _hard_filter  # noqa: E402
from linkwell.matching.text import terms  # noqa: E402

BOOTSTRAP = 2000
SEED = 20261123
METHODS = ("linkwell", "bm25", "embedding")


def _query(case: dict[str, Any], centres: dict[str, tuple[float, float]]) -> Query:
    person = case["person"]
    lat, lng = centres[person["outcode"]]
    return Query(
        text=case["text"],
        needs=frozenset(case.get("needs", [])),
        lat=lat,
        lng=lng,
        outcode=person["outcode"],
        age=person.get("age"),
        sex=person.get("sex"),
        free_only=case.get("free_only", False),
        max_km=case.get("max_km", 8.0),
        remote_ok=case.get("remote_ok", False),
    )


def _order(index: MatchIndex, rows: np.ndarray, scores: np.ndarray, limit: int) -> list[str]:
    ids = [index.docs[int(r)].id for r in rows]  # type: ignore[union-attr]
    ranked = sorted(zip((-np.round(scores, 6)).tolist(), ids, strict=True))
    return [service_id for _, service_id in ranked[:limit]]


_PLAIN: dict[int, np.ndarray] = {}


def plain_vectors(index: MatchIndex) -> np.ndarray:
    """The baseline's service vectors: name + description + eligibility + taxonomy, nothing added (Linkwell's own
    vectors also name the needs a listing helps with)."""
    if id(index) not in _PLAIN:
        texts = [doc.text() if doc is not None else "" for doc in index.docs[: index.n_rows]]
        _PLAIN[id(index)] = index.encoder().encode(texts)
    return _PLAIN[id(index)]


def ranked_ids(method: str, query: Query, index: MatchIndex, limit: int = 10) -> list[str]:
    if method == "linkwell":
        return [m.service.id for m in rank(query, index, limit=limit)]
    found = _hard_filter(query, interpret(query), index)
    if len(found.rows) == 0:
        return []
    if method == "bm25":
        scores = index.bm25.scores(terms(query.text), index.n_rows)[found.rows].astype(np.float64)
    else:
        vector = index.embed_query(query.text)
        scores = (plain_vectors(index)[found.rows] @ vector).astype(np.float64)
    return _order(index, found.rows, scores, limit)


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 5) -> float:
    # Capped at k, so a case with six relevant services can still score 1.
    return len(set(ranked[:k]) & set(grades)) / min(len(grades), k)


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gain = sum((2 ** grades.get(s, 0) - 1) / math.log2(i + 2) for i, s in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def bootstrap(values: np.ndarray, rng: np.random.Generator) -> tuple[float, float, float]:
    samples = rng.integers(0, len(values), size=(BOOTSTRAP, len(values)))
    means = values[samples].mean(axis=1)
    return float(values.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def evaluate(
    cases: list[dict[str, Any]],
    index: MatchIndex,
    centres: dict[str, tuple[float, float]],
    *,
    details: bool,
    with_pooled: bool = False,
) -> None:
    by_name: dict[str, str] = {}
    for doc in index.docs:
        if doc is not None:
            by_name.setdefault(doc.name, doc.id)
    scores: dict[str, dict[str, list[float]]] = {m: {"recall@5": [], "ndcg@10": []} for m in METHODS}
    offered_distractors = 0
    for case in cases:
        missing = [n for n in case["relevant"] if n not in by_name]
        if missing:
            raise SystemExit(f"case {case['id']}: not matchable in the demo directory: {missing}")
        judged = dict(case["relevant"])
        if with_pooled:
            judged |= {n: g for n, g in case.get("pooled", {}).items() if g >= 1 and n not in judged}
        grades = {by_name[n]: g for n, g in judged.items()}
        query = _query(case, centres)
        for method in METHODS:
            ranked = ranked_ids(method, query, index)
            scores[method]["recall@5"].append(recall_at(ranked, grades))
            scores[method]["ndcg@10"].append(ndcg_at(ranked, grades))
            if method == "linkwell":
                top5 = set(ranked[:5])
                hits = [n for n in case.get("distractors", []) if by_name.get(n) in top5]
                offered_distractors += len(hits)
                if details:
                    names = [index.get(i).name for i in ranked[:5]]  # type: ignore[union-attr]
                    print(f"{case['id']:<22} nDCG {scores[method]['ndcg@10'][-1]:.2f}  top5: {names}")
                    if hits:
                        print(f"{'':<22} distractors in the top 5: {hits}")
    rng = np.random.default_rng(SEED)
    print(f"\n{len(cases)} cases, {len(index)} matchable services\n")
    print(f"{'method':<10} {'recall@5':>26} {'nDCG@10':>26}")
    for method in METHODS:
        cells = []
        for metric in ("recall@5", "ndcg@10"):
            mean, lo, hi = bootstrap(np.array(scores[method][metric]), rng)
            cells.append(f"{mean:.3f} [{lo:.3f}, {hi:.3f}]")
        print(f"{method:<10} {cells[0]:>26} {cells[1]:>26}")
    print()
    ours = np.array(scores["linkwell"]["ndcg@10"])
    for baseline in ("embedding", "bm25"):
        mean, lo, hi = bootstrap(ours - np.array(scores[baseline]["ndcg@10"]), rng)
        print(f"nDCG@10 linkwell − {baseline:<9}: {mean:+.3f} [{lo:+.3f}, {hi:+.3f}] (paired bootstrap)")
    print(f"distractors offered in Linkwell's top 5: {offered_distractors} (over all cases)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        nargs="+",
        default=[
            str(ROOT / "bench" / "matching_cases.json"),
            str(ROOT / "bench" / "matching_heldout.json"),
            str(ROOT / "bench" / "matching_heldout2.json"),
            str(ROOT / "bench" / "matching_heldout3.json"),
        ],
    )
    parser.add_argument("--details", action="store_true", help="Print each case's top five")
    args = parser.parse_args()
    sets = [(Path(path).name, json.loads(Path(path).read_text())["cases"]) for path in args.cases]

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from linkwell.demo.builder import build_demo
        from linkwell.demo.places import DISTRICTS
        from linkwell.matching.service import build_index

        scheme = build_demo(people=20)
        index = build_index(scheme)
        centres = {d.outcode: (d.latitude, d.longitude) for d in DISTRICTS}
        for name, cases in sets:
            print(f"\n=== {name} ===")
            evaluate(cases, index, centres, details=args.details)
            if any(case.get("pooled") for case in cases):
                print(f"\n--- {name}, counting every pooled judgement (sensitivity) ---")
                evaluate(cases, index, centres, details=False, with_pooled=True)
        if len(sets) > 1:
            print(f"\n=== all {len(sets)} sets together ===")
            evaluate([case for _, cases in sets for case in cases], index, centres, details=False)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for leftover in TEMP_SQLITE.parent.glob("*"):
            leftover.unlink()
        TEMP_SQLITE.parent.rmdir()


if __name__ == "__main__":
    main()
