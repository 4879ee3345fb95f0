"""rank(query, index) -> the shortlist: hard rules first, then a weighted sum of explainable components.

Every component is scaled to 0–1 over the services that pass the hard rules:

- semantic: cosine of the referral (plus its needs) with the service's embedding, divided by the best;
- lexical: BM25 of the referral's words and its needs' usual listing words, divided by the best;
- needs: the share of the person's needs that the service is about;
- eligibility: 1 when the service is made for someone like this person (men's group for a man, …);
- distance: exp(-km / scale) in person, a fixed value for phone/online/home-visit reach;
- capacity: places free > unknown > waiting list (longer is worse) > full;
- outcomes: completion and wellbeing change of past connections (for the person's needs when known),
  shrunk toward the scheme's mean, counted only once the scheme has enough history.

The score is the weighted mean of the components, rounded to 6 places; ties go to the lower id.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import reasons
from .eligibility import ADULT_AGE, YOUNG_PEOPLE_MAX_AGE, Person
from .filters import EARTH_RADIUS_KM, Reading, haversine_km, interpret
from .index import NO_MAX_AGE, NO_MIN_AGE, SEX_CODES, MatchIndex, condition_mask, language_mask
from .types import Match, OutcomeStats, Query, ServiceDoc, Weights, minutes

COMPONENTS = ("semantic", "lexical", "needs", "eligibility", "distance", "capacity", "outcomes")
_IN_PERSON, _REMOTE, _HOME = 1, 2 | 4, 8


@dataclass(frozen=True, slots=True)
class _Filtered:
    rows: npt.NDArray[np.intp]
    distance: npt.NDArray[np.float64]  # km to the nearest place, inf when unknown
    in_person: npt.NDArray[np.bool_]


def _hard_filter(query: Query, reading: Reading, index: MatchIndex) -> _Filtered:
    n = index.n_rows
    person = reading.person
    ok = index.usable[:n].copy()
    if person.age is not None:
        ok &= (index.min_age[:n] <= person.age) & (index.max_age[:n] >= person.age)
    elif person.adult:
        ok &= index.max_age[:n] >= ADULT_AGE
    if person.sex is not None:
        ok &= (index.sex[:n] == 0) | (index.sex[:n] == SEX_CODES[person.sex])
    restricted = index.conditions[:n] != 0
    ok &= ~restricted | _condition_admits(index, person, n)
    if not person.is_carer:
        ok &= ~(index.carers[:n] & ~restricted)
    if not person.bereaved:
        ok &= ~index.bereaved[:n]
    if not person.young_child:
        ok &= ~index.parents[:n]
    if not person.suicide_bereaved:
        ok &= ~index.suicide[:n]
    only = index.only_languages[:n]
    ok &= (only == 0) | ((only & language_mask(person.languages)) != 0)
    if query.free_only:
        ok &= index.is_free[:n]
    if reading.language:
        speaks = np.zeros(n, dtype=bool)
        speaks[index.languages.rows(reading.language)] = True
        ok &= speaks
    if query.days or query.times:
        session_rows, cols = index.sessions.live()
        fits = np.ones(len(session_rows), dtype=bool)
        if query.days:
            fits &= np.isin(cols["weekday"], sorted(query.days))
        if query.times:
            in_window = np.zeros(len(session_rows), dtype=bool)
            for start, end in query.times:
                in_window |= (cols["start"] < minutes(end)) & (cols["end"] > minutes(start))
            fits &= in_window
        open_then = np.zeros(n, dtype=bool)
        open_then[session_rows[fits]] = True
        ok &= ~index.has_sessions[:n] | open_then

    delivery = index.delivery[:n]
    in_person = ok & ((delivery & _IN_PERSON) != 0)
    if person.housebound:
        in_person[:] = False
    if query.step_free:
        in_person &= index.step_free[:n]
    distance = np.full(n, np.inf)
    if query.lat is not None and query.lng is not None:
        loc_rows, cols = index.locations.live()
        # A cheap box first, so the trigonometry runs only on places that might be within reach. Both
        # half-widths are upper bounds for the great-circle distance (haversine's own inequalities).
        lat0, lng0 = math.radians(query.lat), math.radians(query.lng)
        angle = query.max_km / EARTH_RADIUS_KM
        half_lat = angle * 1.001 + 1e-9
        widest = min(abs(lat0) + half_lat, math.pi / 2 - 1e-6)
        half_lng = 2 * math.asin(min(1.0, math.sin(angle / 2) / math.cos(widest))) * 1.001 + 1e-9
        apart = np.abs(cols["lng"] - lng0)
        apart = np.minimum(apart, 2 * math.pi - apart)
        box = (np.abs(cols["lat"] - lat0) <= half_lat) & (apart <= half_lng)
        if box.any():
            np.minimum.at(
                distance, loc_rows[box], haversine_km(query.lat, query.lng, cols["lat"][box], cols["lng"][box])
            )
        in_person &= distance <= query.max_km
    covered = index.area_any[:n].copy()
    for key in reading.coverage_keys:
        covered[index.areas.rows(key)] = True
    remote_modes = (_REMOTE | _HOME) if (query.remote_ok or person.housebound) else _HOME
    remote = covered & ((delivery & remote_modes) != 0)
    ok &= in_person | remote
    rows = np.nonzero(ok)[0]
    return _Filtered(rows, distance[rows], in_person[rows])


def _condition_admits(index: MatchIndex, person: Person, n: int) -> npt.NDArray[np.bool_]:
    """`eligibility.condition_admits` for every service at once."""
    conditions = index.conditions[:n]
    own = (conditions & condition_mask(person.conditions)) != 0
    if not person.is_carer:
        return own & ~index.carers_only[:n]
    carer_of = (conditions & condition_mask(person.conditions | person.cared_for_conditions)) != 0
    return np.where(index.carers_only[:n], carer_of, np.where(index.carers[:n], own | carer_of, own))


def _clauses(text: str) -> list[str]:
    """The referral's sentences (and long clauses), each long enough to mean something on its own."""
    parts = [p.strip() for p in _CLAUSE.split(text) if p.strip()]
    return [p for p in parts if len(p.split()) >= 3]


