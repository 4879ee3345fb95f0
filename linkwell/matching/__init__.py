"""Matching: the shortlist of services for a person, with reasons. Pure Python: no Django imports here.

    index = MatchIndex.build(docs)            # or MatchIndex.load(path)
    matches = rank(Query(text=..., lat=..., lng=..., age=...), index)

See docs/adr/0011-matching.md.
"""

from .index import MatchIndex
from .rank import rank
from .types import Location, Match, OutcomeStats, Query, ServiceDoc, Session, Weights

__all__ = ["Location", "Match", "MatchIndex", "OutcomeStats", "Query", "ServiceDoc", "Session", "Weights", "rank"]
