"""Reading a practice's CSV of GP appointment counts: every row checked, every problem named with its line."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.utils import timezone

from linkwell.accounts.models import Scheme
from linkwell.people.models import Person
from linkwell.people.validators import normalise_nhs_number
from linkwell.referrals.models import Referral

from .services import AppointmentRow

COLUMNS = ("nhs_number", "referral_date", "appointments_before", "appointments_after")
MAX_APPOINTMENTS = 366  # more than one a day for a year is a data error, not a person
MAX_ROWS = 200_000
# A referral within this many days of the file's referral date is taken to be the same referral.
REFERRAL_MATCH_DAYS = 31


class UnreadableFile(ValueError):
    """The file cannot be read as the expected CSV: nothing is imported."""


def _count(value: str, what: str) -> tuple[int | None, str | None]:
    text = value.strip()
    if not text:
        return None, f"{what} is missing."
    if not text.isdigit():
        return None, f"{what} must be a whole number of 0 or more (it was {text!r})."
    number = int(text)
    if number > MAX_APPOINTMENTS:
        return None, f"{what} is {number}, more than {MAX_APPOINTMENTS} in a year: check the file."
    return number, None


def _date(value: str) -> tuple[dt.date | None, str | None]:
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date(), None
        except ValueError:
            continue
    return None, f"The referral date must be a date like 2026-03-31 (it was {text!r})."


def parse_appointments(data: bytes, scheme: Scheme) -> tuple[list[AppointmentRow], list[tuple[int, str]]]:
    """The valid rows matched to people in the scheme, and (line, problem) for every row left out."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text; save it as CSV (UTF-8) and try again.") from None
    if "\x00" in text:
        raise UnreadableFile("The file is not a CSV text file.")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if header is None:
            raise UnreadableFile("The file is empty.")
        names = [name.strip().lower() for name in header]
        missing = [column for column in COLUMNS if column not in names]
        if missing:
            raise UnreadableFile(
                f"The file has no {', '.join(missing)} column; the first line must name the columns "
                f"{','.join(COLUMNS)}."
            )
        position = {column: names.index(column) for column in COLUMNS}
        raw_rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise UnreadableFile(f"The file is not valid CSV: {error}.") from None
    if len(raw_rows) > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows; split it and import each part.")

    problems: list[tuple[int, str]] = []
    checked: list[tuple[int, str, dt.date, int, int]] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for line, row in raw_rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            problems.append((line, f"This row has {len(row)} values but the header has {len(names)}."))
            continue
        messages: list[str] = []
        try:
            nhs = normalise_nhs_number(row[position["nhs_number"]])
        except ValidationError as error:
            messages.append(f"NHS number: {error.messages[0]}.")
            nhs = ""
        when, date_problem = _date(row[position["referral_date"]])
        before, before_problem = _count(row[position["appointments_before"]], "Appointments before")
        after, after_problem = _count(row[position["appointments_after"]], "Appointments after")
        messages += [m for m in (date_problem, before_problem, after_problem) if m]
        if when is not None and when > timezone.localdate():
            messages.append("The referral date is in the future.")
        if messages or when is None or before is None or after is None:
            problems.append((line, " ".join(messages)))
            continue
        if (nhs, when) in seen:
            problems.append((line, f"The same NHS number and referral date are on line {seen[(nhs, when)]}."))
            continue
        seen[(nhs, when)] = line
        checked.append((line, nhs, when, before, after))

    people = {
        p.nhs_number: p
        for p in Person.objects.filter(scheme=scheme, nhs_number__in={nhs for _, nhs, _, _, _ in checked})
    }
    referrals: dict[int, list[Referral]] = {}
    for referral in Referral.objects.filter(scheme=scheme, person__in=people.values()).order_by("received_at"):
        referrals.setdefault(referral.person_id, []).append(referral)
    rows: list[AppointmentRow] = []
    for line, nhs, when, before, after in checked:
        person = people.get(nhs)
        if person is None:
            problems.append((line, "No one with this NHS number is recorded in this scheme."))
            continue
        near = [
            r for r in referrals.get(person.pk, []) if abs((r.received_at.date() - when).days) <= REFERRAL_MATCH_DAYS
        ]
        near.sort(key=lambda r: abs((r.received_at.date() - when).days))
        rows.append(AppointmentRow(line, nhs, when, before, after, person, near[0] if near else None))
    problems.sort()
    return rows, problems
