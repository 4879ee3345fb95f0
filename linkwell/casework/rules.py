"""Derived casework flags, computed from contacts and the scheme's rules rather than stored.

Could not contact (the scheme's contact-attempt rule, "3 attempts over 14 days" by default):
a referral still waiting for first contact (accepted, unable to contact or reopened) is flagged
"could not contact — suggest closing" once `Scheme.contact_attempts_limit` unsuccessful attempts fall
within `Scheme.contact_attempts_window_days` of each other, with no successful contact since the
earliest of them. The window is anchored on the attempts, not on today, so the flag does not lapse
while the referral waits for a decision.

Contact overdue: a referral waiting for first contact whose latest attempt — or, with no attempt
since it entered that state, the moment it did (acceptance) — is more than CONTACT_DUE_WORKING_DAYS
working days (Monday to Friday; bank holidays are not modelled) in the past.

Follow-up due: a referral in follow-up, or one that another app's registered condition marks as due
(`register_follow_up_due`; connections adds prescriptions whose end date has passed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from linkwell.accounts.models import Scheme
from linkwell.referrals.models import Referral, Status

from .models import Contact, Goal, GoalStatus

AWAITING_CONTACT = frozenset({Status.ACCEPTED, Status.UNABLE_TO_CONTACT, Status.REOPENED})
FOLLOW_UP_DUE = frozenset({Status.FOLLOW_UP})
CONTACT_DUE_WORKING_DAYS = 5


def working_days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The moment `days` working days (Monday–Friday) before `moment`."""
    result = moment
    remaining = days
    while remaining > 0:
        result -= dt.timedelta(days=1)
        if result.weekday() < 5:
            remaining -= 1
    return result


def contact_due_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return working_days_before(now or timezone.now(), CONTACT_DUE_WORKING_DAYS)


def _failed_attempts() -> QuerySet[Contact]:
    return Contact.objects.filter(referral=OuterRef("pk"), successful=False).order_by("-occurred_at", "-id")


def with_casework(referrals: QuerySet[Referral], scheme: Scheme, now: dt.datetime | None = None) -> Any:
    """Annotate what a caseload shows and filters on, in the one query that lists the referrals:
    `last_contact_at`, `attempt_count`, `open_goal_count`, `could_not_contact` and `contact_overdue`."""
    limit = scheme.contact_attempts_limit
    window = dt.timedelta(days=scheme.contact_attempts_window_days)
    latest_attempt = Subquery(_failed_attempts().values("occurred_at")[:1], output_field=DateTimeField())
    nth_attempt = Subquery(_failed_attempts().values("occurred_at")[limit - 1 : limit], output_field=DateTimeField())
    success_since_nth = Contact.objects.filter(
        referral=OuterRef("pk"), successful=True, occurred_at__gte=OuterRef("nth_attempt_at")
    )
    last_any_contact = Subquery(
        Contact.objects.filter(referral=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1],
        output_field=DateTimeField(),
    )
    open_goals = Subquery(
        Goal.objects.filter(referral=OuterRef("pk"), status=GoalStatus.OPEN)
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    attempts = Subquery(
        Contact.objects.filter(referral=OuterRef("pk"), successful=False)
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    awaiting = Q(status__in=AWAITING_CONTACT)
    return referrals.annotate(
        last_contact_at=last_any_contact,
        latest_attempt_at=latest_attempt,
        nth_attempt_at=nth_attempt,
        attempt_count=Coalesce(attempts, Value(0)),
        open_goal_count=Coalesce(open_goals, Value(0)),
        contact_reference_at=Greatest(Coalesce(F("latest_attempt_at"), F("status_changed_at")), F("status_changed_at")),
    ).annotate(
        could_not_contact=Q(awaiting)
        & Q(nth_attempt_at__isnull=False)
        & Q(nth_attempt_at__gte=F("latest_attempt_at") - window)
        & ~Exists(success_since_nth),
        contact_overdue=Q(awaiting) & Q(contact_reference_at__lt=contact_due_cutoff(now)),
    )


def filter_could_not_contact(referrals: Any) -> Any:
    return referrals.filter(could_not_contact=True)


def filter_contact_overdue(referrals: Any) -> Any:
    return referrals.filter(contact_overdue=True)


FollowUpCondition = Callable[[dt.datetime], Q]
_FOLLOW_UP_CONDITIONS: list[FollowUpCondition] = []


def register_follow_up_due(condition: FollowUpCondition) -> FollowUpCondition:
    """Add a reason a referral is due for follow-up, as a Q on Referral given the current time (for example,
    connections whose prescription has ended). Build it with Exists(), not joins, so no referral is listed
    twice. Registering twice has no effect."""
    if condition not in _FOLLOW_UP_CONDITIONS:
        _FOLLOW_UP_CONDITIONS.append(condition)
    return condition


def filter_follow_up_due(referrals: Any, now: dt.datetime | None = None) -> Any:
    moment = now or timezone.now()
    due = Q(status__in=FOLLOW_UP_DUE)
    for condition in _FOLLOW_UP_CONDITIONS:
        due |= condition(moment)
    return referrals.filter(due)


def could_not_contact(referral: Referral) -> bool:
    """Whether the scheme's contact-attempt rule suggests closing the referral as "could not contact"."""
    if referral.status not in AWAITING_CONTACT:
        return False
    scheme = referral.scheme
    contacts = list(referral.contacts.order_by("-occurred_at", "-id").values_list("occurred_at", "successful"))
    failed = [at for at, ok in contacts if not ok]
    limit = scheme.contact_attempts_limit
    if len(failed) < limit:
        return False
    latest, nth = failed[0], failed[limit - 1]
    if nth < latest - dt.timedelta(days=scheme.contact_attempts_window_days):
        return False
    return not any(ok and at >= nth for at, ok in contacts)


def contact_overdue(referral: Referral, now: dt.datetime | None = None) -> bool:
    """Whether first contact with the person is overdue (see the module docstring)."""
    if referral.status not in AWAITING_CONTACT:
        return False
    latest = (
        referral.contacts.filter(successful=False)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    reference = max(latest, referral.status_changed_at) if latest else referral.status_changed_at
    return reference < contact_due_cutoff(now)
