"""The dashboard filters: a date range of receipt, a practice, a link worker and a need, all optional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwell.forms import DateField
from linkwell.referrals.models import Need

from . import queries

# Longer ranges are allowed, but a range this long is almost certainly a typing mistake in the year.
MAX_RANGE_YEARS = 20


class _MembershipChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.first_name} {obj.user.last_name}".strip() or obj.user.email


class PeriodForm(forms.Form):
    """A period: both ends optional, the end not before the start."""

    date_from = DateField(label="Received from", required=False, earliest_year=2000)
    date_to = DateField(label="Received to", required=False, earliest_year=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to",
                f"{self.fields['date_to'].label} must be the same as or after "
                f"{str(self.fields['date_from'].label).lower()}",
            )
        elif start and end and (end - start).days > 366 * MAX_RANGE_YEARS:
            self.add_error("date_to", f"The date range must be shorter than {MAX_RANGE_YEARS} years")
        return data


class EvaluationPeriodForm(PeriodForm):
    date_from = DateField(label="Baselines from", required=False, earliest_year=2000)
    date_to = DateField(label="Baselines to", required=False, earliest_year=2000)


class DashboardFilterForm(PeriodForm):
    practice: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Practice",
        required=False,
        queryset=None,
        empty_label="All practices",
        error_messages={"invalid_choice": "Choose a practice from the list"},
    )
    link_worker = _MembershipChoiceField(
        label="Link worker",
        required=False,
        queryset=None,
        empty_label="All link workers",
        error_messages={"invalid_choice": "Choose a link worker from the list"},
    )
    need = forms.ChoiceField(
        label="Need",
        required=False,
        choices=[("", "All needs"), *Need.choices],
        error_messages={"invalid_choice": "Choose a need from the list"},
    )

    def __init__(self, *args: Any, scheme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme_id = scheme_id
        self.fields["practice"].queryset = queries.practices_for(scheme_id)  # type: ignore[attr-defined]
        self.fields["link_worker"].queryset = queries.link_workers_for(scheme_id)  # type: ignore[attr-defined]

    def filters(self) -> queries.Filters:
        """The validated filters; call only after is_valid()."""
        data = self.cleaned_data
        return queries.Filters(
            scheme_id=self.scheme_id,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            practice_id=data["practice"].pk if data.get("practice") else None,
            link_worker_id=data["link_worker"].pk if data.get("link_worker") else None,
            need=data.get("need") or None,
        )
