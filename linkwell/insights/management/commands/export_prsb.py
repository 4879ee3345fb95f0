"""Write the PRSB social prescribing dataset: `linkwell export-prsb --scheme SLUG [--from D --to D] PATH`."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from linkwell.accounts.models import AuditAction
from linkwell.accounts.services import audit_record
from linkwell.insights.exports import table_csv
from linkwell.insights.prsb import describe_period, prsb_table
from linkwell.outcomes.management.commands._scheme import date_arg, scheme_by_slug


class Command(BaseCommand):
    help = (
        "Write the PRSB social prescribing dataset as CSV: one pseudonymised row per referral received in the "
        "period, columns grouped by the standard's four sections (docs/prsb-dataset.md). '-' writes to "
        "standard output. Nothing is written when an argument is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", required=True, help="The scheme's slug")
        parser.add_argument("--from", dest="date_from", type=date_arg, help="First day referrals were received")
        parser.add_argument("--to", dest="date_to", type=date_arg, help="Last day referrals were received")
        parser.add_argument("path", help="Where to write the CSV, or - for standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = options["date_from"], options["date_to"]
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"--from ({date_from}) is after --to ({date_to}).")
        scheme = scheme_by_slug(options["scheme"])
        path = options["path"]
        target = None if path == "-" else _writable(path)
        with transaction.atomic():
            table = prsb_table(scheme, date_from, date_to)
            body = table_csv(table, describe_period(scheme, date_from, date_to))
            if target is None:
                sys.stdout.write(body)
            else:
                _write_whole(target, body)
            audit_record(
                actor=None,
                scheme=scheme,
                action=AuditAction.EXPORT,
                summary=f"PRSB social prescribing dataset exported ({len(table.rows)} referrals, received "
                f"{date_from or 'start'} to {date_to or 'today'})",
            )
        if target is not None:
            self.stdout.write(f"Wrote {len(table.rows)} referrals to {target}.")


def _writable(path: str) -> Path:
    target = Path(path)
    if target.is_dir():
        raise CommandError(f"Cannot write {path}: it is a folder; give a file name.")
    if not target.parent.is_dir():
        raise CommandError(f"Cannot write {path}: the folder {target.parent} does not exist.")
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CommandError(f"Cannot write {path}: permission denied.")
    return target


def _write_whole(target: Path, body: str) -> None:
    # Write beside the target and rename, so a failure never leaves half a file behind.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(body)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CommandError(f"Cannot write {target}: {error}") from None
