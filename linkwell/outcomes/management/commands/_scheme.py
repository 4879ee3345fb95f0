"""Shared argument parsing for the outcomes commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from linkwell.accounts.models import Scheme


def scheme_by_slug(slug: str) -> Scheme:
    try:
        return Scheme.objects.get(slug=slug)
    except Scheme.DoesNotExist:
        raise CommandError(f"No scheme with the slug {slug!r}.") from None


def date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-31") from None
