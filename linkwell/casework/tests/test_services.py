from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from linkwell.accounts.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.models import Assessment, Contact, ContactKind, Goal, GoalOutcome, GoalStatus
from linkwell.referrals import lifecycle
from linkwell.referrals.models import Need, Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast


def log(cast: Cast, referral: Referral, *, successful: bool = True, **extra: Any) -> Contact:
    values: dict[str, Any] = {
        "kind": ContactKind.PHONE,
        "successful": successful,
        "occurred_at": timezone.now() - dt.timedelta(minutes=5),
        "duration_minutes": 20 if successful else None,
    }
    values.update(extra)
    return services.contact_log(actor=cast.north.link_worker, referral=referral, **values)


def test_the_first_successful_contact_moves_the_referral_to_contacted(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    contact = log(cast, referral, notes="  Spoke for a while  ")
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED
    assert contact.notes == "Spoke for a while"
    assert contact.person_id == referral.person_id
    last = referral.events.order_by("-at", "-id").first()
    assert last is not None and (last.from_status, last.to_status) == (Status.ACCEPTED, Status.CONTACTED)
    summaries = list(AuditEvent.objects.filter(person_id=referral.person_id).values_list("summary", flat=True))
    assert "Logged phone call contact" in summaries and "Referral contacted" in summaries


def test_a_failed_attempt_leaves_the_status_alone(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.UNABLE_TO_CONTACT)
    log(cast, referral, successful=False)
    referral.refresh_from_db()
    assert referral.status == Status.UNABLE_TO_CONTACT
    assert referral.contacts.get().successful is False


def test_a_later_successful_contact_does_not_change_the_status(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACTIVE)
    log(cast, referral)
    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE


def test_contact_and_status_change_are_written_together_or_not_at_all(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    audits = AuditEvent.objects.count()

    def broken(**kwargs: Any) -> Referral:
        raise RuntimeError("database went away")

    monkeypatch.setattr(lifecycle, "referral_record_contacted", broken)
    with pytest.raises(RuntimeError):
        log(cast, referral)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"occurred_at": timezone.now() + dt.timedelta(days=1)}, "future"),
        ({"duration_minutes": None}, "how long"),
        ({"duration_minutes": 481}, "between 0 and 480"),
        ({"kind": "carrier_pigeon"}, "Unknown contact kind"),
    ],
)
def test_it_refuses_bad_contacts_and_writes_nothing(cast: Cast, extra: dict[str, Any], message: str) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    audits = AuditEvent.objects.count()
    if "occurred_at" in extra:
        extra["occurred_at"] = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValueError, match=message):
        log(cast, referral, **extra)
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.CLOSED, Status.REJECTED])
def test_it_refuses_contacts_on_referrals_nobody_is_working_on(cast: Cast, status: str) -> None:
    referral = make_referral(cast.north, status=status)
    with pytest.raises(services.CaseworkNotAllowed):
        log(cast, referral)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("role", ["referrer", "provider", "volunteer", "scheme_manager", "admin"])
def test_only_link_workers_record_casework(cast: Cast, role: str) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.contact_log(
            actor=cast.north.member(role),
            referral=referral,
            kind=ContactKind.PHONE,
            successful=False,
            occurred_at=timezone.now(),
        )


