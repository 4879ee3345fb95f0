"""Scoped access to connections, accompaniments and attendance cards: the only way views reach them."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role
from linkwell.accounts.policies import Capability, require
from linkwell.directory.models import Service, ServiceQuerySet
from linkwell.people.models import Person
from linkwell.referrals.models import Referral

from .models import (
    Accompaniment,
    AccompanimentQuerySet,
    Attendance,
    AttendanceCard,
    Connection,
    ConnectionQuerySet,
)


def connections_for(membership: Membership | None) -> ConnectionQuerySet:
    """Connections the acting membership may see (empty for roles that see none)."""
    return Connection.objects.visible_to(membership)


def get_connection_for(membership: Membership | None, pk: int) -> Connection:
    """One connection in the membership's scope, or 404."""
    try:
        return (
            connections_for(membership).select_related("service__provider", "person", "referral", "scheme").get(pk=pk)
        )
    except Connection.DoesNotExist:
        raise Http404("No such connection") from None


def connections_of_referral(membership: Membership | None, referral: Referral) -> ConnectionQuerySet:
    """A visible referral's connections that the membership may see."""
    return connections_for(membership).filter(referral=referral).select_related("service__provider")


def accompaniments_for(membership: Membership | None) -> AccompanimentQuerySet:
    """Accompaniments the membership may see: a volunteer's own, or the scheme's for link workers."""
    return Accompaniment.objects.visible_to(membership)


def get_accompaniment_for(membership: Membership | None, pk: int) -> Accompaniment:
    """One accompaniment in the membership's scope, or 404."""
    try:
        return accompaniments_for(membership).select_related("connection__service", "connection__person").get(pk=pk)
    except Accompaniment.DoesNotExist:
        raise Http404("No such accompaniment") from None


def cards_for(membership: Membership | None, person: Person) -> QuerySet[AttendanceCard]:
    """A visible person's attendance cards, for those who issue them."""
    return AttendanceCard.objects.visible_to(membership).filter(person=person)


def provider_services_for(membership: Membership | None) -> ServiceQuerySet:
    """The services a provider organisation answers connections and takes registers for."""
    require(membership, Capability.ATTENDANCE_RECORD)
    assert membership is not None
    return Service.objects.filter(scheme_id=membership.organisation.scheme_id).provided_by(membership.organisation)


def prescribable_services_for(membership: Membership) -> ServiceQuerySet:
    """Active services of the membership's scheme that a link worker may prescribe."""
    require(membership, Capability.CONNECTION_PROPOSE)
    return Service.objects.filter(scheme_id=membership.organisation.scheme_id).active().select_related("provider")


def volunteers_for(membership: Membership) -> QuerySet[Membership]:
    """Active volunteers of the membership's scheme, to ask to accompany someone."""
    require(membership, Capability.CONNECTION_PROPOSE)
    return (
        Membership.objects.active()
        .filter(role=Role.VOLUNTEER, organisation__scheme_id=membership.organisation.scheme_id)
        .select_related("user", "organisation")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def attendance_marks_for(membership: Membership | None, service: Service, session_date: dt.date) -> dict[int, str]:
    """{connection pk: status} for one session of a service, over the connections the membership may see."""
    rows = Attendance.objects.visible_to(membership).filter(connection__service=service, session_date=session_date)
    return dict(rows.values_list("connection_id", "status"))