_CLAUSE = re.compile(r"(?<=[.!?;])\s+|\n+|,\s+(?:and|but|so)\s+")


def _semantic(
    index: MatchIndex, reading: Reading, rows: npt.NDArray[np.intp], weights: Weights
) -> npt.NDArray[np.float64]:
    """Cosine of the whole referral with each service, mixed with its best single sentence's, scaled by the best."""
    n = index.n_rows
    # Gathering rows costs more than it saves unless few services survive the hard rules.
    few = len(rows) * 4 < n
    vectors = index.vectors[rows] if few else index.vectors[:n]
    clauses = _clauses(reading.text) if weights.clause_share > 0 else []
    if len(clauses) < 2:
        clauses = []
    if weights.clause_share > 0 and reading.interests:
        clauses += [f"Enjoys {words}" for words in reading.interests]
    embedded = index.embed_queries([reading.embed_text or " ", *clauses])
    whole = vectors @ embedded[0]
    if clauses:
        best = np.max(vectors @ embedded[1:].T, axis=1)
        whole = (1 - weights.clause_share) * whole + weights.clause_share * best
    cosine = (whole if few else whole[rows]).astype(np.float64)
    return _spread(cosine, weights.semantic_floor)


def _spread(values: npt.NDArray[np.float64], floor_quantile: float) -> npt.NDArray[np.float64]:
    """0 at the given quantile of the candidates (and below), 1 at the best: similarities between sentences sit
    in a narrow band, so scaling by the best alone would leave every service between 0.5 and 1."""
    if len(values) == 0:
        return values
    best = float(values.max())
    floor = float(np.quantile(values, floor_quantile)) if floor_quantile > 0 else 0.0
    floor = min(max(floor, 0.0), best)
    if best - floor <= 1e-12:
        return np.zeros_like(values)
    return np.clip((values - floor) / (best - floor), 0.0, 1.0)


