"""Directory services, referrals and connections in any state, reached through the real services."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, Role
from linkwell.connections import lifecycle, services
from linkwell.connections.models import Connection, ConnectionStatus, DeclineReason, StopReason
from linkwell.directory.models import Service, ServiceStatus
from linkwell.referrals.models import Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.cast import SchemeCast
from linkwell.testing.factories import MembershipFactory

CS = ConnectionStatus


def make_service(
    cast: SchemeCast, *, provider: Organisation | None = None, name: str = "Tuesday Walk", **fields: Any
) -> Service:
    """An active directory service of the cast's scheme, run by its provider organisation unless told."""
    values: dict[str, Any] = {
        "scheme": cast.scheme,
        "provider": provider if provider is not None else cast.provider_org,
        "name": name,
        "description": "A gentle walk in the park, followed by tea.",
        "status": ServiceStatus.ACTIVE,
        "last_verified_at": timezone.now(),
    }
    values.update(fields)
    return Service.objects.create(**values)


def provider_member(cast: SchemeCast, service: Service) -> Membership | None:
    """A provider membership of the service's organisation (the cast has one only for `provider_org`)."""
    if service.provider_id is None:
        return None
    if service.provider_id == cast.provider_org.pk:
        return cast.provider
    existing = Membership.objects.filter(organisation_id=service.provider_id, role=Role.PROVIDER).first()
    if existing is not None:
        return existing
    return MembershipFactory.create(organisation_id=service.provider_id, role=Role.PROVIDER)


def assessed_referral(cast: SchemeCast, **fields: Any) -> Referral:
    return make_referral(cast, status=Status.ASSESSED, **fields)


def make_connection(
    cast: SchemeCast,
    *,
    status: str = CS.SENT,
    service: Service | None = None,
    referral: Referral | None = None,
    weeks: int | None = 8,
) -> Connection:
    """A connection moved to `status` by the cast's link worker and provider."""
    service = service or make_service(cast)
    referral = referral or assessed_referral(cast)
    connection = services.connection_propose(
        actor=cast.link_worker,
        referral=referral,
        service=service,
        prescription_weeks=weeks,
        why_referred="Would like to get out more and meet people.",
    )
    path = {
        CS.PROPOSED: [],
        CS.SENT: [CS.SENT],
        CS.ACCEPTED: [CS.SENT, CS.ACCEPTED],
        CS.WAITLISTED: [CS.SENT, CS.WAITLISTED],
        CS.DECLINED: [CS.SENT, CS.DECLINED],
        CS.ATTENDING: [CS.SENT, CS.ACCEPTED, CS.ATTENDING],
        CS.COMPLETED: [CS.SENT, CS.ACCEPTED, CS.ATTENDING, CS.COMPLETED],
        CS.STOPPED: [CS.SENT, CS.ACCEPTED, CS.STOPPED],
    }[CS(status)]
    provider = provider_member(cast, service)
    for to_status in path:
        match to_status:
            case CS.SENT:
                services.connection_send(actor=cast.link_worker, connection=connection)
            case CS.ACCEPTED:
                assert provider is not None
                lifecycle.connection_accept(actor=provider, connection=connection)
            case CS.WAITLISTED:
                assert provider is not None
                lifecycle.connection_waitlist(actor=provider, connection=connection)
            case CS.DECLINED:
                assert provider is not None
                lifecycle.connection_decline(actor=provider, connection=connection, reason=DeclineReason.NO_CAPACITY)
            case CS.ATTENDING:
                assert provider is not None
                lifecycle.connection_start_attending(actor=provider, connection=connection)
            case CS.COMPLETED:
                lifecycle.connection_complete(actor=cast.link_worker, connection=connection)
            case CS.STOPPED:
                lifecycle.connection_stop(actor=cast.link_worker, connection=connection, reason=StopReason.HEALTH)
    connection.refresh_from_db()
    return connection
