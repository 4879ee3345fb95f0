"""`linkwell connection-reminders`: remind providers of unanswered connections and escalate overdue ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.connections.services import connection_reminders_run


class Command(BaseCommand):
    help = (
        "Send reminders for connections a provider has not answered within half the scheme's response time, and "
        "escalate to the link worker after the whole response time (working days). Safe to run more than once a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Give --date as YYYY-MM-DD") from None
        run = connection_reminders_run(today=today)
        self.stdout.write(f"Reminders sent: {run.reminders}; escalations: {run.escalations}")
