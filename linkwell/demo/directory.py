"""Build the demo town's community directory: ~260 services at ~30 venues, with schedules, costs, capacity,
a few listings due for checking, a few stale (unverified for over a year) and a few no longer running.

Seeded and bulk-created, so it is the same every time and adds well under a second to `linkwell demo`.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from linkwell.accounts.models import Organisation, Scheme
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Frequency,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    ServiceVersion,
    TaxonomyTerm,
    TermKind,
    VersionSource,
)
from linkwell.places.models import Postcode

from .directory_data import VENUES, L, Venue, listings, short_listings
from .places import DISTRICTS

PLACE_BY_OUTCODE = {d.outcode: d.place.split(" (")[0] for d in DISTRICTS}
# Listings whose provider has not confirmed them for over a year: flagged, and out of matching.
STALE = {
    "Thornton Fen Sunday ramble",
    "Shed woodturning for beginners",
    "Seed swap and growing advice",
    "Village film night",
    "Junior angling",
}
# Listings past the scheme's six-month prompt but not yet stale.
DUE = {
    "Kelby canal stroll",
    "Shed Saturday: bike repair café",
    "Tea dance",
    "Life drawing evening",
    "Family history club",
    "Thornton Fen quiz night",
    "Community pantry",
    "Gambling support group",
    "Dads' Saturday walk",
    "Steel pan band",
    "Masters swimming",
    "Hollins camera club",
}
NOT_RUNNING = {
    "Oakmere pilates": ServiceStatus.TEMPORARILY_CLOSED,
    "Italian for beginners": ServiceStatus.INACTIVE,
    "Women's softball cricket": ServiceStatus.INACTIVE,
    "Junior gym for teens": ServiceStatus.TEMPORARILY_CLOSED,
}
_SLOT = re.compile(r"^(?:(\d)/)?([-\d,A-Z]+) (\d\d:\d\d)-(\d\d:\d\d)$")


def parse_schedule(text: str) -> dict[str, object]:
    """ "TU 10:00-12:00", "1MO,3MO 19:00-21:00", "2/SA 10:00-13:00" → Schedule fields."""
    match = _SLOT.match(text)
    if match is None:
        raise ValueError(f"Cannot read the demo schedule {text!r}")
    interval, byday, opens, closes = match.groups()
    monthly = any(part[:-2] for part in byday.split(","))
    return {
        "freq": Frequency.MONTHLY if monthly else Frequency.WEEKLY,
        "interval": int(interval or 1),
        "byday": byday,
        "opens_at": dt.time.fromisoformat(opens),
        "closes_at": dt.time.fromisoformat(closes),
    }


def parse_cost(text: str) -> tuple[str, CostOption | None]:
    """(fees text, cost option) from "free", "donation 2", "4.50 per session" or "fees: <text>"."""
    if text.startswith("fees:"):
        return text.removeprefix("fees:").strip(), None
    if text == "free":
        return "", CostOption(amount=Decimal("0"), currency="GBP", amount_description="Free")
    if text.startswith("donation "):
        asked = Decimal(text.split()[1])
        shown = f"£{asked:.2f}".replace(".00", "")
        # A donation is asked for, not charged, so it carries no amount: the service still counts as free.
        return "", CostOption(option="Suggested donation", amount_description=f"{shown} suggested donation")
    price, _, unit = text.partition(" ")
    return "", CostOption(amount=Decimal(price), currency="GBP", option=unit)


def _venue_locations(scheme: Scheme, rng: random.Random, venues: Sequence[Venue]) -> dict[str, Location]:
    postcodes: dict[str, list[Postcode]] = {}
    for row in Postcode.objects.filter(is_demo=True).order_by("postcode"):
        postcodes.setdefault(row.outcode, []).append(row)
    locations: dict[str, Location] = {}
    for venue in venues:
        choices = postcodes.get(venue.outcode) or [p for rows in postcodes.values() for p in rows]
        code = rng.choice(choices) if choices else None
        locations[venue.key] = Location(
            scheme=scheme,
            name=venue.name,
            transportation=venue.transport,
            latitude=code.latitude if code else None,
            longitude=code.longitude if code else None,
            postcode=code.postcode if code else "",
        )
    Location.objects.bulk_create(locations.values())
    Address.objects.bulk_create(
        Address(
            location=locations[v.key],
            address_1=v.address,
            city=PLACE_BY_OUTCODE.get(v.outcode, "Wellbrook"),
            state_province="",
            postal_code=locations[v.key].postcode,
            country="GB",
        )
        for v in venues
    )
    Accessibility.objects.bulk_create(_accessibility(v, locations[v.key]) for v in venues)
    return locations


def _accessibility(venue: Venue, location: Location) -> Accessibility:
    return Accessibility(location=location, description=venue.access)


def _verified_at(listing: L, now: dt.datetime, rng: random.Random) -> dt.datetime:
    if listing.name in STALE:
        return now - dt.timedelta(days=rng.randint(380, 600))
    if listing.name in DUE:
        return now - dt.timedelta(days=rng.randint(190, 330))
    return now - dt.timedelta(days=rng.randint(3, 170))


def build_demo_directory(scheme: Scheme, *, seed: int = 20261123, rows: Sequence[L] | None = None) -> int:
    """Create the demo directory for the scheme (every listing, or just `rows`); returns how many services it made.

    A listing's provider is the scheme's organisation of that name; only the venues the listings use are made.
    """
    from linkwell.directory.services import taxonomy_seed_linkwell

    rng = random.Random(seed + 11)
    now = timezone.now()
    if not TaxonomyTerm.objects.linkwell().exists():
        taxonomy_seed_linkwell()
    terms = {(t.kind, t.code): t for t in TaxonomyTerm.objects.linkwell()}
    rows = list(rows) if rows is not None else listings() + short_listings()
    organisations = {o.name: o for o in Organisation.objects.filter(scheme=scheme)}
    provider_names = sorted({row.provider for row in rows if row.provider in organisations})
    organizations = {
        name: Organization(
            scheme=scheme,
            name=name,
            description=f"{name} runs community activities and support in and around Wellbrook.",
            email=organisations[name].email,
            linkwell_organisation=organisations[name],
        )
        for name in provider_names
    }
    Organization.objects.bulk_create(organizations.values())
    used = {key for row in rows for key in (row.venue, *row.extra_venues)}
    locations = _venue_locations(scheme, rng, [v for v in VENUES if v.key in used])

    services: list[Service] = []
    costs: list[tuple[Service, CostOption]] = []
    for row in rows:
        owner = organisations.get(row.provider)
        fees, cost = parse_cost(row.cost)
        verified = _verified_at(row, now, rng)
        places, waiting = row.capacity
        service = Service(
            scheme=scheme,
            organization=organizations.get(row.provider),
            provider=owner,
            name=row.name,
            description=row.description,
            email=owner.email if owner else "",
            status=NOT_RUNNING.get(row.name, ServiceStatus.ACTIVE),
            fees=fees,
            eligibility_description=row.who,
            minimum_age=row.ages[0],
            maximum_age=row.ages[1],
            accepts_direct_referrals=row.direct,
            capacity_available=places,
            waiting_list_length=waiting,
            capacity_updated_at=verified if places is not None or waiting is not None else None,
            last_verified_at=verified,
            created_at=verified - dt.timedelta(days=rng.randint(30, 900)),
            last_modified=verified,
            application_process=(
                "Ask your link worker or GP to refer you, or get in touch yourself."
                if not row.direct
                else "Health professionals can refer directly; you can also ask your link worker."
            ),
        )
        services.append(service)
        if cost is not None:
            costs.append((service, cost))
    Service.objects.bulk_create(services)

    links: list[ServiceAtLocation] = []
    schedules: list[Schedule] = []
    areas: list[ServiceArea] = []
    phones: list[Phone] = []
    attributes: list[Attribute] = []
    versions: list[ServiceVersion] = []
    for row, service in zip(rows, services, strict=True):
        if row.mode == "place":
            for key in (row.venue, *row.extra_venues):
                links.append(ServiceAtLocation(scheme=scheme, service=service, location=locations[key]))
        else:
            how = {"phone": "By phone", "online": "Online", "home": "At home"}[row.mode]
            areas.append(
                ServiceArea(
                    service=service,
                    name="Wellbrook and the villages",
                    description=f"{how}, for people living in Wellbrook, Ashby Marsh, Kelby, Thornton Fen, "
                    "Little Harrow and Oakmere",
                )
            )
        for text in row.when:
            schedules.append(Schedule(service=service, **parse_schedule(text)))  # type: ignore[arg-type]
        if row.when_text:
            schedules.append(Schedule(service=service, description=row.when_text))
        owner = organisations.get(row.provider)
        phones.append(Phone(service=service, number=owner.phone if owner and owner.phone else "01632 960 000"))
        for kind, codes in (
            (TermKind.CATEGORY, row.categories),
            (TermKind.NEED, row.needs),
            (TermKind.FIVE_WAYS, row.ways),
        ):
            for code in codes:
                term = terms.get((kind, code))
                if term is not None:
                    attributes.append(Attribute(service=service, taxonomy_term=term))
        versions.append(
            ServiceVersion(
                service=service,
                number=1,
                created_at=service.created_at,
                source=VersionSource.SYSTEM,
                note="Listed in the demo directory",
            )
        )
    for service, cost in costs:
        cost.service = service
    ServiceAtLocation.objects.bulk_create(links)
    Schedule.objects.bulk_create(schedules)
    ServiceArea.objects.bulk_create(areas)
    Phone.objects.bulk_create(phones)
    Attribute.objects.bulk_create(attributes)
    CostOption.objects.bulk_create(cost for _, cost in costs)
    ServiceVersion.objects.bulk_create(versions)
    return len(services)
