"""Write the pseudonymised record-level outcomes CSV: `linkwell export-outcomes --scheme SLUG PATH`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from linkwell.accounts.models import AuditAction
from linkwell.accounts.services import audit_record
from linkwell.outcomes.evaluation import EXPORT_COLUMNS, write_export

from ._scheme import date_arg, scheme_by_slug


class Command(BaseCommand):
    help = (
        f"Write the evaluation's data as CSV ({','.join(EXPORT_COLUMNS)}): one row per person, reported score "
        "and timepoint, with a per-scheme pseudonym instead of any identifier. '-' writes to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", required=True, help="The scheme's slug")
        parser.add_argument("--from", dest="date_from", type=date_arg, help="First baseline date (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=date_arg, help="Last baseline date (YYYY-MM-DD)")
        parser.add_argument("path", help="Where to write the CSV, or - for standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = scheme_by_slug(options["scheme"])
        path = options["path"]
        with transaction.atomic():
            if path == "-":
                count = write_export(scheme, sys.stdout, options["date_from"], options["date_to"])
            else:
                try:
                    with Path(path).open("w", encoding="utf-8", newline="") as out:
                        count = write_export(scheme, out, options["date_from"], options["date_to"])
                except OSError as error:
                    raise CommandError(f"Cannot write {path}: {error}") from None
            audit_record(
                actor=None, scheme=scheme, action=AuditAction.EXPORT, summary=f"Outcomes exported ({count} rows)"
            )
        if path != "-":
            self.stdout.write(f"Wrote {count} rows to {path}.")
