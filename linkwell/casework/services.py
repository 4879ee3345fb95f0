"""Every casework write: one keyword-only function per action, each in one transaction with its audit row.

Status changes go through the one state machine, `linkwell.referrals.lifecycle`, inside the same
transaction (its own atomic blocks nest as savepoints), so a contact and the move to "contacted" are
written together or not at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record
from linkwell.referrals import lifecycle
from linkwell.referrals.models import Need, Referral, Status

from .models import (
    MAX_CONTACT_MINUTES,
    Assessment,
    Contact,
    ContactDirection,
    ContactKind,
    Goal,
    GoalOutcome,
    GoalProgress,
    GoalStatus,
)
from .rules import AWAITING_CONTACT

# Nothing is recorded on a referral nobody has taken on, or one that is finished (reopen it first).
NO_CASEWORK = frozenset({Status.RECEIVED, Status.REJECTED, Status.CLOSED})
# An assessment follows a conversation, so the person must have been reached first.
NO_ASSESSMENT = NO_CASEWORK | AWAITING_CONTACT


class CaseworkNotAllowed(Exception):
    """The referral's state does not allow this piece of casework; the message says why."""


def _check(actor: Membership, referral: Referral, closed_states: frozenset[str], message: str) -> None:
    require(actor, Capability.CASEWORK_RECORD)
    if actor.organisation.scheme_id != referral.scheme_id:
        raise PermissionDenied("This referral belongs to another scheme")
    if referral.status in closed_states:
        raise CaseworkNotAllowed(message.format(status=Status(referral.status).label.lower()))


def contact_log(
    *,
    actor: Membership,
    referral: Referral,
    kind: ContactKind | str,
    successful: bool,
    occurred_at: dt.datetime,
    duration_minutes: int | None = None,
    direction: ContactDirection | str = ContactDirection.OUTGOING,
    notes: str = "",
    creation_key: uuid.UUID | None = None,
) -> Contact:
    """Log a contact or a failed attempt; the first successful contact moves the referral to contacted."""
    _check(actor, referral, NO_CASEWORK, "Contacts cannot be logged on a referral that is {status}")
    if kind not in ContactKind.values:
        raise ValueError(f"Unknown contact kind {kind!r}")
    if direction not in ContactDirection.values:
        raise ValueError(f"Unknown direction {direction!r}")
    if occurred_at > timezone.now():
        raise ValueError("A contact cannot be in the future")
    if successful and duration_minutes is None:
        raise ValueError("Say how long the contact took")
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_CONTACT_MINUTES:
        raise ValueError(f"A contact lasts between 0 and {MAX_CONTACT_MINUTES} minutes")
    if creation_key is not None:
        existing = Contact.objects.filter(creation_key=creation_key, referral=referral).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            # Lock the referral: of two first contacts logged at once, only one moves it to contacted.
            status = Referral.objects.select_for_update().values_list("status", flat=True).get(pk=referral.pk)
            contact = Contact.objects.create(
                referral=referral,
                person_id=referral.person_id,
                kind=str(kind),
                direction=str(direction),
                successful=successful,
                occurred_at=occurred_at,
                duration_minutes=duration_minutes,
                notes=notes.strip(),
                recorded_by=actor.user,
                recorded_by_organisation=actor.organisation,
                creation_key=creation_key,
            )
            label = ContactKind(kind).label.lower()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=contact,
                person_id=referral.person_id,
                summary=f"Logged {label} {'contact' if successful else 'attempt (no answer)'}",
                changes={"referral": referral.pk, "successful": successful},
            )
            if successful and status in AWAITING_CONTACT:
                lifecycle.referral_record_contacted(actor=actor, referral=referral, note=f"First contact: {label}")
    except IntegrityError:
        # A concurrent double-submit won the race: hand back its row.
        if creation_key is not None:
            winner = Contact.objects.filter(creation_key=creation_key, referral=referral).first()
            if winner is not None:
                return winner
        raise
    return contact


def current_assessment(referral: Referral) -> Assessment | None:
    return referral.assessments.order_by("-version").first()


