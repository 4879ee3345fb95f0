"""The match index: every service as columns of NumPy arrays, so a query filters and scores them all at once.

Each service occupies one row. A changed service is re-indexed in place (`upsert`), a removed one frees its
row for the next new service; the embedding is recomputed only when the service's words change.
`save`/`load` write the documents, what was read from them (terms, needs, eligibility) and their vectors,
so a web process can load an index without running the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from . import eligibility as elig
from .bm25 import BM25
from .embeddings import DIMENSIONS, Encoder, default_encoder
from .lexicon import CONDITIONS, conditions_in, need_label, needs_in_listing
from .text import terms
from .types import ServiceDoc, minutes

FORMAT_VERSION = 2
QUERY_CACHE_SIZE = 256
CONDITION_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(CONDITIONS)}
DELIVERY_BITS: dict[str, int] = {"in_person": 1, "phone": 2, "online": 4, "home_visit": 8}
SEX_CODES: dict[str | None, int] = {None: 0, "female": 1, "male": 2}
NO_MIN_AGE = -1
NO_MAX_AGE = 1000


def condition_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= CONDITION_BITS.get(code, 0)
    return mask


LANGUAGE_BITS: dict[str, int] = {code: 1 << i for i, code in enumerate(elig.GROUP_LANGUAGES)}


def language_mask(codes: Iterable[str]) -> int:
    mask = 0
    for code in codes:
        mask |= LANGUAGE_BITS.get(code, 0)
    return mask


def normalise_language(value: str) -> str:
    low = value.strip().lower()
    return _LANGUAGE_CODES.get(low, low)


_LANGUAGE_CODES = {
    "en": "english",
    "cy": "welsh",
    "pl": "polish",
    "ur": "urdu",
    "pa": "punjabi",
    "bn": "bengali",
    "gu": "gujarati",
    "ar": "arabic",
    "so": "somali",
    "ro": "romanian",
    "lt": "lithuanian",
    "pt": "portuguese",
    "es": "spanish",
    "fr": "french",
    "zh": "chinese",
    "yue": "cantonese",
    "cmn": "mandarin",
    "ta": "tamil",
    "tr": "turkish",
    "ku": "kurdish",
    "fa": "farsi",
    "ps": "pashto",
    "ti": "tigrinya",
    "uk": "ukrainian",
    "ru": "russian",
    "it": "italian",
    "de": "german",
    "hi": "hindi",
    "bsl": "british sign language",
}


def service_text(doc: ServiceDoc) -> str:
    """The text embedded and indexed for a service."""
    return doc.text()


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Derived:
    """Facts the index reads from a document once, when it is added."""

    eligibility: elig.Eligibility
    needs: frozenset[str]
    terms: Counter[str]
    # What is embedded: the listing's words and the needs it helps with, named as a referral's needs are (the
    # query side embeds "… Needs: loneliness, low mood"), so both sides name needs in the same words.
    text: str
    text_hash: str
    # Conditions the listing's words name, restricted to them or not ("Dementia advice clinic"): a service about
    # one condition does not meet the long-term-condition need of someone living with another.
    mentions: frozenset[str] = frozenset()


def embedding_text(text: str, needs: frozenset[str]) -> str:
    if not needs:
        return text
    return f"{text.rstrip('. ')}. Helps with: {', '.join(need_label(n) for n in sorted(needs))}"


def derive(doc: ServiceDoc) -> Derived:
    """Eligibility, needs and terms read from a document's words."""
    text = service_text(doc)
    rule = elig.combine(
        elig.extract(
            " ".join([doc.name, doc.description, doc.eligibility_description]),
            ages_given=doc.min_age is not None or doc.max_age is not None,
        ),
        doc.min_age,
        doc.max_age,
    )
    needs = frozenset(doc.needs) | needs_in_listing(text)
    embedded = embedding_text(text, needs)
    return Derived(rule, needs, Counter(terms(text)), embedded, text_hash(embedded), conditions_in(text))


