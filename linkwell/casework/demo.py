"""Demo casework for the demo scheme's referrals: contacts, assessments and goals consistent with each
referral's event history (linkwell/referrals/demo.py), bulk-inserted.

Reading the events in order: attempts before "unable to contact" and before a late first contact; a
successful call at "contacted"; a face-to-face meeting and an assessment at "assessed"; goals with progress
once support is under way, ended with an outcome when the referral closed. A few referrals still waiting
for first contact get enough failed attempts to show the "could not contact" flag. The goals, strengths and
barriers are a `CaseworkMix`, so another demo scheme can bring its own.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Role, Scheme
from linkwell.accounts.services import audit_record
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent, Status

from .models import Assessment, Contact, ContactKind, Goal, GoalOutcome, GoalProgress, GoalStatus

S = Status

GOALS = [
    "Go to the lunch club every week",
    "Walk to the park and back without stopping",
    "Join a singing group",
    "Get help with the energy bill arrears",
    "Make a benefits check appointment and go to it",
    "Video-call the grandchildren on my own",
    "Get back to the allotment twice a week",
    "Cook a proper meal three times a week",
    "Try the gentle exercise class at the leisure centre",
    "Talk to someone about how I'm feeling",
    "Find a volunteering role",
]
STRENGTHS = [
    "Good sense of humour; close to a neighbour",
    "Used to run a team at work; organised",
    "Loves music and gardening",
    "Daughter visits at weekends",
    "Determined, and keen to try things",
]
BARRIERS = [
    "Bus fare and not knowing the way",
    "Confidence after the fall",
    "Caring duties most days",
    "Anxious in new places",
    "Money is tight",
]
PROGRESS_NOTES = ["Went once, found it hard", "Going most weeks now", "Had to miss a couple", "Enjoying it"]


@dataclass(frozen=True)
class CaseworkMix:
    """The words of a demo scheme's casework: goals people set, strengths and barriers found at assessment."""

    goals: Sequence[str]
    strengths: Sequence[str]
    barriers: Sequence[str]


WELLBROOK = CaseworkMix(goals=GOALS, strengths=STRENGTHS, barriers=BARRIERS)
OUTCOMES_WHEN_COMPLETED = [
    (GoalOutcome.ACHIEVED, 60),
    (GoalOutcome.PARTLY_ACHIEVED, 30),
    (GoalOutcome.NOT_ACHIEVED, 10),
]
OUTCOMES_OTHERWISE = [(GoalOutcome.ACHIEVED, 15), (GoalOutcome.PARTLY_ACHIEVED, 35), (GoalOutcome.NOT_ACHIEVED, 50)]


def _between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    if end <= start:
        return start
    return start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def _pick(rng: random.Random, table: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*table, strict=True)
    return str(rng.choices(values, weights=weights)[0])


def _contact(
    rng: random.Random,
    now: dt.datetime,
    referral: Referral,
    worker: Membership,
    at: dt.datetime,
    kind: str,
    successful: bool,
    notes: str,
) -> Contact:
    moment = min(at, now)
    return Contact(
        referral=referral,
        person_id=referral.person_id,
        kind=kind,
        successful=successful,
        occurred_at=moment,
        duration_minutes=rng.choice([10, 15, 20, 30, 45, 60]) if successful else None,
        notes=notes,
        recorded_at=moment,
        recorded_by=worker.user,
        recorded_by_organisation=worker.organisation,
    )


