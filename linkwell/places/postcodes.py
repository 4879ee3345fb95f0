"""Postcode validation and lookup.

A postcode is accepted when it has a valid UK shape and is either live in the ONS directory shipped with
`uk-postcodes-parsing`, or known to this deployment's postcode table (imported ONS data, or the demo's
fictional area — see docs/adr/0005-demo-postcodes.md).
"""

from __future__ import annotations

import re

import uk_postcodes_parsing as ukp
from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Outcode, Postcode

_SPACES = re.compile(r"\s+")


def postcode_shape(value: str) -> str | None:
    """The normalised form ("LS1 4AP") when the text has a valid UK postcode shape, else None."""
    compact = _SPACES.sub("", value or "").upper()
    if not 5 <= len(compact) <= 7:
        return None
    parsed = ukp.parse(compact, attempt_fix=False)
    if parsed is None:
        return None
    return str(parsed.postcode)


def is_demo_postcode(normalised: str) -> bool:
    area = settings.LINKWELL_DEMO_POSTCODE_AREA
    return bool(area) and re.match(rf"^{area}\d", normalised) is not None


def normalise_postcode(value: str) -> str:
    """Validate a postcode and return it normalised, or raise ValidationError with a plain message."""
    normalised = postcode_shape(value)
    if normalised is None:
        raise ValidationError("Enter a full UK postcode, like LS1 4AP", code="postcode_format")
    if is_demo_postcode(normalised):
        if Postcode.objects.filter(postcode=normalised, is_demo=True).exists():
            return normalised
        raise ValidationError(f"{normalised} is not one of the demo area's postcodes", code="postcode_unknown")
    if ukp.is_in_ons_postcode_directory(normalised) or Postcode.objects.filter(postcode=normalised).exists():
        return normalised
    raise ValidationError(f"We cannot find {normalised}. Check it is a current postcode", code="postcode_unknown")


def coordinates_for(normalised: str) -> tuple[float, float] | None:
    """Latitude and longitude of a postcode (or its outward code's centre), or None when unknown."""
    row = Postcode.objects.filter(postcode=normalised, latitude__isnull=False).values_list("latitude", "longitude")
    found = row.first()
    if found is not None and found[0] is not None and found[1] is not None:
        return (found[0], found[1])
    outcode = normalised.split(" ")[0]
    centre = Outcode.objects.filter(outcode=outcode).values_list("latitude", "longitude").first()
    return (centre[0], centre[1]) if centre is not None else None