def assessment_record(
    *,
    actor: Membership,
    referral: Referral,
    what_matters: str,
    strengths: str = "",
    needs: Sequence[str] = (),
    barriers: str = "",
    notes: str = "",
    creation_key: uuid.UUID | None = None,
) -> Assessment:
    """Record a new version of the assessment; the first one moves a contacted referral to assessed."""
    _check(actor, referral, NO_ASSESSMENT, "An assessment cannot be recorded on a referral that is {status}")
    if not what_matters.strip():
        raise ValueError("Say what matters to the person")
    unknown = set(needs) - set(Need.values)
    if unknown:
        raise ValueError(f"Unknown needs: {', '.join(sorted(unknown))}")
    if creation_key is not None:
        existing = Assessment.objects.filter(creation_key=creation_key, referral=referral).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            # Lock the referral so two assessments saved at once get different version numbers.
            status = Referral.objects.select_for_update().values_list("status", flat=True).get(pk=referral.pk)
            latest = referral.assessments.aggregate(v=Max("version"))["v"] or 0
            assessment = Assessment.objects.create(
                referral=referral,
                version=latest + 1,
                what_matters=what_matters.strip(),
                strengths=strengths.strip(),
                needs=list(dict.fromkeys(needs)),
                barriers=barriers.strip(),
                notes=notes.strip(),
                assessed_by=actor.user,
                assessed_by_organisation=actor.organisation,
                creation_key=creation_key,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=assessment,
                person_id=referral.person_id,
                summary=f"Recorded assessment (version {assessment.version})",
                changes={"referral": referral.pk, "needs": assessment.needs},
            )
            if status in {Status.CONTACTED, Status.REOPENED}:
                lifecycle.referral_mark_assessed(actor=actor, referral=referral)
    except IntegrityError:
        if creation_key is not None:
            winner = Assessment.objects.filter(creation_key=creation_key, referral=referral).first()
            if winner is not None:
                return winner
        raise
    return assessment


def goal_set(
    *,
    actor: Membership,
    referral: Referral,
    description: str,
    target_date: dt.date | None = None,
    creation_key: uuid.UUID | None = None,
) -> Goal:
    """Add a goal the person has chosen."""
    _check(actor, referral, NO_CASEWORK, "Goals cannot be added to a referral that is {status}")
    if not description.strip():
        raise ValueError("Describe the goal")
    if target_date is not None and target_date < timezone.localdate():
        raise ValueError("The target date cannot be in the past")
    if creation_key is not None:
        existing = Goal.objects.filter(creation_key=creation_key, referral=referral).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            goal = Goal.objects.create(
                referral=referral,
                description=description.strip(),
                target_date=target_date,
                created_by=actor.user,
                created_by_organisation=actor.organisation,
                creation_key=creation_key,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=goal,
                person_id=referral.person_id,
                summary="Set a goal",
                changes={"referral": referral.pk, "target_date": str(target_date or "")},
            )
    except IntegrityError:
        if creation_key is not None:
            winner = Goal.objects.filter(creation_key=creation_key, referral=referral).first()
            if winner is not None:
                return winner
        raise
    return goal


def _check_goal(actor: Membership, goal: Goal) -> Referral:
    referral = goal.referral
    _check(actor, referral, NO_CASEWORK, "Goals cannot be changed on a referral that is {status}")
    if not goal.is_open:
        raise CaseworkNotAllowed("This goal has already ended")
    return referral


def goal_record_progress(
    *, actor: Membership, goal: Goal, note: str, score: int, creation_key: uuid.UUID | None = None
) -> GoalProgress:
    """Note how an open goal is going, with a score from 0 (not started) to 10 (done)."""
    referral = _check_goal(actor, goal)
    if not note.strip():
        raise ValueError("Say how the goal is going")
    if not 0 <= score <= 10:
        raise ValueError("The score is a number from 0 to 10")
    if creation_key is not None:
        existing = GoalProgress.objects.filter(creation_key=creation_key, goal=goal).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            progress = GoalProgress.objects.create(
                goal=goal, note=note.strip(), score=score, recorded_by=actor.user, creation_key=creation_key
            )
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=goal,
                person_id=referral.person_id,
                summary=f"Recorded goal progress ({score}/10)",
                changes={"score": score},
            )
    except IntegrityError:
        if creation_key is not None:
            winner = GoalProgress.objects.filter(creation_key=creation_key, goal=goal).first()
            if winner is not None:
                return winner
        raise
    return progress


def goal_end(*, actor: Membership, goal: Goal, outcome: GoalOutcome | str, note: str = "") -> Goal:
    """End an open goal as achieved, partly achieved or not achieved."""
    if outcome not in GoalOutcome.values:
        raise ValueError(f"Unknown goal outcome {outcome!r}")
    referral = goal.referral
    require(actor, Capability.CASEWORK_RECORD)
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        _check_goal(actor, locked)
        locked.status = GoalStatus.ENDED
        locked.outcome = str(outcome)
        locked.ended_at = timezone.now()
        locked.ended_by = actor.user
        locked.end_note = note.strip()
        locked.save(update_fields=["status", "outcome", "ended_at", "ended_by", "end_note"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            person_id=referral.person_id,
            summary=f"Ended a goal: {GoalOutcome(outcome).label.lower()}",
            changes={"status": [GoalStatus.OPEN, GoalStatus.ENDED], "outcome": str(outcome)},
        )
    return locked


def casework_viewed(*, actor: Membership, referral: Referral, request: HttpRequest | None = None) -> None:
    """Audit a read of a referral's casework (contacts, assessment and goals are personal data)."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=referral,
        person_id=referral.person_id,
        summary="Viewed casework",
        request=request,
    )
