"""The one referral state machine: an allowed-transitions table and one function per transition.

Every transition locks the referral row, checks the table, appends an immutable ReferralEvent, refreshes
the cached `Referral.status` and writes an audit row, all in one transaction: either all of it happens
or none of it does (docs/adr/0012-referral-state-machine.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import AuditAction, Membership, Role
from linkwell.accounts.policies import Capability, require
from linkwell.accounts.services import audit_record

from .models import ClosureReason, Referral, ReferralEvent, RejectionReason, Status

S = Status

# States from which a referral may move, and where to. A referral on hold either closes or resumes
# (`referral_resume`) to the state it was held in, which is not a choice, so it is not in the table.
ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.ON_HOLD}),
    S.ACCEPTED: frozenset({S.CONTACTED, S.UNABLE_TO_CONTACT, S.ON_HOLD, S.CLOSED}),
    S.UNABLE_TO_CONTACT: frozenset({S.CONTACTED, S.ON_HOLD, S.CLOSED}),
    S.CONTACTED: frozenset({S.ASSESSED, S.ON_HOLD, S.CLOSED}),
    S.ASSESSED: frozenset({S.ACTIVE, S.ON_HOLD, S.CLOSED}),
    S.ACTIVE: frozenset({S.FOLLOW_UP, S.ON_HOLD, S.CLOSED}),
    S.FOLLOW_UP: frozenset({S.ACTIVE, S.ON_HOLD, S.CLOSED}),
    S.ON_HOLD: frozenset({S.CLOSED}),
    S.REOPENED: frozenset({S.CONTACTED, S.UNABLE_TO_CONTACT, S.ASSESSED, S.ACTIVE, S.FOLLOW_UP, S.ON_HOLD, S.CLOSED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REJECTED: frozenset(),
}

# Resuming is not a state; TransitionNotAllowed names it this way in its message.
RESUME_LABEL = "resumed"

# States in which nobody is working on the referral.
FINISHED = frozenset({S.CLOSED, S.REJECTED})


class TransitionNotAllowed(Exception):
    """The referral's current status does not allow this change."""

    def __init__(self, referral: Referral, from_status: str, to_status: str) -> None:
        target = Status(to_status).label.lower() if to_status in Status.values else to_status
        super().__init__(f"A referral that is {Status(from_status).label.lower()} cannot become {target}")
        self.referral = referral
        self.from_status = from_status
        self.to_status = to_status


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED.get(from_status, frozenset())


def _check_actor(actor: Membership, referral: Referral, capability: Capability) -> None:
    require(actor, capability)
    if actor.organisation.scheme_id != referral.scheme_id:
        raise PermissionDenied("This referral belongs to another scheme")


def _transition(
    *,
    actor: Membership,
    referral: Referral,
    to_status: str,
    capability: Capability,
    reason: str = "",
    note: str = "",
    assigned_to: Membership | None = None,
    resuming: bool = False,
) -> Referral:
    _check_actor(actor, referral, capability)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        from_status = locked.status
        if resuming:
            if from_status != S.ON_HOLD:
                raise TransitionNotAllowed(locked, from_status, to_status)
        elif not is_allowed(from_status, to_status):
            raise TransitionNotAllowed(locked, from_status, to_status)
        now = timezone.now()
        ReferralEvent.objects.create(
            referral=locked,
            at=now,
            actor=actor.user,
            actor_organisation=actor.organisation,
            actor_role=actor.role,
            actor_label=actor.user.display_name,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            note=note.strip(),
            assigned_to=assigned_to,
        )
        locked.status = to_status
        locked.status_changed_at = now
        update_fields = ["status", "status_changed_at"]
        if assigned_to is not None:
            locked.assigned_to = assigned_to
            update_fields.append("assigned_to")
        locked.save(update_fields=update_fields)
        changes: dict[str, object] = {"status": [from_status, to_status]}
        if reason:
            changes["reason"] = reason
        if assigned_to is not None:
            changes["assigned_to"] = [str(referral.assigned_to_id or ""), str(assigned_to.pk)]
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            person_id=locked.person_id,
            summary=f"Referral {Status(to_status).label.lower()}",
            changes=changes,
        )
    referral.status = locked.status
    referral.status_changed_at = locked.status_changed_at
    referral.assigned_to = locked.assigned_to
    return locked


