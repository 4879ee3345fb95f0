from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction

from linkwell.accounts.models import AuditAction, AuditEvent
from linkwell.referrals import lifecycle
from linkwell.referrals.models import ClosureReason, Referral, ReferralEvent, RejectionReason, Status
from linkwell.testing.cast import Cast

from .factories import PATHS, make_referral

# Every transition function, how to call it, and the state it moves to (None: back to the state held in).
TRANSITIONS: dict[str, tuple[Callable[..., Referral], dict[str, Any], str | None]] = {
    "accept": (lifecycle.referral_accept, {}, Status.ACCEPTED),
    "reject": (lifecycle.referral_reject, {"reason": RejectionReason.OUTSIDE_AREA, "note": ""}, Status.REJECTED),
    "record_contacted": (lifecycle.referral_record_contacted, {}, Status.CONTACTED),
    "mark_unable_to_contact": (lifecycle.referral_mark_unable_to_contact, {}, Status.UNABLE_TO_CONTACT),
    "mark_assessed": (lifecycle.referral_mark_assessed, {}, Status.ASSESSED),
    "activate": (lifecycle.referral_activate, {}, Status.ACTIVE),
    "start_follow_up": (lifecycle.referral_start_follow_up, {}, Status.FOLLOW_UP),
    "put_on_hold": (lifecycle.referral_put_on_hold, {"note": "Away for a month"}, Status.ON_HOLD),
    "resume": (lifecycle.referral_resume, {}, None),
    "close": (lifecycle.referral_close, {"reason": ClosureReason.DECLINED, "note": ""}, Status.CLOSED),
    "reopen": (lifecycle.referral_reopen, {"note": "Asked again"}, Status.REOPENED),
}


def _expected_allowed(state: str, target: str | None) -> bool:
    if target is None:
        return state == Status.ON_HOLD
    return target in lifecycle.ALLOWED[state]


def _call(name: str, cast: Cast, referral: Referral) -> Referral:
    function, extra, _ = TRANSITIONS[name]
    kwargs = dict(extra)
    if name == "accept":
        kwargs["assigned_to"] = cast.north.link_worker
    return function(actor=cast.north.link_worker, referral=referral, **kwargs)


def test_every_state_has_a_row_in_the_table_and_every_target_has_a_function() -> None:
    assert set(lifecycle.ALLOWED) == set(Status.values)
    targets = {target for _, _, target in TRANSITIONS.values() if target is not None}
    for allowed in lifecycle.ALLOWED.values():
        assert allowed <= targets


@pytest.mark.parametrize("state", list(PATHS))
def test_it_allows_exactly_the_transitions_in_the_table(cast: Cast, state: str) -> None:
    referral = make_referral(cast.north, status=state)
    assert referral.status == state
    events_before = referral.events.count()
    audits_before = AuditEvent.objects.count()
    for name, (_, _, target) in TRANSITIONS.items():
        # Try each transition from the same starting point, then roll it back for the next one.
        savepoint = transaction.savepoint_create()
        if _expected_allowed(state, target):
            moved = _call(name, cast, referral)
            expected = target or PATHS[Status.ON_HOLD][-2]
            assert moved.status == expected, name
            last = moved.events.order_by("-at", "-id").first()
            assert last is not None
            assert (last.from_status, last.to_status) == (state, expected), name
            assert last.actor == cast.north.link_worker.user
            assert AuditEvent.objects.count() == audits_before + 1, name
        else:
            with pytest.raises(lifecycle.TransitionNotAllowed):
                _call(name, cast, referral)
            referral.refresh_from_db()
            assert referral.status == state, name
            assert referral.events.count() == events_before, name
            assert AuditEvent.objects.count() == audits_before, name
        transaction.savepoint_rollback(savepoint)
        referral.refresh_from_db()


