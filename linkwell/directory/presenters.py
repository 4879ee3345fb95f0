"""How a listing reads on a page: opening times written out from its schedules, costs, places."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import CostOption, Frequency, Location, LocationType, Schedule, Service, TermKind

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
DAY_ORDER = list(DAY_NAMES)
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?([A-Z]{2})$")


def _time(value: dt.time) -> str:
    return f"{value:%H:%M}"


def times_text(opens_at: dt.time | None, closes_at: dt.time | None) -> str:
    """ "10:00 to 12:00", "from 10:00", "until 16:00" or "" when no times are given."""
    if opens_at and closes_at:
        return f"{_time(opens_at)} to {_time(closes_at)}"
    if opens_at:
        return f"from {_time(opens_at)}"
    if closes_at:
        return f"until {_time(closes_at)}"
    return ""


def join_words(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _day_of_month(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _parse_byday(byday: str) -> list[tuple[int | None, str]]:
    parsed: list[tuple[int | None, str]] = []
    for part in byday.upper().replace(" ", "").split(","):
        match = _BYDAY.match(part)
        if match and match.group(2) in DAY_NAMES:
            parsed.append((int(match.group(1)) if match.group(1) else None, match.group(2)))
    return parsed


def _weekly(days: list[str], interval: int) -> str:
    ordered = sorted(set(days), key=DAY_ORDER.index)
    if interval <= 1:
        return join_words([f"{DAY_NAMES[d]}s" for d in ordered])
    names = join_words([DAY_NAMES[d] for d in ordered])
    if interval == 2:
        return f"Every other {names}"
    return f"Every {interval} weeks on {names}"


def _monthly(parsed: list[tuple[int | None, str]], bymonthday: str) -> str:
    if parsed:
        days = {d for _, d in parsed}
        positions = [n for n, _ in parsed if n is not None]
        if len(days) == 1 and positions and len(positions) == len(parsed):
            day = DAY_NAMES[next(iter(days))]
            words = join_words([ORDINALS.get(n, _day_of_month(n)) for n in sorted(positions, key=_position_key)])
            return f"{words.capitalize()} {day} of the month"
        named = [f"{ORDINALS.get(n, str(n)) + ' ' if n is not None else ''}{DAY_NAMES[d]}" for n, d in parsed]
        return f"{join_words(named).capitalize()} of the month"
    monthdays = [int(d) for d in re.findall(r"-?\d+", bymonthday or "")]
    if monthdays:
        words = join_words(["last day" if d == -1 else _day_of_month(d) for d in sorted(monthdays, key=_position_key)])
        return f"The {words} of the month"
    return "Monthly"


def _position_key(n: int) -> int:
    return n if n > 0 else 100 - n


def schedule_text(schedule: Schedule) -> str:
    """One schedule written out: "Tuesdays 10:00 to 12:00", "First Monday of the month, 19:00 to 21:00"."""
    times = times_text(schedule.opens_at, schedule.closes_at)
    parsed = _parse_byday(schedule.byday)
    if schedule.freq == Frequency.WEEKLY and parsed:
        when = _weekly([d for _, d in parsed], schedule.interval or 1)
        text = f"{when}, {times}" if times and (schedule.interval or 1) > 1 else f"{when} {times}".strip()
    elif schedule.freq == Frequency.MONTHLY:
        when = _monthly(parsed, schedule.bymonthday)
        text = f"{when}, {times}" if times else when
    elif parsed:
        when = _weekly([d for _, d in parsed], 1)
        text = f"{when} {times}".strip()
    else:
        # No recurrence we can read: the provider's own words, or the times alone.
        text = schedule.description.strip() or (times[0].upper() + times[1:] if times else "")
        return text
    if schedule.valid_to:
        text += f" (until {schedule.valid_to.day} {schedule.valid_to:%B %Y})"
    if schedule.description and schedule.description.strip() and schedule.description.strip() != text:
        text += f". {schedule.description.strip().rstrip('.')}"
    return text


def opening_times(schedules: Iterable[Schedule]) -> list[str]:
    """Each schedule written out, in day order, without repeats."""
    rows = sorted(schedules, key=_schedule_order)
    lines: list[str] = []
    for schedule in rows:
        text = schedule_text(schedule)
        if text and text not in lines:
            lines.append(text)
    return lines


def _schedule_order(schedule: Schedule) -> tuple[int, int, str]:
    parsed = _parse_byday(schedule.byday)
    first_day = min((DAY_ORDER.index(d) for _, d in parsed), default=7)
    return (0 if schedule.freq == Frequency.WEEKLY else 1, first_day, f"{schedule.opens_at or ''}")


def service_opening_times(service: Service) -> list[str]:
    """Opening times of a service and of its places, from prefetched schedules."""
    schedules = list(service.schedules.all())
    for link in service.service_at_locations.all():
        schedules.extend(link.schedules.all())
    return opening_times(schedules)


def money(amount: Decimal) -> str:
    """£4.50, £2 (no pence shown for whole pounds)."""
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def cost_text(option: CostOption) -> str:
    """ "£4.50 per session", "Free", or the provider's own description."""
    if option.amount:
        words = " ".join(part for part in (option.option, option.amount_description) if part).strip()
        return f"{money(option.amount)} {words}".strip()
    return option.amount_description or option.option or "Free"


