from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from linkwell.accounts.models import AuditEvent
from linkwell.connections import lifecycle, services
from linkwell.connections.models import (
    Connection,
    ConnectionEvent,
    ConnectionStatus,
    DeclineReason,
    StopReason,
)
from linkwell.people.models import ConsentScope
from linkwell.people.services import consent_withdraw
from linkwell.referrals.models import ReferralEvent, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import Cast

from .factories import assessed_referral, make_connection, make_service

CS = ConnectionStatus
pytestmark = pytest.mark.django_db


def test_it_proposes_a_connection_and_activates_the_assessed_referral(cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    service = make_service(cast.north)
    connection = services.connection_propose(
        actor=cast.north.link_worker, referral=referral, service=service, prescription_weeks=12, why_referred="Lonely"
    )
    referral.refresh_from_db()
    assert connection.status == CS.PROPOSED
    assert referral.status == Status.ACTIVE
    assert list(connection.events.values_list("from_status", "to_status")) == [("", CS.PROPOSED)]
    assert AuditEvent.objects.filter(object_type="connections.Connection", object_id=str(connection.pk)).exists()


def test_it_returns_the_first_connection_for_a_repeated_creation_key(cast: Cast) -> None:
    import uuid

    referral = assessed_referral(cast.north)
    service = make_service(cast.north)
    key = uuid.uuid4()
    first, second = (
        services.connection_propose(
            actor=cast.north.link_worker,
            referral=referral,
            service=service,
            prescription_weeks=None,
            why_referred="Lonely",
            creation_key=key,
        )
        for _ in range(2)
    )
    assert first.pk == second.pk
    assert Connection.objects.count() == 1


def test_it_refuses_to_prescribe_before_the_assessment(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    with pytest.raises(services.ConnectionNotPossible):
        services.connection_propose(
            actor=cast.north.link_worker,
            referral=referral,
            service=make_service(cast.north),
            prescription_weeks=8,
            why_referred="x",
        )
    assert Connection.objects.count() == 0


def test_it_refuses_a_second_open_connection_to_the_same_service(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.PROPOSED)
    with pytest.raises(services.ConnectionNotPossible):
        services.connection_propose(
            actor=cast.north.link_worker,
            referral=connection.referral,
            service=connection.service,
            prescription_weeks=8,
            why_referred="again",
        )


def test_it_refuses_to_send_without_consent_to_share(cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED, consent_to_share=False)
    connection = services.connection_propose(
        actor=cast.north.link_worker,
        referral=referral,
        service=make_service(cast.north),
        prescription_weeks=8,
        why_referred="x",
    )
    with pytest.raises(services.ConnectionNotPossible, match="not agreed"):
        services.connection_send(actor=cast.north.link_worker, connection=connection)
    connection.refresh_from_db()
    assert connection.status == CS.PROPOSED


def test_it_refuses_to_send_to_a_service_without_a_provider_organisation(cast: Cast) -> None:
    service = make_service(cast.north)
    service.provider = None
    service.save()
    connection = make_connection(cast.north, status=CS.PROPOSED, service=service)
    with pytest.raises(services.ConnectionNotPossible, match="no provider"):
        services.connection_send(actor=cast.north.link_worker, connection=connection)


def test_it_starts_the_prescription_clock_on_acceptance(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED, weeks=8)
    assert connection.starts_on is not None
    assert connection.ends_on is not None
    assert (connection.ends_on - connection.starts_on).days == 56
    assert connection.responded_at is not None


def test_an_open_ended_connection_has_no_end_date(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED, weeks=None)
    assert connection.ends_on is None
    assert connection.length_label == "Open-ended"


def test_it_declines_with_reason(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.DECLINED)
    assert connection.decline_reason == DeclineReason.NO_CAPACITY
    event = connection.events.last()
    assert event is not None and event.reason_label == "No places available"


def test_it_needs_a_note_to_decline_for_another_reason(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    with pytest.raises(ValueError, match="Explain"):
        lifecycle.connection_decline(actor=cast.north.provider, connection=connection, reason=DeclineReason.OTHER)


def test_another_provider_cannot_answer(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    with pytest.raises(PermissionDenied):
        lifecycle.connection_accept(actor=cast.south.provider, connection=connection)
    other_org_provider = cast.north.provider
    other_service = make_service(cast.north, provider=cast.north.other_provider_org, name="Choir")
    choir = make_connection(cast.north, status=CS.SENT, service=other_service)
    with pytest.raises(PermissionDenied):
        lifecycle.connection_accept(actor=other_org_provider, connection=choir)


def test_a_link_worker_cannot_answer_for_the_provider(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    with pytest.raises(PermissionDenied):
        lifecycle.connection_accept(actor=cast.north.link_worker, connection=connection)


@pytest.mark.parametrize(
    ("start", "target"),
    [(CS.PROPOSED, CS.ACCEPTED), (CS.DECLINED, CS.ACCEPTED), (CS.COMPLETED, CS.STOPPED), (CS.SENT, CS.COMPLETED)],
)
def test_it_refuses_transitions_outside_the_table(cast: Cast, start: str, target: str) -> None:
    connection = make_connection(cast.north, status=start)
    before = ConnectionEvent.objects.count()
    with pytest.raises(lifecycle.ConnectionTransitionNotAllowed):
        lifecycle.transition(actor=cast.north.link_worker, connection=connection, to_status=target)
    assert ConnectionEvent.objects.count() == before


def test_every_status_in_the_table_has_an_entry() -> None:
    assert set(lifecycle.ALLOWED) == set(CS.values)


def test_stopping_needs_a_known_reason(cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    with pytest.raises(ValueError):
        lifecycle.connection_stop(actor=cast.north.link_worker, connection=connection, reason="bored")
    stopped = lifecycle.connection_stop(
        actor=cast.north.link_worker, connection=connection, reason=StopReason.MOVED_AWAY
    )
    assert stopped.status == CS.STOPPED and stopped.ended_at is not None


def test_event_and_audit_are_written_together_or_not_at_all(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    events_before = ConnectionEvent.objects.count()
    audits_before = AuditEvent.objects.count()

    def broken_audit(**kwargs: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(lifecycle, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        lifecycle.connection_accept(actor=cast.north.provider, connection=connection)
    connection.refresh_from_db()
    assert connection.status == CS.SENT
    assert connection.starts_on is None
    assert ConnectionEvent.objects.count() == events_before
    assert AuditEvent.objects.count() == audits_before


def test_a_failed_proposal_leaves_the_referral_and_audit_untouched(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    referral = assessed_referral(cast.north)
    referral_events = ReferralEvent.objects.filter(referral=referral).count()
    audits_before = AuditEvent.objects.count()

    def broken_activate(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services.referral_lifecycle, "referral_activate", broken_activate)
    with pytest.raises(RuntimeError):
        services.connection_propose(
            actor=cast.north.link_worker,
            referral=referral,
            service=make_service(cast.north),
            prescription_weeks=8,
            why_referred="x",
        )
    referral.refresh_from_db()
    assert referral.status == Status.ASSESSED
    assert Connection.objects.count() == 0
    assert ReferralEvent.objects.filter(referral=referral).count() == referral_events
    assert AuditEvent.objects.count() == audits_before


def test_a_provider_loses_sight_of_a_person_who_withdraws_consent(cast: Cast) -> None:
    from linkwell.people.models import Person

    connection = make_connection(cast.north, status=CS.ACCEPTED)
    provider = cast.north.provider
    assert Connection.objects.visible_to(provider).filter(pk=connection.pk).exists()
    assert Person.objects.visible_to(provider).filter(pk=connection.person_id).exists()
    consent = connection.person.current_consents()[ConsentScope.SHARE_WITH_PROVIDERS]
    consent_withdraw(actor=cast.north.link_worker, consent=consent, reason="Changed their mind")
    assert not Connection.objects.visible_to(provider).filter(pk=connection.pk).exists()
    assert not Person.objects.visible_to(provider).filter(pk=connection.person_id).exists()


def test_providers_do_not_see_proposed_connections_or_other_organisations(cast: Cast) -> None:
    from linkwell.people.models import Person

    proposed = make_connection(cast.north, status=CS.PROPOSED)
    choir = make_connection(
        cast.north, status=CS.SENT, service=make_service(cast.north, provider=cast.north.other_provider_org)
    )
    visible = Connection.objects.visible_to(cast.north.provider)
    assert not visible.filter(pk__in=[proposed.pk, choir.pk]).exists()
    assert (
        not Person.objects.visible_to(cast.north.provider).filter(pk__in=[proposed.person_id, choir.person_id]).exists()
    )
    assert not Connection.objects.visible_to(cast.south.provider).exists()
    assert not Connection.objects.visible_to(cast.north.volunteer).exists()


def test_the_demo_lays_connections_along_active_referrals(cast: Cast) -> None:
    import random

    from linkwell.connections.demo import build_demo_connections

    make_service(cast.north)
    for _ in range(4):
        make_referral(cast.north, status=Status.ACTIVE)
    made = build_demo_connections(cast.north.scheme, random.Random(3))
    assert made >= 4
    for connection in Connection.objects.prefetch_related("events"):
        events = list(connection.events.all())
        assert events[-1].to_status == connection.status
        assert all(lifecycle.is_allowed(a.to_status, b.to_status) for a, b in itertools.pairwise(events))
