"""NHS number validation (Modulus 11 via the `nhs-number` package)."""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]")


def normalise_nhs_number(value: str) -> str:
    """Return the 10-digit NHS number, or raise ValidationError with a message a person understands."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError("Enter an NHS number of 10 digits, like 943 476 5919", code="nhs_number_format")
    # 0000000000 passes Modulus 11 but is never issued.
    if digits == "0000000000" or not nhs_number.is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number. Check the digits and try again", code="nhs_number_checksum"
        )
    return digits


def format_nhs_number(digits: str) -> str:
    """Show an NHS number the way people read it: 943 476 5919."""
    if len(digits) != 10:
        return digits
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