def costs(service: Service) -> list[str]:
    """What it costs, from prefetched cost options and the fees text."""
    lines = [cost_text(option) for option in service.cost_options.all()]
    if service.fees and service.fees.strip() not in lines:
        lines.append(service.fees.strip())
    return lines or ["Free"]


def ages_text(service: Service) -> str:
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None:
        return f"Ages {low} to {high}"
    if low is not None:
        return f"Ages {low} and over"
    if high is not None:
        return f"Up to age {high}"
    return ""


@dataclass
class Place:
    """A place a service runs at, as its page shows it."""

    name: str
    address: str
    postcode: str
    accessibility: list[str]
    transport: str


@dataclass
class ServicePage:
    """Everything a service page writes out, from a service loaded with search.with_display_data."""

    service: Service
    opening_times: list[str]
    costs: list[str]
    ages: str
    places: list[Place]
    phones: list[str]
    categories: list[str]
    service_areas: list[str] = field(default_factory=list)


@dataclass
class ResultSummary:
    """The lines a results row shows, from rows search.with_result_data prefetched."""

    opening_times: list[str]
    costs: list[str]


def result_summary(service: Service) -> ResultSummary:
    return ResultSummary(opening_times=service_opening_times(service), costs=costs(service))


def place_for(location: Location) -> Place:
    addresses = list(location.addresses.all())
    first = addresses[0] if addresses else None
    parts = [first.address_1, first.address_2, first.city] if first else []
    notes = [
        " ".join(part for part in (row.description, row.details, row.accessibility) if part).strip()
        for row in location.accessibility.all()
    ]
    return Place(
        name=location.name,
        address=", ".join(p for p in parts if p),
        postcode=(first.postal_code if first else "") or location.postcode,
        accessibility=[n for n in notes if n],
        transport=location.transportation,
    )


def service_page(service: Service) -> ServicePage:
    """The written-out listing, from prefetched rows only."""
    places = [
        place_for(link.location)
        for link in service.service_at_locations.all()
        if link.location.location_type != LocationType.VIRTUAL
    ]
    phones = [p.number + (f" (extension {p.extension})" if p.extension else "") for p in service.phones.all()]
    categories = sorted(
        {a.taxonomy_term.name for a in service.attributes.all() if a.taxonomy_term.kind == TermKind.CATEGORY}
    )
    areas = (
        [area.name or area.description for area in service.service_areas.all()]
        if _prefetched(service, "service_areas")
        else []
    )
    return ServicePage(
        service=service,
        opening_times=service_opening_times(service),
        costs=costs(service),
        ages=ages_text(service),
        places=places,
        phones=phones,
        categories=categories,
        service_areas=[a for a in areas if a],
    )


def _prefetched(instance: Service, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})