def _check_link_worker(referral: Referral, assigned_to: Membership) -> None:
    if (
        assigned_to.role != Role.LINK_WORKER
        or not assigned_to.is_active
        or assigned_to.organisation.scheme_id != referral.scheme_id
    ):
        raise ValueError("Assign the referral to an active link worker in this scheme")


def referral_accept(*, actor: Membership, referral: Referral, assigned_to: Membership, note: str = "") -> Referral:
    """Accept a received referral and assign it to a link worker."""
    _check_link_worker(referral, assigned_to)
    return _transition(
        actor=actor,
        referral=referral,
        to_status=S.ACCEPTED,
        capability=Capability.REFERRAL_TRIAGE,
        note=note,
        assigned_to=assigned_to,
    )


def referral_reject(*, actor: Membership, referral: Referral, reason: RejectionReason | str, note: str) -> Referral:
    """Decline a received referral with a reason the referrer will see."""
    if reason not in RejectionReason.values:
        raise ValueError(f"Unknown rejection reason {reason!r}")
    if reason == RejectionReason.OTHER and not note.strip():
        raise ValueError("Explain the reason in the note")
    return _transition(
        actor=actor,
        referral=referral,
        to_status=S.REJECTED,
        capability=Capability.REFERRAL_TRIAGE,
        reason=str(reason),
        note=note,
    )


def referral_record_contacted(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Record that the link worker has spoken with the person."""
    return _transition(
        actor=actor, referral=referral, to_status=S.CONTACTED, capability=Capability.REFERRAL_MANAGE, note=note
    )


def referral_mark_unable_to_contact(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Record that contact attempts have not reached the person."""
    return _transition(
        actor=actor,
        referral=referral,
        to_status=S.UNABLE_TO_CONTACT,
        capability=Capability.REFERRAL_MANAGE,
        note=note,
    )


def referral_mark_assessed(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Record that the "what matters to me" assessment is done."""
    return _transition(
        actor=actor, referral=referral, to_status=S.ASSESSED, capability=Capability.REFERRAL_MANAGE, note=note
    )


def referral_activate(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Mark the person as actively supported (connections prescribed)."""
    return _transition(
        actor=actor, referral=referral, to_status=S.ACTIVE, capability=Capability.REFERRAL_MANAGE, note=note
    )


def referral_start_follow_up(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Move an active referral to follow-up."""
    return _transition(
        actor=actor, referral=referral, to_status=S.FOLLOW_UP, capability=Capability.REFERRAL_MANAGE, note=note
    )


def referral_put_on_hold(*, actor: Membership, referral: Referral, note: str) -> Referral:
    """Pause work on a referral, saying why."""
    if not note.strip():
        raise ValueError("Say why the referral is on hold")
    return _transition(
        actor=actor, referral=referral, to_status=S.ON_HOLD, capability=Capability.REFERRAL_MANAGE, note=note
    )


def status_before_hold(referral: Referral) -> str:
    """The state a held referral was in when it was put on hold."""
    held = referral.events.filter(to_status=S.ON_HOLD).order_by("-at", "-id").first()
    if held is None or not held.from_status:
        raise ValueError("This referral has no hold to resume from")
    return held.from_status


def referral_resume(*, actor: Membership, referral: Referral, note: str = "") -> Referral:
    """Take a referral off hold, back to the state it was held in."""
    _check_actor(actor, referral, Capability.REFERRAL_MANAGE)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != S.ON_HOLD:
            raise TransitionNotAllowed(locked, locked.status, RESUME_LABEL)
        return _transition(
            actor=actor,
            referral=referral,
            to_status=status_before_hold(locked),
            capability=Capability.REFERRAL_MANAGE,
            note=note,
            resuming=True,
        )


def referral_close(*, actor: Membership, referral: Referral, reason: ClosureReason | str, note: str = "") -> Referral:
    """Close a referral with one of the closed-loop reasons."""
    if reason not in ClosureReason.values:
        raise ValueError(f"Unknown closure reason {reason!r}")
    return _transition(
        actor=actor,
        referral=referral,
        to_status=S.CLOSED,
        capability=Capability.REFERRAL_MANAGE,
        reason=str(reason),
        note=note,
    )


def referral_reopen(*, actor: Membership, referral: Referral, note: str) -> Referral:
    """Reopen a closed referral, saying why."""
    if not note.strip():
        raise ValueError("Say why the referral is being reopened")
    return _transition(
        actor=actor, referral=referral, to_status=S.REOPENED, capability=Capability.REFERRAL_MANAGE, note=note
    )