@lru_cache(maxsize=1)
def _reader_fingerprint() -> str:
    """Changes whenever the reading rules change, so an index saved under older rules is re-read on load."""
    from . import eligibility, lexicon, text

    sources = [inspect.getsource(module) for module in (eligibility, lexicon, text)]
    return hashlib.blake2b("\n".join(sources).encode(), digest_size=8).hexdigest()


def _facts_to_json(facts: Derived) -> dict[str, Any]:
    rule = facts.eligibility
    return {
        "text_hash": facts.text_hash,
        "mentions": sorted(facts.mentions),
        "terms": dict(facts.terms),
        "needs": sorted(facts.needs),
        "eligibility": {
            f.name: sorted(value) if isinstance(value, frozenset) else value
            for f in dataclasses.fields(rule)
            for value in (getattr(rule, f.name),)
        },
    }


def _facts_from_json(doc: ServiceDoc, data: dict[str, Any]) -> Derived:
    # Only read when the reading rules are the ones that wrote it (see `_reader_fingerprint`).
    rule: dict[str, Any] = {
        key: frozenset(value) if isinstance(value, list) else value for key, value in data["eligibility"].items()
    }
    needs = frozenset(data["needs"])
    embedded = embedding_text(service_text(doc), needs)
    return Derived(
        elig.Eligibility(**rule),
        needs,
        Counter(data["terms"]),
        embedded,
        text_hash(embedded),
        frozenset(data["mentions"]),
    )


class _Inverted:
    """key → rows, with NumPy arrays built lazily per key for the query path."""

    def __init__(self) -> None:
        self._rows: dict[str, set[int]] = {}
        self._arrays: dict[str, npt.NDArray[np.intp]] = {}

    def add(self, key: str, row: int) -> None:
        self._rows.setdefault(key, set()).add(row)
        self._arrays.pop(key, None)

    def discard(self, key: str, row: int) -> None:
        rows = self._rows.get(key)
        if rows is None:
            return
        rows.discard(row)
        if not rows:
            del self._rows[key]
        self._arrays.pop(key, None)

    def rows(self, key: str) -> npt.NDArray[np.intp]:
        cached = self._arrays.get(key)
        if cached is None:
            found = self._rows.get(key, set())
            cached = self._arrays[key] = np.fromiter(sorted(found), dtype=np.intp, count=len(found))
        return cached


class _Flat:
    """Many-per-row facts (locations, weekly sessions) as flat arrays with an owning-row column."""

    def __init__(self, names: tuple[str, ...], dtype: type[np.generic]) -> None:
        self.names = names
        self._dtype = dtype
        self.row = np.full(0, -1, dtype=np.intp)
        self.cols: dict[str, npt.NDArray[Any]] = {n: np.zeros(0, dtype=dtype) for n in names}
        self._size = 0
        self._dead = 0
        self._where: dict[int, list[int]] = {}

    def _grow(self, need: int) -> None:
        capacity = max(need, 2 * len(self.row), 1024)
        row = np.full(capacity, -1, dtype=np.intp)
        row[: self._size] = self.row[: self._size]
        self.row = row
        for name, col in self.cols.items():
            grown = np.zeros(capacity, dtype=self._dtype)
            grown[: self._size] = col[: self._size]
            self.cols[name] = grown

    def set_row(self, row: int, entries: list[tuple[float, ...]]) -> None:
        self.clear_row(row)
        if not entries:
            return
        if self._size + len(entries) > len(self.row):
            self._grow(self._size + len(entries))
        positions = list(range(self._size, self._size + len(entries)))
        for position, values in zip(positions, entries, strict=True):
            self.row[position] = row
            for name, value in zip(self.names, values, strict=True):
                self.cols[name][position] = value
        self._size += len(entries)
        self._where[row] = positions

    def clear_row(self, row: int) -> None:
        positions = self._where.pop(row, None)
        if positions:
            self.row[positions] = -1
            self._dead += len(positions)
            if self._dead > 1024 and self._dead * 2 > self._size:
                self._compact()

    def _compact(self) -> None:
        live = np.nonzero(self.row[: self._size] >= 0)[0]
        self.row = self.row[live].copy()
        self.cols = {name: col[live].copy() for name, col in self.cols.items()}
        self._size = len(live)
        self._dead = 0
        self._where = {}
        for position, row in enumerate(self.row.tolist()):
            self._where.setdefault(row, []).append(position)

    def live(self) -> tuple[npt.NDArray[np.intp], dict[str, npt.NDArray[Any]]]:
        """Owning rows and columns of the live entries."""
        size = self._size
        if self._dead == 0:
            return self.row[:size], {n: c[:size] for n, c in self.cols.items()}
        keep = self.row[:size] >= 0
        return self.row[:size][keep], {n: c[:size][keep] for n, c in self.cols.items()}