def test_a_failure_mid_transition_leaves_neither_event_nor_status_change(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = make_referral(cast.north)
    audits_before = AuditEvent.objects.count()

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(lifecycle, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        lifecycle.referral_accept(actor=cast.north.link_worker, referral=referral, assigned_to=cast.north.link_worker)
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert referral.assigned_to is None
    assert list(referral.events.values_list("to_status", flat=True)) == [Status.RECEIVED]
    assert AuditEvent.objects.count() == audits_before


def test_the_cached_status_always_equals_the_status_derived_from_events(cast: Cast) -> None:
    referrals = [make_referral(cast.north, status=state) for state in PATHS]
    lifecycle.referral_resume(actor=cast.north.link_worker, referral=referrals[list(PATHS).index(Status.ON_HOLD)])
    for row in Referral.objects.with_derived_status():
        assert row.status == row.event_status == row.derived_status()  # type: ignore[attr-defined]


def test_resuming_returns_to_the_state_the_referral_was_held_in(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    lifecycle.referral_put_on_hold(actor=cast.north.link_worker, referral=referral, note="In hospital")
    resumed = lifecycle.referral_resume(actor=cast.north.link_worker, referral=referral, note="Home again")
    assert resumed.status == Status.CONTACTED


def test_each_event_records_who_when_from_to_reason_and_note(cast: Cast) -> None:
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        referral = make_referral(cast.north, status=Status.ACTIVE)
    with time_machine.travel("2026-05-04 10:00:00+00:00", tick=False):
        lifecycle.referral_close(
            actor=cast.north.scheme_manager, referral=referral, reason=ClosureReason.MOVED_AWAY, note="Moved to Leeds"
        )
    event = referral.events.order_by("-at", "-id").first()
    assert event is not None
    assert event.actor == cast.north.scheme_manager.user
    assert event.actor_organisation == cast.north.scheme_manager.organisation
    assert (event.from_status, event.to_status, event.reason, event.note) == (
        Status.ACTIVE,
        Status.CLOSED,
        ClosureReason.MOVED_AWAY,
        "Moved to Leeds",
    )
    assert event.reason_label == "Moved away"
    assert event.at.isoformat() == "2026-05-04T10:00:00+00:00"
    audit = AuditEvent.objects.filter(object_type="referrals.Referral", object_id=str(referral.pk)).first()
    assert audit is not None
    assert audit.action == AuditAction.UPDATE
    assert audit.changes["status"] == [Status.ACTIVE, Status.CLOSED]
    assert audit.person_id == referral.person_id


def test_events_and_referrals_cannot_be_changed_or_deleted(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    event = referral.events.first()
    assert event is not None
    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ReferralEvent.objects.filter(referral=referral).update(note="x")
    with pytest.raises(PermissionError):
        ReferralEvent.objects.filter(referral=referral).delete()
    with pytest.raises(PermissionError):
        referral.delete()


@pytest.mark.parametrize("role", ["referrer", "provider", "volunteer", "admin"])
def test_roles_that_do_not_triage_cannot_accept(cast: Cast, role: str) -> None:
    referral = make_referral(cast.north)
    with pytest.raises(PermissionDenied):
        lifecycle.referral_accept(actor=cast.north.member(role), referral=referral, assigned_to=cast.north.link_worker)
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED


def test_a_link_worker_of_another_scheme_cannot_move_a_referral(cast: Cast) -> None:
    referral = make_referral(cast.north)
    with pytest.raises(PermissionDenied):
        lifecycle.referral_reject(
            actor=cast.south.link_worker, referral=referral, reason=RejectionReason.DUPLICATE, note=""
        )


def test_it_assigns_only_a_link_worker_of_the_same_scheme(cast: Cast) -> None:
    referral = make_referral(cast.north)
    for wrong in (cast.south.link_worker, cast.north.scheme_manager, cast.north.referrer):
        with pytest.raises(ValueError, match="link worker"):
            lifecycle.referral_accept(actor=cast.north.link_worker, referral=referral, assigned_to=wrong)
    accepted = lifecycle.referral_accept(
        actor=cast.north.scheme_manager, referral=referral, assigned_to=cast.north.link_worker, note="Sam has space"
    )
    assert accepted.assigned_to == cast.north.link_worker


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c, r: lifecycle.referral_close(actor=c.north.link_worker, referral=r, reason="bored"), "Unknown"),
        (
            lambda c, r: lifecycle.referral_reject(actor=c.north.link_worker, referral=r, reason="nope", note=""),
            "Unknown",
        ),
        (
            lambda c, r: lifecycle.referral_reject(
                actor=c.north.link_worker, referral=r, reason=RejectionReason.OTHER, note=" "
            ),
            "Explain",
        ),
        (lambda c, r: lifecycle.referral_put_on_hold(actor=c.north.link_worker, referral=r, note=""), "why"),
    ],
)
def test_it_refuses_bad_reasons_and_missing_notes(cast: Cast, call: Callable[..., Any], message: str) -> None:
    referral = make_referral(cast.north)
    with pytest.raises(ValueError, match=message):
        call(cast, referral)
    assert referral.events.count() == 1
