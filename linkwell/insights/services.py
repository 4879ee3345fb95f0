"""Insights writes: only the audit row for a record-level download (every other page reads aggregates)."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction

from linkwell.accounts.models import AuditAction, Membership
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.outcomes.evaluation import write_export


def evaluation_extract_export(
    *, actor: Membership, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> str:
    """The pseudonymised record-level outcomes extract for evaluators as CSV, with its download audited."""
    require(actor, Capability.INSIGHTS_VIEW)
    scheme = actor.organisation.scheme
    out = io.StringIO()
    with transaction.atomic():
        count = write_export(scheme, out, date_from, date_to)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            scheme=scheme,
            summary=f"Pseudonymised outcomes extract ({count} rows, baselines {date_from or 'start'} to "
            f"{date_to or 'today'})",
        )
    return out.getvalue()
