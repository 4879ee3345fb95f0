"""Working days for the provider response clock: Monday to Friday, skipping England and Wales bank holidays.

The bank holidays are a small hard-coded table (gov.uk's published dates for 2025–2027, England and Wales).
Extend it each year; a date outside the table is treated as an ordinary weekday
(docs/adr/0013-connections.md).
"""

from __future__ import annotations

import datetime as dt

BANK_HOLIDAYS_ENGLAND_AND_WALES: frozenset[dt.date] = frozenset(
    dt.date.fromisoformat(day)
    for day in (
        # 2025
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-05",
        "2025-05-26",
        "2025-08-25",
        "2025-12-25",
        "2025-12-26",
        # 2026 (Boxing Day falls on a Saturday: the substitute day is Monday 28 December)
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",
        # 2027 (Christmas Day and Boxing Day fall at the weekend: substitutes on 27 and 28 December)
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",
        "2027-12-28",
    )
)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS_ENGLAND_AND_WALES


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
