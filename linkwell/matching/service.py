"""A match index per scheme, kept in the process and refreshed from the directory as it changes.

The first request for a scheme builds its index from the database (embedding every listing once); later
requests re-read only services whose `updated_at` moved, and drop any that stopped being matchable
(inactive, stale — which happens with time alone — or deleted). Results are checked against the database
once more before they are shown, so a service that closed a moment ago is never offered.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.utils import timezone

from linkwell.accounts.models import Scheme
from linkwell.directory.models import Service

from . import adapters
from .embeddings import Encoder, default_encoder
from .index import MatchIndex
from .models import MatchingSettings
from .rank import rank
from .types import Match, Query, Weights

if TYPE_CHECKING:
    from linkwell.accounts.models import Membership
    from linkwell.referrals.models import Referral

# Tests swap this for a cheap stand-in so they need not load the model.
encoder_factory: Callable[[], Encoder] = default_encoder


@dataclass
class _SchemeIndex:
    index: MatchIndex
    seen_until: dt.datetime | None
    lock: threading.Lock = field(default_factory=threading.Lock)


_indexes: dict[int, _SchemeIndex] = {}
_build_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked match with the directory row it came from."""

    service: Service
    match: Match


def reset() -> None:
    """Forget every cached index (tests, and after a bulk import)."""
    with _build_lock:
        _indexes.clear()


def build_index(scheme: Scheme | int, *, now: dt.datetime | None = None) -> MatchIndex:
    """A fresh index of the scheme's matchable services."""
    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    docs = adapters.service_docs(Service.objects.for_scheme(scheme_id).matchable(now), now=now)
    return MatchIndex.build(docs, encoder=encoder_factory())


def index_for(scheme: Scheme | int, *, now: dt.datetime | None = None) -> MatchIndex:
    """The scheme's index, built on first use and brought up to date with the directory on every call."""
    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    now = now or timezone.now()
    with _build_lock:
        entry = _indexes.get(scheme_id)
        if entry is None:
            every = Service.objects.for_scheme(scheme_id)
            seen = every.order_by("-updated_at").values_list("updated_at", flat=True).first()
            entry = _SchemeIndex(build_index(scheme_id, now=now), seen)
            _indexes[scheme_id] = entry
            return entry.index
    with entry.lock:
        _refresh(scheme_id, entry, now)
    return entry.index


def _refresh(scheme_id: int, entry: _SchemeIndex, now: dt.datetime) -> None:
    every = Service.objects.for_scheme(scheme_id)
    matchable = every.matchable(now)
    wanted = {str(v) for v in matchable.values_list("hsds_id", flat=True)}
    for service_id in [i for i in entry.index.row_of if i not in wanted]:
        entry.index.remove(service_id)
    changed = matchable if entry.seen_until is None else matchable.filter(updated_at__gt=entry.seen_until)
    missing = wanted - set(entry.index.row_of)
    if missing:
        changed = changed | matchable.filter(hsds_id__in=list(missing))
    for doc in adapters.service_docs(changed.distinct(), now=now):
        entry.index.upsert(doc)
    latest = every.order_by("-updated_at").values_list("updated_at", flat=True).first()
    if latest is not None:
        entry.seen_until = latest


def _with_rows(scheme_id: int, matches: list[Match], now: dt.datetime) -> list[Suggestion]:
    """Matches paired with their (still matchable) directory rows, in rank order."""
    ids = [m.service.id for m in matches]
    rows = {
        str(s.hsds_id): s
        for s in Service.objects.for_scheme(scheme_id)
        .matchable(now)
        .filter(hsds_id__in=ids)
        .select_related("provider", "organization")
    }
    return [Suggestion(rows[m.service.id], m) for m in matches if m.service.id in rows]


def weights_for(scheme: Scheme | int) -> Weights:
    """The scheme's matching weights: its own changes over the defaults (the defaults, with a warning in the
    log, if what is stored cannot be used)."""
    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    stored = MatchingSettings.objects.filter(scheme_id=scheme_id).values_list("weights", flat=True).first()
    if not stored:
        return Weights()
    try:
        if not isinstance(stored, dict):
            raise ValueError("not a mapping of weights")
        return Weights.from_dict(stored)
    except (TypeError, ValueError) as error:
        logging.getLogger(__name__).warning(
            "Scheme %s has matching weights that cannot be used (%s); ranking with the defaults", scheme_id, error
        )
        return Weights()


def rank_query(
    scheme: Scheme | int, query: Query, *, limit: int = 10, weights: Weights | None = None
) -> list[Suggestion]:
    """The scheme's best services for a query, best first, only ones still matchable now."""
    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    now = timezone.now()
    if limit <= 0:
        return []
    # Read on every call, so a scheme's new weights apply to its next suggestions (the index holds none).
    weights = weights if weights is not None else weights_for(scheme_id)
    index = index_for(scheme_id, now=now)
    # A few spare results, in case a listing changed between the refresh and the check.
    matches = rank(query, index, weights, limit=limit + 5)
    return _with_rows(scheme_id, matches, now)[:limit]


def suggest_for_referral(membership: Membership, referral: Referral, limit: int = 5) -> list[Suggestion]:
    """Services to suggest to a link worker for a referral (in the membership's own scheme only)."""
    if referral.scheme_id != membership.organisation.scheme_id:
        return []
    return rank_query(referral.scheme_id, adapters.query_for_referral(referral), limit=limit)


def rank_for_text(
    scheme: Scheme | int,
    text: str,
    *,
    lat: float | None = None,
    lng: float | None = None,
    free_only: bool = False,
    limit: int = 20,
    max_km: float | None = None,
) -> list[Suggestion]:
    """Free-text ranking for the public directory search: no person, only words and an optional place."""
    query = Query(text=text, lat=lat, lng=lng, free_only=free_only, remote_ok=True)
    if max_km is not None:
        query = replace(query, max_km=max_km)
    return rank_query(scheme, query, limit=limit)


def answering(
    scheme: Scheme | int,
    query: Query,
    suggestions: list[Suggestion],
    *,
    min_cosine: float = 0.4,
    min_lexical: float = 0.2,
) -> list[Suggestion]:
    """The suggestions that answer the query — about one of its needs, using its words, or close in meaning
    (raw cosine, not the ranker's best-scaled one) — in rank order.

    The ranker orders every service that passes the hard rules; a search a person typed must also be able to
    say "nothing fits", so nonsense words do not list the whole directory. The floors were read off the demo
    directory with all-MiniLM-L6-v2: unrelated texts sit below ~0.25, paraphrases ("guitar" → ukulele) above 0.4.
    """
    from .filters import interpret  # the same reading of the words as the ranker's

    scheme_id = scheme.pk if isinstance(scheme, Scheme) else scheme
    entry = _indexes.get(scheme_id)
    cosines: dict[str, float] = {}
    if entry is not None and suggestions:
        with entry.lock:
            vector = entry.index.embed_query(interpret(query).embed_text or " ")
            for suggestion in suggestions:
                row = entry.index.row_of.get(suggestion.match.service.id)
                if row is not None:
                    cosines[suggestion.match.service.id] = float(entry.index.vectors[row] @ vector)
    return [
        s
        for s in suggestions
        if s.match.components.get("needs", 0.0) > 0
        or s.match.components.get("lexical", 0.0) >= min_lexical
        or cosines.get(s.match.service.id, 0.0) >= min_cosine
    ]
