"""Demo referrals for the Wellbrook scheme: ~1,500 over 18 months, every state and source, consistent events.

Each referral's history is simulated step by step through the same transitions lifecycle.py allows, then the
referrals and their events are bulk-inserted with the cached status equal to the last event's state. Who refers,
for which needs and in whose words is a `ReferralMix`, so another demo scheme can bring its own.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Organisation, OrganisationKind, Role, Scheme
from linkwell.accounts.services import audit_record
from linkwell.people.models import Person

from .lifecycle import ALLOWED
from .models import Channel, ClosureReason, Need, Referral, ReferralEvent, RejectionReason, Source, Status, Urgency

S = Status
DAYS = 548  # 18 months

NEED_WEIGHTS = {
    Need.LONELINESS: 30,
    Need.LOW_MOOD: 26,
    Need.DEBT: 10,
    Need.BENEFITS: 9,
    Need.HOUSING: 7,
    Need.EMPLOYMENT: 5,
    Need.PHYSICAL_INACTIVITY: 14,
    Need.WEIGHT: 6,
    Need.LONG_TERM_CONDITION: 12,
    Need.BEREAVEMENT: 8,
    Need.CARING: 6,
    Need.SUBSTANCE_USE: 3,
    Need.FOOD: 4,
    Need.RELATIONSHIPS: 3,
    Need.DIGITAL: 3,
    Need.OTHER: 2,
}

REASONS = {
    Need.LONELINESS: "Lives alone and says some weeks they speak to nobody.",
    Need.LOW_MOOD: "Low mood for several months; not wanting medication, keen to try other support.",
    Need.DEBT: "Worried about arrears on energy bills and a catalogue debt.",
    Need.BENEFITS: "Not sure what they are entitled to since stopping work.",
    Need.HOUSING: "Damp flat affecting their breathing; landlord not responding.",
    Need.EMPLOYMENT: "Out of work for a year and losing confidence.",
    Need.PHYSICAL_INACTIVITY: "Hardly leaves the house since the fall; wants to get stronger.",
    Need.WEIGHT: "Would like support to lose weight alongside others.",
    Need.LONG_TERM_CONDITION: "Struggling to manage diabetes and feels on their own with it.",
    Need.BEREAVEMENT: "Wife died in the spring; finding evenings very hard.",
    Need.CARING: "Full-time carer for their mother and exhausted.",
    Need.SUBSTANCE_USE: "Drinking more since retiring; wants something to fill the days.",
    Need.FOOD: "Skipping meals to make money last.",
    Need.RELATIONSHIPS: "Family arguments are getting them down.",
    Need.DIGITAL: "Wants to learn to video-call the grandchildren.",
    Need.OTHER: "Asked for help with getting out and about.",
}

WHAT_MATTERS = [
    "Getting back to the allotment",
    "Seeing people again",
    "Being able to walk to the shops",
    "Singing, like they used to",
    "Sorting out money so they can sleep",
    "Feeling useful again",
    "Spending time outdoors",
    "Learning something new",
    "",
    "",
    "",
]

CLINICIANS = ["Dr Amir Rahman", "Dr Sarah Holt", "Nurse Kate Ellis", "Dr Tom Baines", "Nurse Joan Pike"]

SOURCES = [
    (Source.GP, 55),
    (Source.SELF, 12),
    (Source.COUNCIL, 10),
    (Source.NHS_TEAM, 9),
    (Source.PHARMACY, 6),
    (Source.OTHER, 8),
]
REFERRER_NAMES = ["Jo Clarke", "Ben Ward", "Asha Patel", "Lee Morgan", "Ruth Evans"]


@dataclass(frozen=True)
class ReferralMix:
    """What a demo scheme's referrals look like: who refers, for which needs, and the words they use."""

    sources: Sequence[tuple[str, int]]
    needs: Mapping[Need, int]
    reasons: Mapping[Need, str]  # one sentence per need in `needs`
    what_matters: Sequence[str]
    clinicians: Sequence[str]  # GP-source referrers without a demo login
    referrer_names: Sequence[str]  # everyone else's referrers
    safeguarding_details: str