class MatchIndex:
    """All services of one scheme (or directory) ready to rank; see `linkwell.matching.rank`."""

    def __init__(self, encoder: Encoder | None = None) -> None:
        self._encoder = encoder
        self._query_cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.dimensions = encoder.dimensions if encoder is not None else DIMENSIONS
        self.docs: list[ServiceDoc | None] = []
        self.derived: list[Derived | None] = []
        self.row_of: dict[str, int] = {}
        self._free_rows: list[int] = []
        self.bm25 = BM25()
        self.needs = _Inverted()
        self.areas = _Inverted()
        self.languages = _Inverted()
        self.locations = _Flat(("lat", "lng"), np.float64)
        self.sessions = _Flat(("weekday", "start", "end"), np.int32)
        self._capacity = 0
        self.vectors = np.zeros((0, self.dimensions), dtype=np.float32)
        self.alive = np.zeros(0, dtype=bool)
        self.usable = np.zeros(0, dtype=bool)  # active and not stale
        self.is_free = np.zeros(0, dtype=bool)
        self.step_free = np.zeros(0, dtype=bool)
        self.delivery = np.zeros(0, dtype=np.uint8)
        self.has_locations = np.zeros(0, dtype=bool)
        self.area_any = np.zeros(0, dtype=bool)
        self.has_sessions = np.zeros(0, dtype=bool)
        self.has_languages = np.zeros(0, dtype=bool)
        self.sex = np.zeros(0, dtype=np.int8)
        self.min_age = np.zeros(0, dtype=np.int16)
        self.max_age = np.zeros(0, dtype=np.int16)
        self.conditions = np.zeros(0, dtype=np.int64)
        self.mentions = np.zeros(0, dtype=np.int64)
        self.carers = np.zeros(0, dtype=bool)
        self.carers_only = np.zeros(0, dtype=bool)
        self.bereaved = np.zeros(0, dtype=bool)
        self.parents = np.zeros(0, dtype=bool)
        self.only_languages = np.zeros(0, dtype=np.int64)  # bitmask over eligibility.GROUP_LANGUAGES
        self.suicide = np.zeros(0, dtype=bool)
        self.need_count = np.zeros(0, dtype=np.float32)
        self.places = np.zeros(0, dtype=np.int32)
        self.waiting = np.zeros(0, dtype=np.int32)
        self.outcome_n = np.zeros(0, dtype=np.float64)
        self.outcome_completed = np.zeros(0, dtype=np.float64)
        self.outcome_change = np.zeros(0, dtype=np.float64)  # NaN when unknown

    # -- size ---------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def n_rows(self) -> int:
        return len(self.docs)

    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = default_encoder()
        return self._encoder

    def embed_query(self, text: str) -> npt.NDArray[np.float32]:
        """The query's vector; a link worker re-ranks the same referral as they change filters, so recent
        texts are kept."""
        with self._cache_lock:
            vector = self._query_cache.get(text)
            if vector is not None:
                self._query_cache.move_to_end(text)
                return vector
        vector = self.encoder().encode([text])[0]
        with self._cache_lock:
            self._query_cache[text] = vector
            if len(self._query_cache) > QUERY_CACHE_SIZE:
                self._query_cache.popitem(last=False)
        return vector

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Vectors for several texts (a referral's sentences), the uncached ones encoded in one batch."""
        with self._cache_lock:
            found = {t: self._query_cache[t] for t in texts if t in self._query_cache}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            encoded = self.encoder().encode(missing)
            with self._cache_lock:
                for text, vector in zip(missing, encoded, strict=True):
                    found[text] = vector
                    self._query_cache[text] = vector
                while len(self._query_cache) > QUERY_CACHE_SIZE:
                    self._query_cache.popitem(last=False)
        return np.stack([found[t] for t in texts]) if texts else np.zeros((0, self.dimensions), np.float32)

    def _ensure_capacity(self, rows: int) -> None:
        if rows <= self._capacity:
            return
        capacity = max(rows, 2 * self._capacity, 256)
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray) and len(value) == self._capacity and name != "vectors":
                grown = np.zeros(capacity, dtype=value.dtype)
                grown[: self._capacity] = value
                setattr(self, name, grown)
        vectors = np.zeros((capacity, self.dimensions), dtype=np.float32)
        vectors[: self._capacity] = self.vectors
        self.vectors = vectors
        self._capacity = capacity

    # -- building -----------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        docs: Iterable[ServiceDoc],
        *,
        encoder: Encoder | None = None,
        vectors: npt.NDArray[np.float32] | None = None,
    ) -> MatchIndex:
        """Index every document; texts are embedded in batches (or `vectors` given row-for-row are used)."""
        index = cls(encoder)
        items = list(docs)
        derived = [derive(d) for d in items]
        if vectors is None:
            vectors = index._embed_unique([d.text for d in derived])
        if vectors.shape != (len(items), index.dimensions):
            raise ValueError("vectors must have one row per document")
        for doc, facts, vector in zip(items, derived, vectors, strict=True):
            index._put(doc, facts, vector)
        return index

    def _embed_unique(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed each distinct text once (listings copied across branches share words)."""
        distinct = list(dict.fromkeys(texts))
        encoded = self.encoder().encode(distinct) if distinct else np.zeros((0, self.dimensions), np.float32)
        position = {text: i for i, text in enumerate(distinct)}
        return np.asarray(encoded[[position[t] for t in texts]], dtype=np.float32).reshape(len(texts), -1)

    def upsert(self, doc: ServiceDoc) -> None:
        """Add a service, or re-index it after a change (re-embedding only if its words changed)."""
        facts = derive(doc)
        row = self.row_of.get(doc.id)
        old = self.derived[row] if row is not None else None
        if row is not None and old is not None and old.text_hash == facts.text_hash:
            vector = self.vectors[row].copy()
        else:
            vector = self.encoder().encode([facts.text])[0]
        self._put(doc, facts, vector)

    def remove(self, service_id: str) -> bool:
        """Drop a service; returns whether it was there."""
        row = self.row_of.pop(service_id, None)
        if row is None:
            return False
        self._clear(row)
        self.docs[row] = None
        self.derived[row] = None
        self.alive[row] = False
        self.usable[row] = False
        self._free_rows.append(row)
        return True

    def get(self, service_id: str) -> ServiceDoc | None:
        row = self.row_of.get(service_id)
        return self.docs[row] if row is not None else None

    def _clear(self, row: int) -> None:
        old_doc, old = self.docs[row], self.derived[row]
        if old_doc is None or old is None:
            return
        self.bm25.remove_row(row)
        for need in old.needs:
            self.needs.discard(need, row)
        for code in old_doc.service_area_outcodes:
            self.areas.discard(code, row)
        for language in old_doc.languages:
            self.languages.discard(normalise_language(language), row)
        self.locations.clear_row(row)
        self.sessions.clear_row(row)

    def _put(self, doc: ServiceDoc, facts: Derived, vector: npt.NDArray[np.float32]) -> None:
        row = self.row_of.get(doc.id)
        if row is None:
            if self._free_rows:
                row = self._free_rows.pop()
            else:
                row = len(self.docs)
                self.docs.append(None)
                self.derived.append(None)
                self._ensure_capacity(row + 1)
            self.row_of[doc.id] = row
        else:
            self._clear(row)
        self.docs[row] = doc
        self.derived[row] = facts
        self.vectors[row] = vector
        self.alive[row] = True
        self.usable[row] = doc.active and not doc.stale
        self.is_free[row] = doc.is_free
        self.step_free[row] = doc.step_free is True
        self.delivery[row] = sum(DELIVERY_BITS[m] for m in doc.delivery)
        self.has_locations[row] = bool(doc.locations)
        self.area_any[row] = not doc.service_area_outcodes
        self.has_sessions[row] = bool(doc.schedules)
        self.has_languages[row] = bool(doc.languages)
        rule = facts.eligibility
        self.sex[row] = SEX_CODES[rule.sex]
        self.min_age[row] = NO_MIN_AGE if rule.min_age is None else rule.min_age
        self.max_age[row] = NO_MAX_AGE if rule.max_age is None else rule.max_age
        self.conditions[row] = condition_mask(rule.conditions)
        self.mentions[row] = condition_mask(facts.mentions)
        self.carers[row] = rule.carers
        self.carers_only[row] = rule.carers_only
        self.bereaved[row] = rule.bereaved
        self.parents[row] = rule.parents
        self.only_languages[row] = language_mask(rule.languages)
        self.suicide[row] = rule.suicide
        self.need_count[row] = len(facts.needs)
        self.places[row] = -1 if doc.places_available is None else doc.places_available
        self.waiting[row] = -1 if doc.waiting_list is None else doc.waiting_list
        outcome = doc.past_outcomes
        self.outcome_n[row] = outcome.n_connections if outcome else 0
        self.outcome_completed[row] = outcome.n_completed if outcome else 0
        change = outcome.mean_wellbeing_change if outcome else None
        self.outcome_change[row] = math.nan if change is None else change
        self.bm25.set_row(row, facts.terms)
        for need in facts.needs:
            self.needs.add(need, row)
        for code in doc.service_area_outcodes:
            self.areas.add(code, row)
        for language in doc.languages:
            self.languages.add(normalise_language(language), row)
        self.locations.set_row(row, [(math.radians(loc.lat), math.radians(loc.lng)) for loc in doc.locations])
        self.sessions.set_row(
            row, [(float(s.weekday), float(minutes(s.start)), float(minutes(s.end))) for s in doc.schedules]
        )

    # -- persistence --------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index as `<path>.json` (documents and term counts) and `<path>.npz` (vectors)."""
        base = Path(path)
        ids = sorted(self.row_of)
        rows = [self.row_of[i] for i in ids]
        documents = []
        for row in rows:
            doc, facts = self.docs[row], self.derived[row]
            assert doc is not None and facts is not None
            documents.append({"doc": doc.to_dict(), "facts": _facts_to_json(facts)})
        payload = {
            "format": FORMAT_VERSION,
            "reader": _reader_fingerprint(),
            "dimensions": self.dimensions,
            "documents": documents,
        }
        base.with_suffix(".json").write_text(json.dumps(payload, separators=(",", ":")))
        np.savez(base.with_suffix(".npz"), vectors=self.vectors[rows] if rows else self.vectors[:0])

    @classmethod
    def load(cls, path: str | Path, *, encoder: Encoder | None = None) -> MatchIndex:
        """Read an index written by `save`; the model runs only for listings whose embedded words changed with
        the reading rules since."""
        base = Path(path)
        payload = json.loads(base.with_suffix(".json").read_text())
        if payload.get("format") != FORMAT_VERSION:
            raise ValueError("match index file is from another version: rebuild it")
        with np.load(base.with_suffix(".npz")) as arrays:
            vectors = arrays["vectors"].astype(np.float32)
        index = cls(encoder)
        if payload["dimensions"] != index.dimensions:
            raise ValueError("match index was built with another embedding model: rebuild it")
        same_rules = payload.get("reader") == _reader_fingerprint()
        for item, vector in zip(payload["documents"], vectors, strict=True):
            doc = ServiceDoc.from_dict(item["doc"])
            facts = _facts_from_json(doc, item["facts"]) if same_rules else derive(doc)
            if facts.text_hash != item["facts"]["text_hash"]:
                # Read under newer rules, the listing now names other needs: its vector must follow.
                vector = index.encoder().encode([facts.text])[0]
            index._put(doc, facts, vector)
        return index
