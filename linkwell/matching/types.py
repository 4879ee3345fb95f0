"""Plain data the matching core works on: no Django here, so the core can be tested and benchmarked alone."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Delivery = Literal["in_person", "phone", "online", "home_visit"]
DELIVERY_MODES: tuple[Delivery, ...] = ("in_person", "phone", "online", "home_visit")
REMOTE_MODES: frozenset[str] = frozenset({"phone", "online"})

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_OUTCODE = re.compile(r"^([A-Z]{1,2})(\d[A-Z\d]?)$")


def minutes(hhmm: str) -> int:
    """Minutes after midnight for "HH:MM"; "24:00" is allowed as the end of the day."""
    if hhmm == "24:00":
        return 24 * 60
    found = _HHMM.match(hhmm)
    if found is None:
        raise ValueError(f"not a time of day: {hhmm!r}")
    return int(found.group(1)) * 60 + int(found.group(2))


def outcode_of(value: str | None) -> str | None:
    """The outward code ("LW1") of a postcode or outcode, upper-cased; None when it has no such shape."""
    if not value:
        return None
    compact = value.strip().upper().split()
    if not compact:
        return None
    head = compact[0]
    if len(compact) == 1 and len(head) >= 5:
        # A full postcode written without its space: the inward code is always three characters.
        head = head[:-3]
    return head if _OUTCODE.match(head) else None


def postcode_area(outcode: str) -> str:
    """The letters of an outcode ("LW" for "LW12"): service areas may be whole postcode areas."""
    return re.sub(r"\d.*$", "", outcode)


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lng: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class Session:
    """One weekly opening: weekday 0 = Monday … 6 = Sunday, times "HH:MM" local."""

    weekday: int
    start: str
    end: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0–6, not {self.weekday}")
        if minutes(self.end) <= minutes(self.start):
            raise ValueError(f"a session must end after it starts: {self.start}–{self.end}")


@dataclass(frozen=True, slots=True)
class OutcomeStats:
    """What happened to past connections to a service (optionally for one need)."""

    n_connections: int
    n_completed: int
    mean_wellbeing_change: float | None = None

    def __post_init__(self) -> None:
        if self.n_connections < 0 or not 0 <= self.n_completed <= self.n_connections:
            raise ValueError("completed connections must be between 0 and the number of connections")


@dataclass(slots=True)
class ServiceDoc:
    """One directory service as the matcher sees it (built from HSDS service + location + schedule rows)."""

    id: str
    name: str
    description: str = ""
    eligibility_description: str = ""
    taxonomy_terms: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    min_age: int | None = None
    max_age: int | None = None
    is_free: bool = True
    cost_text: str = ""
    step_free: bool | None = None
    locations: list[Location] = field(default_factory=list)
    delivery: frozenset[str] = frozenset({"in_person"})
    service_area_outcodes: frozenset[str] = frozenset()
    schedules: list[Session] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    places_available: int | None = None
    waiting_list: int | None = None
    active: bool = True
    stale: bool = False
    past_outcomes: OutcomeStats | None = None
    outcomes_by_need: dict[str, OutcomeStats] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.delivery) - set(DELIVERY_MODES)
        if unknown:
            raise ValueError(f"unknown delivery modes: {sorted(unknown)}")
        self.delivery = frozenset(self.delivery)
        self.service_area_outcodes = frozenset(c.strip().upper() for c in self.service_area_outcodes)

    def text(self) -> str:
        """The words a person could search for: name, description, eligibility and taxonomy."""
        parts = [self.name, self.description, self.eligibility_description, " ".join(self.taxonomy_terms)]
        return ". ".join(p.strip() for p in parts if p and p.strip())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (written out by hand: `dataclasses.asdict` is ~10× slower for 100k services)."""

        def stats(value: OutcomeStats) -> dict[str, Any]:
            return {
                "n_connections": value.n_connections,
                "n_completed": value.n_completed,
                "mean_wellbeing_change": value.mean_wellbeing_change,
            }

        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "eligibility_description": self.eligibility_description,
            "taxonomy_terms": list(self.taxonomy_terms),
            "needs": list(self.needs),
            "min_age": self.min_age,
            "max_age": self.max_age,
            "is_free": self.is_free,
            "cost_text": self.cost_text,
            "step_free": self.step_free,
            "locations": [{"lat": loc.lat, "lng": loc.lng, "label": loc.label} for loc in self.locations],
            "delivery": sorted(self.delivery),
            "service_area_outcodes": sorted(self.service_area_outcodes),
            "schedules": [{"weekday": s.weekday, "start": s.start, "end": s.end} for s in self.schedules],
            "languages": list(self.languages),
            "places_available": self.places_available,
            "waiting_list": self.waiting_list,
            "active": self.active,
            "stale": self.stale,
            "past_outcomes": stats(self.past_outcomes) if self.past_outcomes is not None else None,
            "outcomes_by_need": {need: stats(value) for need, value in self.outcomes_by_need.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceDoc:
        values = dict(data)
        values["locations"] = [Location(**loc) for loc in values.get("locations", [])]
        values["schedules"] = [Session(**s) for s in values.get("schedules", [])]
        values["delivery"] = frozenset(values.get("delivery", ["in_person"]))
        values["service_area_outcodes"] = frozenset(values.get("service_area_outcodes", []))
        if values.get("past_outcomes") is not None:
            values["past_outcomes"] = OutcomeStats(**values["past_outcomes"])
        values["outcomes_by_need"] = {k: OutcomeStats(**v) for k, v in (values.get("outcomes_by_need") or {}).items()}
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Query:
    """What a link worker knows about the person and what they can do.

    `days` and `times` say when the person can go (empty = any); a service with no published sessions (by
    arrangement) is not ruled out by them. `lat`/`lng` None means the person's location is unknown, and
    in-person services are then not ruled out by distance.
    """

    text: str = ""
    needs: frozenset[str] = frozenset()
    lat: float | None = None
    lng: float | None = None
    outcode: str | None = None
    age: int | None = None
    sex: Literal["female", "male"] | None = None
    conditions: frozenset[str] = frozenset()
    is_carer: bool = False
    free_only: bool = False
    step_free: bool = False
    days: frozenset[int] = frozenset()
    times: tuple[tuple[str, str], ...] = ()
    max_km: float = 8.0
    remote_ok: bool = False
    # The person cannot leave home (also read from the referral's words).
    housebound: bool = False
    language: str | None = None
    # Other languages the person speaks (not a constraint: it lets groups held in them be offered).
    speaks: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        if self.max_km < 0:
            raise ValueError("max_km must not be negative")
        if any(not 0 <= d <= 6 for d in self.days):
            raise ValueError("days are weekday numbers 0–6")
        for start, end in self.times:
            if minutes(end) <= minutes(start):
                raise ValueError(f"a time window must end after it starts: {start}–{end}")
        object.__setattr__(self, "outcode", outcode_of(self.outcode))
        object.__setattr__(self, "needs", frozenset(self.needs))
        object.__setattr__(self, "conditions", frozenset(self.conditions))
        object.__setattr__(self, "days", frozenset(self.days))
        object.__setattr__(self, "speaks", frozenset(self.speaks))


@dataclass(slots=True)
class Match:
    service: ServiceDoc
    score: float
    distance_km: float | None
    reasons: list[str]
    components: dict[str, float]


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each component counts (per scheme); the components are each scaled to 0–1."""

    semantic: float = 0.30
    lexical: float = 0.15
    needs: float = 0.25
    eligibility: float = 0.10
    distance: float = 0.10
    capacity: float = 0.05
    outcomes: float = 0.05
    # The semantic score mixes the whole referral's similarity with its best single sentence's (a referral
    # often says several things; "always good with his hands" is what finds the repair café).
    clause_share: float = 0.5
    # Needs read from the referral's words count this much of a need the referrer ticked.
    inferred_need: float = 0.5
    # A group for the person's sex or age band scores this much of the eligibility component.
    group_fit: float = 0.3
    # Semantic similarity is spread from this quantile of the candidates (0) to the best (1).
    semantic_floor: float = 0.25
    # Distance decays as exp(-km / distance_scale_km); phone/online/home-visit services score remote_distance.
    distance_scale_km: float = 3.0
    remote_distance: float = 0.5
    # Outcome rates are shrunk toward the scheme mean as if `outcome_prior_strength` average connections were
    # added; they count only once the scheme has `outcome_min_history` recorded connections.
    outcome_prior_strength: float = 20.0
    outcome_min_history: int = 200
    # A wellbeing change this far above the scheme mean (in the measure's points) scores the full bonus.
    wellbeing_scale: float = 3.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weights:
        """Weights from a scheme's settings; unknown keys and negative or non-numeric values are refused."""
        names = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(data) - set(names)
        if unknown:
            raise ValueError(f"unknown matching weights: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
                raise ValueError(f"weight {key} must be a number")
            if raw < 0:
                raise ValueError(f"weight {key} must not be negative")
            values[key] = int(raw) if key == "outcome_min_history" else float(raw)
        weights = cls(**values)
        if weights.distance_scale_km <= 0 or weights.wellbeing_scale <= 0:
            raise ValueError("distance_scale_km and wellbeing_scale must be positive")
        for name in ("remote_distance", "clause_share", "inferred_need", "group_fit", "semantic_floor"):
            if getattr(weights, name) > 1:
                raise ValueError(f"{name} is a 0–1 share")
        if sum(weights.component_weights().values()) <= 0:
            raise ValueError("at least one component must have a positive weight")
        return weights

    def component_weights(self) -> dict[str, float]:
        return {
            "semantic": self.semantic,
            "lexical": self.lexical,
            "needs": self.needs,
            "eligibility": self.eligibility,
            "distance": self.distance,
            "capacity": self.capacity,
            "outcomes": self.outcomes,
        }
