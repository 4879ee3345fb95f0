"""Form fields shared by every app: the NHS.UK date input (day, month, year) and its validation."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest


class DateInputWidget(forms.MultiWidget):
    template_name = "nhsuk/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "nhsuk-input nhsuk-date-input__input nhsuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "nhsuk-input nhsuk-date-input__input nhsuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "nhsuk-input nhsuk-date-input__input nhsuk-input--width-4",
                }
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with messages that say which part is wrong."""

    widget = DateInputWidget

    def __init__(self, *, past_only: bool = False, earliest_year: int = 1900, **kwargs: Any) -> None:
        self.past_only = past_only
        self.earliest_year = earliest_year
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{self.label or 'Date'} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.label or 'Date'} must be a real date, in numbers", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label or 'Date'} must be a real date", code="invalid") from None
        if value.year < self.earliest_year:
            raise ValidationError(f"{self.label or 'Date'} must be after {self.earliest_year}", code="too_early")
        if self.past_only and value > dt.date.today():
            raise ValidationError(f"{self.label or 'Date'} must be in the past", code="future")
        return value

    def clean(self, value: Any) -> Any:
        # Empty optional dates skip the per-part checks of MultiValueField.
        if not self.required and (not value or not any(str(v or "").strip() for v in value)):
            return None
        return super().clean(value)


def submitted_key(request: HttpRequest, name: str = "creation_key") -> uuid.UUID | None:
    """The form's one-time creation key (a hidden UUID), so a double-submit finds the first record."""
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError:
        return None