def build_demo_casework(scheme: Scheme, rng: random.Random, *, mix: CaseworkMix = WELLBROOK) -> int:
    """Add contacts, assessments and goals to a demo scheme's referrals; returns how many rows were made."""
    now = timezone.now()
    workers = {
        m.pk: m
        for m in Membership.objects.filter(organisation__scheme=scheme, role=Role.LINK_WORKER).select_related(
            "user", "organisation"
        )
    }
    if not workers:
        return 0
    fallback = next(iter(workers.values()))
    referrals = {r.pk: r for r in Referral.objects.filter(scheme=scheme).exclude(assigned_to=None)}
    events: dict[int, list[ReferralEvent]] = defaultdict(list)
    for event in ReferralEvent.objects.filter(referral__scheme=scheme).order_by("at", "id"):
        events[event.referral_id].append(event)

    contacts: list[Contact] = []
    assessments: list[Assessment] = []
    goals: list[Goal] = []
    progress_for: list[tuple[Goal, list[tuple[dt.datetime, int, str]]]] = []

    for pk, referral in referrals.items():
        worker = workers.get(referral.assigned_to_id or 0, fallback)

        def contact(at: dt.datetime, kind: str, successful: bool, notes: str = "") -> None:
            contacts.append(_contact(rng, now, referral, worker, at, kind, successful, notes))  # noqa: B023 (called at once)

        history = events.get(pk, [])
        accepted_at: dt.datetime | None = None
        assessed_at: dt.datetime | None = None
        active_at: dt.datetime | None = None
        closing: ReferralEvent | None = None
        for index, event in enumerate(history):
            upcoming = history[index + 1].at if index + 1 < len(history) else now
            if event.to_status == S.ACCEPTED:
                accepted_at = event.at
            elif event.to_status == S.UNABLE_TO_CONTACT and accepted_at is not None:
                for _ in range(3):
                    contact(_between(rng, accepted_at, event.at), ContactKind.PHONE, False)
            elif event.to_status == S.CONTACTED and event.from_status in {S.ACCEPTED, S.UNABLE_TO_CONTACT}:
                if accepted_at is not None and rng.random() < 0.4:
                    contact(_between(rng, accepted_at, event.at), ContactKind.PHONE, False)
                contact(event.at, ContactKind.PHONE, True, "Introduced the service; arranged to meet.")
            elif event.to_status == S.ASSESSED and assessed_at is None:
                assessed_at = event.at
                contact(event.at, rng.choice([ContactKind.FACE_TO_FACE, ContactKind.HOME_VISIT]), True)
                assessments.append(
                    Assessment(
                        referral=referral,
                        version=1,
                        what_matters=referral.what_matters or rng.choice(mix.goals),
                        strengths=rng.choice(mix.strengths),
                        needs=list(referral.needs),
                        barriers=rng.choice(mix.barriers),
                        assessed_at=event.at,
                        assessed_by=worker.user,
                        assessed_by_organisation=worker.organisation,
                    )
                )
            elif event.to_status == S.ACTIVE and active_at is None:
                active_at = event.at
            elif event.to_status == S.FOLLOW_UP:
                contact(event.at, ContactKind.PHONE, True, "Follow-up call.")
            elif event.to_status == S.CLOSED:
                closing = event
            if event.to_status in {S.ACTIVE, S.FOLLOW_UP} and rng.random() < 0.5:
                contact(_between(rng, event.at, upcoming), rng.choice(list(ContactKind)), True)

        if referral.status in {S.ACCEPTED, S.REOPENED} and accepted_at is not None:
            # Some referrals still waiting for first contact: a few attempts, sometimes enough to be flagged.
            tries = rng.choice([0, 0, 1, 2, scheme.contact_attempts_limit])
            for _ in range(tries):
                contact(_between(rng, max(accepted_at, now - dt.timedelta(days=10)), now), ContactKind.PHONE, False)

        if assessed_at is None:
            continue
        start = active_at or assessed_at
        ended = closing if closing is not None and closing.at >= start else None
        for description in rng.sample(mix.goals, rng.choice([1, 2, 2, 3])):
            created = _between(rng, assessed_at, min(start + dt.timedelta(days=7), now))
            if ended is not None:
                created = min(created, ended.at)
            goal = Goal(
                referral=referral,
                description=description,
                target_date=(created + dt.timedelta(weeks=rng.choice([6, 8, 12]))).date(),
                created_at=created,
                created_by=worker.user,
                created_by_organisation=worker.organisation,
            )
            finish = ended.at if ended is not None else now
            steps = []
            if active_at is not None:
                for _ in range(rng.choice([0, 1, 2, 3])):
                    steps.append((_between(rng, created, finish), rng.randint(2, 9), rng.choice(PROGRESS_NOTES)))
            if ended is not None:
                table = OUTCOMES_WHEN_COMPLETED if ended.reason == ClosureReason.COMPLETED else OUTCOMES_OTHERWISE
                goal.status = GoalStatus.ENDED
                goal.outcome = _pick(rng, table)
                goal.ended_at = ended.at
                goal.ended_by = worker.user
            goals.append(goal)
            progress_for.append((goal, sorted(steps)))

    Contact.objects.bulk_create(contacts, batch_size=1000)
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    Goal.objects.bulk_create(goals, batch_size=1000)
    progress = [
        GoalProgress(goal=goal, note=note, score=score, recorded_at=at, recorded_by=goal.created_by)
        for goal, steps in progress_for
        for at, score, note in steps
    ]
    GoalProgress.objects.bulk_create(progress, batch_size=1000)
    made = len(contacts) + len(assessments) + len(goals) + len(progress)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        obj=scheme,
        scheme=scheme,
        summary=(
            f"Demo casework: {len(contacts)} contacts, {len(assessments)} assessments, "
            f"{len(goals)} goals with {len(progress)} progress notes"
        ),
    )
    return made
