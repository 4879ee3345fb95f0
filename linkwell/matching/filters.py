"""Reading the query, and the hard rules one service at a time.

`interpret` turns a query into the person's facts and needs (including what the referral's own words say).
`exclusions` applies the hard rules to one service in plain Python and says why it is ruled out; the ranker
applies the same rules to every service at once with NumPy, and the tests hold the two to each other. It
also answers a link worker's "why isn't X on the list?".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import eligibility as elig
from .index import derive, normalise_language
from .lexicon import (
    NEED_EXPANSIONS,
    adult_in,
    cared_for_conditions_in,
    conditions_in,
    housebound_in,
    interests_in,
    languages_in,
    need_label,
    needs_in_referral,
    own_sex_group_in,
    situations_in,
    suicide_loss_in,
    young_child_in,
)
from .text import terms
from .types import REMOTE_MODES, Query, ServiceDoc, minutes, postcode_area

EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat: float, lng: float, lat_rad: npt.NDArray[np.float64], lng_rad: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Great-circle distances from one point (degrees) to many (radians)."""
    lat0, lng0 = math.radians(lat), math.radians(lng)
    a = np.sin((lat_rad - lat0) / 2) ** 2 + math.cos(lat0) * np.cos(lat_rad) * np.sin((lng_rad - lng0) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


@dataclass(frozen=True, slots=True)
class Reading:
    """What the ranker works from: the person, their needs, and the words to search with."""

    person: elig.Person
    needs: frozenset[str]
    terms: tuple[str, ...]
    embed_text: str
    language: str | None
    coverage_keys: tuple[str, ...]
    text: str = ""
    interests: tuple[str, ...] = ()
    # Kinds of service a link worker would think of for the situation described ("recently diagnosed").
    situations: tuple[str, ...] = ()
    # They asked for a group of their own sex ("with other blokes", "just women").
    own_sex_group: bool = False


def interpret(query: Query) -> Reading:
    """The query as a link worker would read it: needs and conditions from the referral's words too."""
    needs = frozenset(query.needs) | needs_in_referral(query.text)
    is_carer = query.is_carer or "caring" in needs
    mentioned = conditions_in(query.text)
    # In a carer's referral, a condition named only in sentences about the person they look after is theirs.
    cared_for = cared_for_conditions_in(query.text) - frozenset(query.conditions) if is_carer else frozenset()
    conditions = frozenset(query.conditions) | (mentioned - cared_for)
    person = elig.Person(
        age=query.age,
        sex=query.sex,
        conditions=conditions,
        is_carer=is_carer,
        cared_for_conditions=cared_for,
        bereaved="bereavement" in needs or suicide_loss_in(query.text),
        housebound=query.housebound or housebound_in(query.text),
        adult=query.age is None and adult_in(query.text),
        young_child=young_child_in(query.text),
        languages=_spoken(query),
        suicide_bereaved=suicide_loss_in(query.text),
    )
    expansion = " ".join(NEED_EXPANSIONS.get(n, n.replace("_", " ")) for n in sorted(needs))
    interests = interests_in(query.text)
    situations = situations_in(query.text, carer=person.is_carer)
    ideas = " ".join(interests + situations)
    query_terms = tuple(dict.fromkeys(terms(query.text) + terms(expansion) + terms(ideas)))
    labels = ", ".join(need_label(n) for n in sorted(needs))
    embed_text = query.text.strip()
    if labels:
        embed_text = f"{embed_text}. Needs: {labels}" if embed_text else labels
    if situations:
        embed_text = f"{embed_text}. Might suit: {'; '.join(situations)}"
    language = normalise_language(query.language) if query.language else None
    if language == "english":
        language = None
    keys: tuple[str, ...] = ()
    if query.outcode:
        keys = (query.outcode, postcode_area(query.outcode))
    return Reading(
        person,
        needs,
        query_terms,
        embed_text,
        language,
        keys,
        query.text.strip(),
        tuple(interests),
        tuple(situations),
        own_sex_group=own_sex_group_in(query.text),
    )


def _spoken(query: Query) -> frozenset[str]:
    said = {normalise_language(lang) for lang in query.speaks}
    if query.language:
        said.add(normalise_language(query.language))
    return frozenset(said - {"english"}) | languages_in(query.text)


def covers_area(doc: ServiceDoc, reading: Reading) -> bool:
    if not doc.service_area_outcodes:
        return True
    return any(key in doc.service_area_outcodes for key in reading.coverage_keys)


def nearest_km(doc: ServiceDoc, query: Query) -> float | None:
    """Distance to the nearest of the service's places, when both ends are known."""
    if query.lat is None or query.lng is None or not doc.locations:
        return None
    lat = np.radians(np.array([loc.lat for loc in doc.locations], dtype=np.float64))
    lng = np.radians(np.array([loc.lng for loc in doc.locations], dtype=np.float64))
    return float(haversine_km(query.lat, query.lng, lat, lng).min())


def open_when_free(doc: ServiceDoc, query: Query) -> bool:
    """A session on a day the person can go, overlapping a time they can go (no sessions = by arrangement)."""
    if not (query.days or query.times) or not doc.schedules:
        return True
    for session in doc.schedules:
        if query.days and session.weekday not in query.days:
            continue
        if not query.times:
            return True
        start, end = minutes(session.start), minutes(session.end)
        if any(start < minutes(w_end) and end > minutes(w_start) for w_start, w_end in query.times):
            return True
    return False


def reach(doc: ServiceDoc, query: Query, reading: Reading) -> tuple[bool, bool]:
    """(reachable in person, reachable by phone/online/home visit) under the query's constraints."""
    in_person = "in_person" in doc.delivery and not (query.step_free and doc.step_free is not True)
    if reading.person.housebound:
        in_person = False
    if in_person and query.lat is not None:
        distance = nearest_km(doc, query)
        in_person = distance is not None and distance <= query.max_km
    covered = covers_area(doc, reading)
    remote_ok = query.remote_ok or reading.person.housebound
    remote = covered and ((remote_ok and bool(doc.delivery & REMOTE_MODES)) or "home_visit" in doc.delivery)
    return in_person, remote


def exclusions(doc: ServiceDoc, query: Query, reading: Reading | None = None) -> list[str]:
    """Why the hard rules keep this service off the person's list (empty when it may be offered)."""
    reading = reading or interpret(query)
    why: list[str] = []
    if not doc.active:
        why.append("not running")
    if doc.stale:
        why.append("listing not confirmed recently")
    rule = derive(doc).eligibility
    if not elig.admits(rule, reading.person):
        why.append("eligibility: " + ", ".join(rule.describe()))
    if query.free_only and not doc.is_free:
        why.append("not free")
    if reading.language and reading.language not in {normalise_language(lang) for lang in doc.languages}:
        why.append(f"not in {reading.language.title()}")
    if not open_when_free(doc, query):
        why.append("not open when they can go")
    in_person, remote = reach(doc, query, reading)
    if not (in_person or remote):
        distance = nearest_km(doc, query)
        if "in_person" in doc.delivery and reading.person.housebound:
            why.append("they cannot leave home, and this happens in person")
        elif "in_person" in doc.delivery and query.step_free and doc.step_free is not True:
            why.append("no step-free access")
        elif distance is not None and distance > query.max_km:
            why.append(f"{distance:.1f} km away (more than {query.max_km:g} km)")
        else:
            why.append("cannot reach it from where they live")
    return why