WELLBROOK = ReferralMix(
    sources=SOURCES,
    needs=NEED_WEIGHTS,
    reasons=REASONS,
    what_matters=WHAT_MATTERS,
    clinicians=CLINICIANS,
    referrer_names=REFERRER_NAMES,
    safeguarding_details="Neighbour worried about visitors taking money.",
)

CLOSE_EARLY = [
    (ClosureReason.NO_LONGER_INTERESTED, 30),
    (ClosureReason.DECLINED, 20),
    (ClosureReason.REFERRED_ELSEWHERE, 20),
    (ClosureReason.MOVED_AWAY, 8),
    (ClosureReason.NOT_ELIGIBLE, 8),
    (ClosureReason.NO_CAPACITY, 6),
    (ClosureReason.DIED, 2),
]
CLOSE_AFTER_FOLLOW_UP = [
    (ClosureReason.COMPLETED, 85),
    (ClosureReason.NO_LONGER_INTERESTED, 8),
    (ClosureReason.REFERRED_ELSEWHERE, 7),
]


@dataclass
class _Step:
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str = ""
    note: str = ""
    assign: bool = False


@dataclass
class _History:
    steps: list[_Step] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.steps[-1].to_status

    def add(self, at: dt.datetime, to: str, **kwargs: object) -> None:
        previous = self.status if self.steps else ""
        if previous and previous != S.ON_HOLD and to not in ALLOWED[previous]:
            raise AssertionError(f"demo history breaks the state machine: {previous} -> {to}")
        self.steps.append(_Step(at=at, from_status=previous, to_status=to, **kwargs))  # type: ignore[arg-type]


