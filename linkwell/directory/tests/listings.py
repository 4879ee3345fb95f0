"""Small builders for directory listings in tests (the directory's own factories may grow alongside)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation, Scheme
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from linkwell.places.models import Postcode


def make_service(
    scheme: Scheme,
    name: str,
    *,
    description: str = "",
    provider: Organisation | None = None,
    categories: Iterable[str] = (),
    schedules: Iterable[dict[str, Any]] = (),
    amount: Decimal | str | None = None,
    fees: str = "",
    place: tuple[float, float] | None = None,
    postcode: str = "",
    accessibility: str = "",
    transportation: str = "",
    area: str = "",
    verified_days_ago: int | None = 10,
    **fields: Any,
) -> Service:
    """A published listing with optional place, schedules, cost and categories."""
    now = timezone.now()
    verified = now - dt.timedelta(days=verified_days_ago) if verified_days_ago is not None else None
    fields.setdefault("created_at", verified or now)
    service = Service.objects.create(
        scheme=scheme,
        name=name,
        description=description,
        provider=provider,
        fees=fees,
        last_verified_at=verified,
        **fields,
    )
    for code in categories:
        Attribute.objects.create(service=service, taxonomy_term=TaxonomyTerm.objects.linkwell().filter(code=code)[0])
    for row in schedules:
        Schedule.objects.create(service=service, **row)
    if area:
        ServiceArea.objects.create(service=service, name=area)
    if amount is not None:
        CostOption.objects.create(service=service, amount=Decimal(str(amount)), option="per session", currency="GBP")
    if place is not None or postcode:
        location = Location.objects.create(
            scheme=scheme,
            name=f"{name} hall",
            latitude=place[0] if place else None,
            longitude=place[1] if place else None,
            postcode=postcode,
            transportation=transportation,
        )
        Address.objects.create(location=location, address_1="1 High Street", city="Wellbrook", postal_code=postcode)
        if accessibility:
            Accessibility.objects.create(location=location, description=accessibility)
        ServiceAtLocation.objects.create(scheme=scheme, service=service, location=location)
    return service


def make_postcode(postcode: str, latitude: float, longitude: float) -> Postcode:
    found, _ = Postcode.objects.get_or_create(
        postcode=postcode,
        defaults={"outcode": postcode.split()[0], "latitude": latitude, "longitude": longitude, "is_demo": True},
    )
    return found