def test_a_link_worker_of_another_scheme_cannot_record_casework(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    with pytest.raises(PermissionDenied):
        services.goal_set(actor=cast.south.link_worker, referral=referral, description="Walk to the shop")
    assert not Goal.objects.exists()


def test_a_double_submitted_contact_is_recorded_once(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    key = uuid.uuid4()
    first = log(cast, referral, creation_key=key)
    second = log(cast, referral, creation_key=key)
    assert first.pk == second.pk
    assert referral.contacts.count() == 1


def test_the_first_assessment_moves_a_contacted_referral_to_assessed_and_later_ones_are_versions(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    first = services.assessment_record(
        actor=cast.north.link_worker,
        referral=referral,
        what_matters="Getting back to the allotment",
        needs=[Need.LONELINESS, Need.LONELINESS, Need.DEBT],
        strengths="Good neighbours",
    )
    referral.refresh_from_db()
    assert referral.status == Status.ASSESSED
    assert first.version == 1 and first.needs == [Need.LONELINESS, Need.DEBT]
    second = services.assessment_record(actor=cast.north.link_worker, referral=referral, what_matters="Singing again")
    assert second.version == 2
    assert services.current_assessment(referral) == second
    assert Assessment.objects.filter(referral=referral).count() == 2
    referral.refresh_from_db()
    assert referral.status == Status.ASSESSED
    with pytest.raises(PermissionError):
        first.delete()


def test_it_refuses_an_assessment_before_the_person_is_reached(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ACCEPTED)
    with pytest.raises(services.CaseworkNotAllowed, match="accepted"):
        services.assessment_record(actor=cast.north.link_worker, referral=referral, what_matters="Company")
    with pytest.raises(ValueError):
        services.assessment_record(
            actor=cast.north.link_worker,
            referral=make_referral(cast.north, status=Status.CONTACTED),
            what_matters="  ",
        )
    assert not Assessment.objects.exists()


def test_a_goal_gets_progress_and_ends_with_an_outcome(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    actor = cast.north.link_worker
    goal = services.goal_set(
        actor=actor,
        referral=referral,
        description="Join the walking group",
        target_date=timezone.localdate() + dt.timedelta(days=30),
    )
    services.goal_record_progress(actor=actor, goal=goal, note="Went once", score=4)
    ended = services.goal_end(actor=actor, goal=goal, outcome=GoalOutcome.PARTLY_ACHIEVED, note="Goes when well")
    assert (ended.status, ended.outcome, ended.ended_by) == (GoalStatus.ENDED, GoalOutcome.PARTLY_ACHIEVED, actor.user)
    assert goal.progress.get().score == 4
    goal.refresh_from_db()
    with pytest.raises(services.CaseworkNotAllowed):
        services.goal_end(actor=actor, goal=goal, outcome=GoalOutcome.ACHIEVED)
    with pytest.raises(services.CaseworkNotAllowed):
        services.goal_record_progress(actor=actor, goal=goal, note="More", score=5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a, g: services.goal_record_progress(actor=a, goal=g, note="Fine", score=11), "0 to 10"),
        (lambda a, g: services.goal_record_progress(actor=a, goal=g, note=" ", score=3), "how the goal"),
        (lambda a, g: services.goal_end(actor=a, goal=g, outcome="sort_of"), "Unknown goal outcome"),
    ],
)
def test_it_refuses_bad_goal_updates_and_writes_nothing(cast: Cast, call: Any, message: str) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    goal = services.goal_set(actor=cast.north.link_worker, referral=referral, description="Cook at home")
    audits = AuditEvent.objects.count()
    with pytest.raises(ValueError, match=message):
        call(cast.north.link_worker, goal)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN and not goal.progress.exists()
    assert AuditEvent.objects.count() == audits


def test_it_refuses_a_goal_with_a_target_date_in_the_past(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED)
    with pytest.raises(ValueError, match="past"):
        services.goal_set(
            actor=cast.north.link_worker,
            referral=referral,
            description="Cook",
            target_date=timezone.localdate() - dt.timedelta(days=1),
        )


def test_an_assessment_and_the_move_to_assessed_are_written_together_or_not_at_all(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    audits = AuditEvent.objects.count()

    def broken(**kwargs: Any) -> Referral:
        raise RuntimeError("lost the connection")

    monkeypatch.setattr(lifecycle, "referral_mark_assessed", broken)
    with pytest.raises(RuntimeError):
        services.assessment_record(actor=cast.north.link_worker, referral=referral, what_matters="Company")
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_goal_does_not_end_without_its_audit_row(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    referral = make_referral(cast.north, status=Status.ACTIVE)
    goal = services.goal_set(actor=cast.north.link_worker, referral=referral, description="Swim")

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.goal_end(actor=cast.north.link_worker, goal=goal, outcome=GoalOutcome.ACHIEVED)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.OPEN and goal.outcome == ""
