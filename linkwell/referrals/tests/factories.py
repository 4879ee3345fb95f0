"""Referrals in any state, reached through the real state machine so their events are consistent."""

from __future__ import annotations

import uuid
from typing import Any

from linkwell.accounts.models import Membership
from linkwell.people.models import Person
from linkwell.referrals import lifecycle
from linkwell.referrals.models import ClosureReason, Need, Referral, RejectionReason, Status
from linkwell.referrals.services import referral_create
from linkwell.testing.cast import SchemeCast
from linkwell.testing.factories import PersonFactory

# The path of transitions from "received" to each state.
PATHS: dict[str, list[str]] = {
    Status.RECEIVED: [],
    Status.ACCEPTED: [Status.ACCEPTED],
    Status.REJECTED: [Status.REJECTED],
    Status.CONTACTED: [Status.ACCEPTED, Status.CONTACTED],
    Status.UNABLE_TO_CONTACT: [Status.ACCEPTED, Status.UNABLE_TO_CONTACT],
    Status.ASSESSED: [Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED],
    Status.ACTIVE: [Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED, Status.ACTIVE],
    Status.FOLLOW_UP: [Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.FOLLOW_UP],
    Status.ON_HOLD: [Status.ACCEPTED, Status.CONTACTED, Status.ASSESSED, Status.ACTIVE, Status.ON_HOLD],
    Status.CLOSED: [Status.ACCEPTED, Status.CONTACTED, Status.CLOSED],
    Status.REOPENED: [Status.ACCEPTED, Status.CONTACTED, Status.CLOSED, Status.REOPENED],
}


def step(actor: Membership, referral: Referral, to_status: str, link_worker: Membership) -> Referral:
    """Make one transition to `to_status` with the matching lifecycle function."""
    kwargs: dict[str, Any] = {"actor": actor, "referral": referral}
    match to_status:
        case Status.ACCEPTED:
            return lifecycle.referral_accept(**kwargs, assigned_to=link_worker)
        case Status.REJECTED:
            return lifecycle.referral_reject(**kwargs, reason=RejectionReason.NOT_ELIGIBLE, note="")
        case Status.CONTACTED:
            return lifecycle.referral_record_contacted(**kwargs)
        case Status.UNABLE_TO_CONTACT:
            return lifecycle.referral_mark_unable_to_contact(**kwargs)
        case Status.ASSESSED:
            return lifecycle.referral_mark_assessed(**kwargs)
        case Status.ACTIVE:
            return lifecycle.referral_activate(**kwargs)
        case Status.FOLLOW_UP:
            return lifecycle.referral_start_follow_up(**kwargs)
        case Status.ON_HOLD:
            return lifecycle.referral_put_on_hold(**kwargs, note="Person in hospital")
        case Status.CLOSED:
            return lifecycle.referral_close(**kwargs, reason=ClosureReason.COMPLETED)
        case Status.REOPENED:
            return lifecycle.referral_reopen(**kwargs, note="Asked for more help")
    raise ValueError(to_status)


def person_at(cast: SchemeCast, **fields: Any) -> Person:
    """A person registered at the scheme's main practice."""
    return PersonFactory.create(scheme=cast.scheme, registered_practice=cast.practice, **fields)


def make_referral(
    cast: SchemeCast,
    *,
    status: str = Status.RECEIVED,
    referrer: Membership | None = None,
    person: Person | None = None,
    **fields: Any,
) -> Referral:
    """A referral from the scheme's referrer (or `referrer`), moved to `status` by the scheme's link worker."""
    referrer = referrer or cast.referrer
    if person is None:
        person = PersonFactory.create(scheme=cast.scheme, registered_practice=referrer.organisation)
    values: dict[str, Any] = {
        "needs": [Need.LONELINESS],
        "reason_text": "Lives alone since her husband died and rarely goes out.",
        "consent_to_refer": True,
        "consent_to_share": True,
        "idempotency_key": str(uuid.uuid4()),
    }
    values.update(fields)
    referral = referral_create(actor=referrer, person=person, **values)
    for to_status in PATHS[status]:
        referral = step(cast.link_worker, referral, to_status, cast.link_worker)
    return referral
