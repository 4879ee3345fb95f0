"""Directory rows and referrals → the matching core's plain data. The only matching module that knows Django.

`service_docs(queryset)` reads services in a fixed number of queries (whatever their number);
`query_for_referral(referral)` turns a referral, its latest assessment and the person into a `Query`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from django.db.models import Prefetch
from django.utils import timezone

from linkwell.directory.models import (
    Attribute,
    ServiceAtLocation,
    ServiceQuerySet,
    ServiceStatus,
    TermKind,
)
from linkwell.places.postcodes import coordinates_for

from .lexicon import CONDITIONS
from .types import DELIVERY_MODES, Location, Query, ServiceDoc, Session, minutes, outcode_of

if TYPE_CHECKING:
    from linkwell.directory.models import Schedule, Service
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
# How a service area says the service reaches people (the demo and most imports write it in words).
_REACH = (
    (re.compile(r"\bphone|telephone\b", re.I), "phone"),
    (re.compile(r"\bonline|video|zoom|teams\b", re.I), "online"),
    (re.compile(r"\bat home|home visit|in your home|visits? you\b", re.I), "home_visit"),
)
_STEP_FREE = re.compile(r"step[- ]free|wheelchair accessible|level access", re.I)
_OUTCODE_WORD = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\b")
# Person.sex holds NHS Data Dictionary codes.
_SEX: dict[str, Literal["female", "male"]] = {"1": "male", "2": "female"}
# Referral and assessment need codes that say nothing to the matcher.
_VAGUE_NEEDS = {"other", ""}


def matching_queryset(queryset: ServiceQuerySet) -> ServiceQuerySet:
    """The services with exactly what `service_doc` reads, prefetched (a constant number of queries)."""
    return queryset.select_related("scheme").prefetch_related(
        "schedules",
        "cost_options",
        "service_areas",
        "languages",
        Prefetch("attributes", queryset=Attribute.objects.select_related("taxonomy_term")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__accessibility", "schedules"
            ),
        ),
    )


def _sessions(schedules: Iterable[Schedule]) -> list[Session]:
    found: dict[tuple[int, str, str], Session] = {}
    for schedule in schedules:
        if schedule.opens_at is None or schedule.closes_at is None:
            continue
        start, end = schedule.opens_at.strftime("%H:%M"), schedule.closes_at.strftime("%H:%M")
        if minutes(end) <= minutes(start):
            continue
        for day in schedule.weekdays:
            if day in WEEKDAYS:
                key = (WEEKDAYS[day], start, end)
                found.setdefault(key, Session(*key))
    return sorted(found.values(), key=lambda s: (s.weekday, s.start))


def _is_free(service: Service) -> tuple[bool, str]:
    options = list(service.cost_options.all())
    texts = [o.amount_description or o.option for o in options if o.amount_description or o.option]
    fees = (service.fees or service.fees_description).strip()
    if fees:
        texts.append(fees)
    charged = any(o.amount for o in options)
    # A fees text with no cost option at all is a charge written in words ("£40 a term").
    free = not charged and not (fees and not options and not re.match(r"^\s*free\b", fees, re.I))
    return free, "; ".join(texts)


def service_doc(service: Service, *, now: dt.datetime | None = None) -> ServiceDoc:
    """One service as the matcher sees it; read from prefetched rows (see `matching_queryset`)."""
    now = now or timezone.now()
    terms = [a.taxonomy_term for a in service.attributes.all()]
    links = list(service.service_at_locations.all())
    locations: list[Location] = []
    step_free: bool | None = None
    schedules = list(service.schedules.all())
    for link in links:
        place = link.location
        schedules.extend(link.schedules.all())
        if place.latitude is not None and place.longitude is not None:
            locations.append(Location(place.latitude, place.longitude, place.name))
        access = " ".join(f"{a.description} {a.details} {a.accessibility}" for a in place.accessibility.all())
        if access.strip():
            step_free = bool(step_free) or bool(_STEP_FREE.search(access))
    delivery: set[str] = {"in_person"} if links else set()
    outcodes: set[str] = set()
    for area in service.service_areas.all():
        words = f"{area.name} {area.description} {area.extent} {area.service_area}"
        delivery.update(mode for pattern, mode in _REACH if pattern.search(words))
        outcodes.update(c for c in _OUTCODE_WORD.findall(words.upper()) if outcode_of(c))
    if not delivery:
        # A service area that does not say how: someone comes to the person or rings them.
        delivery = {"phone"} if service.service_areas.all() else {"in_person"}
    free, cost_text = _is_free(service)
    return ServiceDoc(
        id=str(service.hsds_id),
        name=service.name,
        description=service.description,
        eligibility_description=service.eligibility_description,
        taxonomy_terms=[t.name for t in terms],
        needs=sorted({t.code for t in terms if t.kind == TermKind.NEED and t.code}),
        min_age=service.minimum_age,
        max_age=service.maximum_age,
        is_free=free,
        cost_text=cost_text,
        step_free=step_free,
        locations=locations,
        delivery=frozenset(m for m in delivery if m in DELIVERY_MODES),
        service_area_outcodes=frozenset(outcodes),
        schedules=_sessions(schedules),
        languages=[lang.name or lang.code for lang in service.languages.all() if lang.name or lang.code],
        places_available=service.capacity_available,
        waiting_list=service.waiting_list_length,
        active=service.status == ServiceStatus.ACTIVE and service.scheme.is_active,
        stale=service.is_stale(now),
    )


def service_docs(queryset: ServiceQuerySet, *, now: dt.datetime | None = None) -> list[ServiceDoc]:
    """Every service of the queryset as a ServiceDoc, in a constant number of queries."""
    now = now or timezone.now()
    return [service_doc(s, now=now) for s in matching_queryset(queryset)]


def person_facts(person: Person, *, today: dt.date | None = None) -> dict[str, object]:
    """Age, sex, location and conditions of a person, as Query keyword arguments."""
    facts: dict[str, object] = {
        "age": person.age_on(today or timezone.localdate()),
        "sex": _SEX.get(person.sex),
        "conditions": frozenset(c for c in (person.long_term_conditions or []) if c in CONDITIONS),
    }
    language = (person.language or "").strip()
    if language and language.lower() != "english":
        facts["speaks"] = frozenset({language})
    postcode = (person.postcode or "").strip().upper()
    if postcode:
        facts["outcode"] = outcode_of(postcode)
        found = coordinates_for(postcode)
        if found is not None:
            facts["lat"], facts["lng"] = found
    return facts


def query_for_referral(referral: Referral, *, today: dt.date | None = None) -> Query:
    """What the referral, its latest assessment and the person say: words, needs, age, sex, place."""
    assessment = referral.assessments.order_by("-version").first()
    texts = [referral.reason_text, referral.what_matters]
    needs = set(referral.needs or [])
    if assessment is not None:
        texts += [assessment.what_matters, assessment.notes]
        needs |= set(assessment.needs or [])
    facts = person_facts(referral.person, today=today)
    return Query(
        text="\n".join(t.strip() for t in texts if t and t.strip()),
        needs=frozenset(needs - _VAGUE_NEEDS),
        is_carer="caring" in needs,
        **facts,  # type: ignore[arg-type]
    )


class PlaceNotFound(ValueError):
    """A postcode that is malformed, unknown, or has no coordinates."""


def place_of_postcode(postcode: str) -> tuple[float, float, str]:
    """(lat, lng, normalised postcode) of a postcode, or PlaceNotFound with a message a person understands."""
    from django.core.exceptions import ValidationError

    from linkwell.places.postcodes import normalise_postcode

    try:
        normalised = normalise_postcode(postcode)
    except ValidationError as error:
        raise PlaceNotFound(error.messages[0]) from error
    found = coordinates_for(normalised)
    if found is None:
        raise PlaceNotFound(f"We do not know where {normalised} is")
    return found[0], found[1], normalised