def _choose(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def _simulate(rng: random.Random, received: dt.datetime, now: dt.datetime) -> _History:
    """One referral's history from receipt until now, following the allowed transitions."""
    history = _History()
    history.add(received, S.RECEIVED)
    at = received

    def later(low: float, high: float) -> bool:
        nonlocal at
        at = at + dt.timedelta(days=rng.uniform(low, high), hours=rng.uniform(0, 6))
        return at <= now

    if not later(0.2, 9):
        return history
    if rng.random() < 0.07:
        reason = _choose(rng, [(r, 1) for r in RejectionReason.values if r != RejectionReason.OTHER])
        history.add(at, S.REJECTED, reason=reason, note="Talked this through with the referrer.")
        return history
    history.add(at, S.ACCEPTED, assign=True)
    if not later(1, 8):
        return history
    if rng.random() < 0.14:
        history.add(at, S.UNABLE_TO_CONTACT, note="Three calls and a letter, no answer.")
        if not later(7, 21):
            return history
        if rng.random() < 0.6:
            history.add(at, S.CLOSED, reason=ClosureReason.COULD_NOT_CONTACT)
            return history
    history.add(at, S.CONTACTED, note="Spoke by phone; arranged to meet.")
    for to_status, low, high in ((S.ASSESSED, 3, 14), (S.ACTIVE, 2, 10), (S.FOLLOW_UP, 42, 84)):
        if rng.random() < 0.05:
            history.add(at, S.ON_HOLD, note="In hospital for a few weeks.")
            if not later(10, 35):
                return history
            history.add(at, history.steps[-2].to_status, note="Back home and keen to carry on.")
        if rng.random() < 0.08:
            if not later(1, 20):
                return history
            history.add(at, S.CLOSED, reason=_choose(rng, CLOSE_EARLY))
            return history
        if not later(low, high):
            return history
        history.add(at, to_status)
    if not later(14, 42):
        return history
    history.add(
        at,
        S.CLOSED,
        reason=_choose(rng, CLOSE_AFTER_FOLLOW_UP),
        note="Settled into the groups they chose; summary sent to the GP.",
    )
    if rng.random() < 0.04 and later(20, 90):
        history.add(at, S.REOPENED, note="Asked for more help after a difficult winter.")
        if later(3, 20):
            history.add(at, S.ACTIVE)
    return history


def build_demo_referrals(scheme: Scheme, rng: random.Random, *, count: int = 1500, mix: ReferralMix = WELLBROOK) -> int:
    """Add demo referrals with their event histories to a demo scheme; returns how many were made."""
    now = timezone.now()
    people = list(Person.objects.filter(scheme=scheme).order_by("pk"))
    organisations = list(Organisation.objects.filter(scheme=scheme).order_by("pk"))
    if not people or not organisations:
        return 0
    by_kind: dict[str, list[Organisation]] = {}
    for each in organisations:
        by_kind.setdefault(each.kind, []).append(each)
    link_workers = list(
        Membership.objects.filter(organisation__scheme=scheme, role=Role.LINK_WORKER).select_related(
            "user", "organisation"
        )
    )
    referrer_users = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(organisation__scheme=scheme, role=Role.REFERRER).select_related("user")
    }
    if not link_workers:
        return 0

    kind_for_source: dict[str, str] = {
        Source.COUNCIL: OrganisationKind.COUNCIL_TEAM,
        Source.NHS_TEAM: OrganisationKind.NHS_TEAM,
        Source.PHARMACY: OrganisationKind.PHARMACY,
        Source.OTHER: OrganisationKind.VOLUNTARY_PROVIDER,
    }
    needs_values, needs_weights = zip(*mix.needs.items(), strict=True)
    referrals: list[Referral] = []
    histories: list[_History] = []
    assignees: list[Membership] = []
    for _ in range(count):
        person = rng.choice(people)
        # More referrals lately, as schemes grow: skew the age towards the recent months.
        age_days = DAYS * (1 - rng.random() ** 0.8)
        received = now - dt.timedelta(days=age_days, minutes=rng.randint(0, 600))
        source = _choose(rng, mix.sources)
        organisation: Organisation | None = None
        channel = Channel.FORM
        referrer_name = "Self-referral"
        user = None
        if source == Source.GP:
            organisation = person.registered_practice or rng.choice(by_kind[OrganisationKind.GP_PRACTICE])
            user = referrer_users.get(organisation.pk)
            referrer_name = user.display_name if user is not None and rng.random() < 0.7 else rng.choice(mix.clinicians)
            channel = Channel.API if rng.random() < 0.2 else Channel.FORM
        elif source == Source.SELF:
            channel = Channel.SELF_FORM
        else:
            organisation = rng.choice(by_kind.get(kind_for_source[source], organisations))
            referrer_name = rng.choice(mix.referrer_names)
        chosen = sorted(set(rng.choices(needs_values, weights=needs_weights, k=rng.choice([1, 1, 2, 2, 3]))))
        safeguarding = rng.random() < 0.03
        history = _simulate(rng, received, now)
        assignee = rng.choice(link_workers)
        last = history.steps[-1]
        referrals.append(
            Referral(
                uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                scheme=scheme,
                person=person,
                source=source,
                channel=channel,
                referring_organisation=organisation,
                referred_by=user,
                referrer_name=referrer_name,
                needs=list(chosen),
                reason_text=" ".join(mix.reasons[n] for n in chosen),
                what_matters=rng.choice(mix.what_matters),
                urgency=Urgency.URGENT if rng.random() < 0.08 else Urgency.ROUTINE,
                safeguarding_concern=safeguarding,
                safeguarding_details=mix.safeguarding_details if safeguarding else "",
                received_at=received,
                status=last.to_status,
                status_changed_at=last.at,
                assigned_to=assignee if any(step.assign for step in history.steps) else None,
            )
        )
        histories.append(history)
        assignees.append(assignee)
    Referral.objects.bulk_create(referrals, batch_size=500)
    events: list[ReferralEvent] = []
    for referral, history, assignee in zip(referrals, histories, assignees, strict=True):
        for step in history.steps:
            actor = assignee if step.from_status else None
            events.append(
                ReferralEvent(
                    referral=referral,
                    at=step.at,
                    actor=actor.user if actor else referral.referred_by,
                    actor_organisation=actor.organisation if actor else referral.referring_organisation,
                    actor_role=actor.role if actor else "",
                    actor_label=actor.user.display_name if actor else referral.referrer_name,
                    from_status=step.from_status,
                    to_status=step.to_status,
                    reason=step.reason,
                    note=step.note,
                    assigned_to=assignee if step.assign else None,
                )
            )
    ReferralEvent.objects.bulk_create(events, batch_size=1000)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=scheme,
        scheme=scheme,
        summary=f"Demo data: {len(referrals)} referrals with {len(events)} events",
    )
    return len(referrals)
