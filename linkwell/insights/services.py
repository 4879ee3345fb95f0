"""Insights writes: only the audit rows for record-level downloads (every other page reads aggregates)."""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction

from linkwell.accounts.models import AuditAction, Membership
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.outcomes.evaluation import write_export

from .panels import Table
from .prsb import prsb_table


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


def prsb_dataset_export(
    *, actor: Membership, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Table:
    """The pseudonymised PRSB dataset of the actor's scheme for a period, with its download audited."""
    require(actor, Capability.INSIGHTS_VIEW)
    scheme = actor.organisation.scheme
    with transaction.atomic():
        table = prsb_table(scheme, date_from, date_to)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            scheme=scheme,
            summary=f"PRSB social prescribing dataset ({len(table.rows)} referrals, received "
            f"{date_from or 'start'} to {date_to or 'today'})",
        )
    return table