def _scale_by_best(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    best = float(values.max()) if len(values) else 0.0
    return values / best if best > 1e-12 else np.zeros_like(values)


def _capacity(places: npt.NDArray[np.int32], waiting: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    score = np.full(len(places), 0.6)
    score[places == 0] = 0.2
    waits = waiting >= 0
    score[waits & (places <= 0)] = 0.4 / (1.0 + waiting[waits & (places <= 0)] / 10.0)
    score[places > 0] = 1.0
    return score


@dataclass(frozen=True, slots=True)
class _Prior:
    completion: float
    wellbeing: float


def _prior(index: MatchIndex, weights: Weights) -> _Prior | None:
    """The scheme's mean completion and wellbeing change, once it has enough history to trust them."""
    n = index.n_rows
    alive = index.alive[:n]
    total = float(index.outcome_n[:n][alive].sum())
    if total < max(weights.outcome_min_history, 1):
        return None
    completion = float(index.outcome_completed[:n][alive].sum()) / total
    change = index.outcome_change[:n]
    known = alive & ~np.isnan(change)
    counts = index.outcome_n[:n][known]
    wellbeing = float((change[known] * counts).sum() / counts.sum()) if counts.sum() > 0 else 0.0
    return _Prior(completion, wellbeing)


def _outcome_score(
    n: npt.NDArray[np.float64] | float,
    completed: npt.NDArray[np.float64] | float,
    change: npt.NDArray[np.float64] | float,
    prior: _Prior,
    weights: Weights,
) -> npt.NDArray[np.float64]:
    k = weights.outcome_prior_strength
    n_arr = np.asarray(n, dtype=np.float64)
    rate = (np.asarray(completed, dtype=np.float64) + k * prior.completion) / (n_arr + k)
    change_arr = np.nan_to_num(np.asarray(change, dtype=np.float64), nan=prior.wellbeing)
    wellbeing = (n_arr * change_arr + k * prior.wellbeing) / (n_arr + k)
    relative_rate = np.clip((rate - prior.completion) / 0.3, -1.0, 1.0)
    relative_change = np.clip((wellbeing - prior.wellbeing) / weights.wellbeing_scale, -1.0, 1.0)
    return np.asarray(0.5 + 0.25 * relative_rate + 0.25 * relative_change, dtype=np.float64)


def _stats_for_needs(doc: ServiceDoc, needs: frozenset[str]) -> OutcomeStats | None:
    """Past connections made for the person's needs, pooled; None when there were none."""
    found = [doc.outcomes_by_need[n] for n in sorted(needs) if n in doc.outcomes_by_need]
    total = sum(s.n_connections for s in found)
    if total == 0:
        return None
    known = [(s.n_connections, s.mean_wellbeing_change) for s in found if s.mean_wellbeing_change is not None]
    weight = sum(c for c, _ in known)
    change = sum(c * m for c, m in known if m is not None) / weight if weight else None
    return OutcomeStats(total, sum(s.n_completed for s in found), change)


def rank(query: Query, index: MatchIndex, weights: Weights | None = None, limit: int = 10) -> list[Match]:
    """The best `limit` services for the query, best first, each with its score, components and reasons."""
    weights = weights or Weights()
    if limit <= 0 or len(index) == 0:
        return []
    reading = interpret(query)
    found = _hard_filter(query, reading, index)
    rows = found.rows
    if len(rows) == 0:
        return []
    n = index.n_rows

    components: dict[str, npt.NDArray[np.float64]] = {}
    components["semantic"] = _semantic(index, reading, rows, weights)
    components["lexical"] = _scale_by_best(index.bm25.scores(reading.terms, n)[rows].astype(np.float64))

    concerned = reading.person.conditions | reading.person.cared_for_conditions
    if reading.needs:
        overlap = np.zeros(n, dtype=np.float64)
        stated = frozenset(query.needs)
        total = 0.0
        for need in sorted(reading.needs):
            share = 1.0 if need in stated else weights.inferred_need
            hit = index.needs.rows(need)
            if need == "long_term_condition" and concerned:
                # A service about dementia does not meet the needs of someone living with COPD.
                named = index.mentions[hit]
                hit = hit[(named == 0) | ((named & condition_mask(concerned)) != 0)]
            overlap[hit] += share
            total += share
        components["needs"] = overlap[rows] / total if total else overlap[rows]
    else:
        components["needs"] = np.zeros(len(rows))

    person = reading.person
    # Made for someone like this person: a condition, caring or bereavement they have counts fully; a group for
    # their sex or age band only partly (being a woman does not make every women's group a fit).
    made_for = np.zeros(len(rows), dtype=np.float64)
    # Every condition-restricted service still here passed `_condition_admits` in the hard filter.
    specific = index.conditions[rows] != 0
    if person.is_carer:
        specific |= index.carers[rows]
    if person.bereaved:
        specific |= index.bereaved[rows]
    if person.young_child:
        specific |= index.parents[rows]
    specific |= (index.only_languages[rows] & language_mask(person.languages)) != 0
    if person.suicide_bereaved:
        specific |= index.suicide[rows]
    made_for[specific] = 1.0
    if person.sex is not None:
        own_sex = 1.0 if reading.own_sex_group else weights.group_fit
        made_for = np.maximum(made_for, np.where(index.sex[rows] == SEX_CODES[person.sex], own_sex, 0.0))
    if person.age is not None:
        lo = np.where(index.min_age[rows] < 0, 0, index.min_age[rows]).astype(np.int32)
        hi = np.minimum(index.max_age[rows], 120).astype(np.int32)
        limited = (index.min_age[rows] != NO_MIN_AGE) | (index.max_age[rows] != NO_MAX_AGE)
        fit = np.where(limited & (hi - lo <= 60), weights.group_fit, 0.0)
        if person.age <= YOUNG_PEOPLE_MAX_AGE:
            # For a teenager or young adult, a group made for young people is what a link worker reaches for
            # first: as much "made for them" as a carers' group is for a carer.
            fit = np.where(limited & (hi <= YOUNG_PEOPLE_MAX_AGE + 5), 1.0, fit)
        made_for = np.maximum(made_for, fit)
    components["eligibility"] = made_for

    if query.lat is not None:
        near = np.exp(-np.where(found.in_person, found.distance, 0.0) / weights.distance_scale_km)
        components["distance"] = np.where(
            found.in_person, np.maximum(near, weights.remote_distance), weights.remote_distance
        )
    else:
        components["distance"] = np.full(len(rows), weights.remote_distance)
    components["capacity"] = _capacity(index.places[rows], index.waiting[rows])

    prior = _prior(index, weights)
    active_weights = weights.component_weights()
    if prior is None:
        active_weights["outcomes"] = 0.0
        components["outcomes"] = np.full(len(rows), 0.5)
    else:
        components["outcomes"] = _outcome_score(
            index.outcome_n[rows], index.outcome_completed[rows], index.outcome_change[rows], prior, weights
        )
    total_weight = sum(active_weights.values()) or 1.0
    score = np.zeros(len(rows), dtype=np.float64)
    for name in COMPONENTS:
        score += active_weights[name] * components[name]
    score /= total_weight

    # Outcomes for the person's own needs are refined per service below, so keep a margin of candidates.
    keep = max(limit * 5, 50)
    if len(rows) > keep:
        threshold = np.partition(score, len(score) - keep)[len(score) - keep]
        chosen = np.nonzero(score >= threshold)[0]
    else:
        chosen = np.arange(len(rows))

    ranked: list[tuple[float, str, int]] = []
    for position in chosen.tolist():
        row = int(rows[position])
        doc = index.docs[row]
        assert doc is not None
        value = float(score[position])
        if prior is not None and reading.needs:
            stats = _stats_for_needs(doc, reading.needs)
            if stats is not None:
                refined = float(
                    _outcome_score(
                        stats.n_connections,
                        stats.n_completed,
                        math.nan if stats.mean_wellbeing_change is None else stats.mean_wellbeing_change,
                        prior,
                        weights,
                    )
                )
                value += active_weights["outcomes"] * (refined - components["outcomes"][position]) / total_weight
                components["outcomes"][position] = refined
        ranked.append((round(value, 6), doc.id, position))
    ranked.sort(key=lambda item: (-item[0], item[1]))

    matches: list[Match] = []
    for value, _, position in ranked[:limit]:
        row = int(rows[position])
        doc = index.docs[row]
        facts = index.derived[row]
        assert doc is not None and facts is not None
        in_person = bool(found.in_person[position])
        distance = float(found.distance[position]) if math.isfinite(found.distance[position]) else None
        shared = sorted(reading.needs & facts.needs)
        if concerned and facts.mentions and not facts.mentions & concerned and "long_term_condition" in shared:
            shared.remove("long_term_condition")  # as in the needs component: about another condition
        matches.append(
            Match(
                service=doc,
                score=value,
                distance_km=round(distance, 3) if distance is not None else None,
                reasons=reasons.build(
                    doc,
                    query,
                    distance_km=distance,
                    in_person=in_person,
                    shared_needs=shared,
                    rule=facts.eligibility,
                    person=person,
                ),
                components={name: round(float(components[name][position]), 6) for name in COMPONENTS},
            )
        )
    return matches
