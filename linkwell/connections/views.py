"""Connections: prescribe and send (link workers), answer and take attendance (providers), accompany
(volunteers), book directly (referrers), end, close and send the message back."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from linkwell.accounts.models import AuditAction, Membership, Role
from linkwell.accounts.policies import Capability, can, require
from linkwell.accounts.services import audit_record
from linkwell.directory.models import Service
from linkwell.directory.search import ranked_search
from linkwell.forms import submitted_key
from linkwell.matching import service as matching
from linkwell.matching.adapters import person_facts
from linkwell.matching.types import Query
from linkwell.people.models import Person
from linkwell.people.policies import get_person_for
from linkwell.referrals.lifecycle import TransitionNotAllowed
from linkwell.referrals.models import Status as ReferralStatus
from linkwell.referrals.policies import get_referral_for, referrals_for

from . import lifecycle, services
from .forms import (
    AccompanimentForm,
    AccompanimentOutcomeForm,
    BookingNeedsForm,
    CheckInForm,
    CloseReferralForm,
    DirectBookingForm,
    EndConnectionForm,
    ProposeForm,
    RegisterPickForm,
    RespondForm,
    ServiceSearchForm,
)
from .lifecycle import ConnectionTransitionNotAllowed
from .models import OPEN, AttendanceStatus, ConnectionStatus
from .policies import (
    accompaniments_for,
    attendance_marks_for,
    cards_for,
    connections_for,
    connections_of_referral,
    get_accompaniment_for,
    get_connection_for,
    prescribable_services_for,
    provider_services_for,
    volunteers_for,
)
from .presenters import message_back, shared_details

CS = ConnectionStatus


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = request.membership  # type: ignore[attr-defined]
    if membership is None:
        raise PermissionDenied("Choose an organisation to work for")
    return membership


@login_required
def connection_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if not (can(membership, Capability.CONNECTION_RESPOND) or can(membership, Capability.REFERRAL_MANAGE)):
        raise PermissionDenied("Your role does not allow this")
    visible = connections_for(membership).select_related("service__provider", "person", "referral")
    today = timezone.localdate()
    context: dict[str, Any] = {"is_provider": membership.role == Role.PROVIDER, "today": today}
    context["awaiting"] = list(visible.awaiting_response().order_by("sent_at", "pk")[:200])
    context["current"] = list(
        visible.filter(status__in=[CS.ACCEPTED, CS.WAITLISTED, CS.ATTENDING]).order_by("service__name", "pk")[:200]
    )
    context["follow_up_due"] = list(visible.follow_up_due(today).order_by("ends_on", "pk")[:200])
    context["escalated"] = list(visible.awaiting_response().filter(escalated_at__isnull=False)[:200])
    return render(request, "connections/list.html", context)


@login_required
def referral_connections(request: HttpRequest, referral_pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    referral = get_referral_for(membership, referral_pk)
    services_qs = prescribable_services_for(membership)
    scheme = membership.organisation.scheme
    search = ServiceSearchForm(request.GET or None)
    found = None
    if search.is_valid() and search.cleaned_data["q"]:
        # The directory's search ranked by the matcher (words mean what they say: "on his own since his wife
        # died" finds befriending), from where the person lives, so the results show distance, places free and
        # waiting lists; only listings fit to prescribe.
        person = referral.person
        origin = (
            (person.latitude, person.longitude)
            if person.latitude is not None and person.longitude is not None
            else None
        )
        found = ranked_search(scheme, words=search.cleaned_data["q"], origin=origin, per_page=20)
        services_qs = services_qs.filter(pk__in=[result.service.pk for result in found.results])
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        services=services_qs,
        default_weeks=scheme.default_prescription_weeks,
    )
    creation_key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.connection_propose(
                actor=membership,
                referral=referral,
                service=form.cleaned_data["service"],
                prescription_weeks=form.prescription_weeks(),
                why_referred=form.cleaned_data["why_referred"],
                creation_key=creation_key,
            )
        except (services.ConnectionNotPossible, TransitionNotAllowed) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Connection to {connection.service.name} proposed. Send it when ready.")
            return redirect("connections:detail", pk=connection.pk)
    return render(
        request,
        "connections/referral.html",
        {
            "referral": referral,
            "connections": list(connections_of_referral(membership, referral).order_by("created_at", "pk")),
            "form": form,
            "search": search,
            "found": found,
            "creation_key": creation_key,
            "can_propose": referral.status in services.PROPOSABLE_REFERRAL_STATES,
            "share_consent": services.share_consent_in_force(referral.person),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    connection = get_connection_for(membership, pk)
    is_provider = membership.role == Role.PROVIDER
    context: dict[str, Any] = {
        "connection": connection,
        "is_provider": is_provider,
        "can_manage": can(membership, Capability.CONNECTION_PROPOSE),
        "events": list(connection.events.all()),
        "attendances": list(connection.attendances.all()),
        "is_open": connection.status in OPEN,
    }
    if is_provider:
        context["shared"] = shared_details(connection)
        audit_record(
            actor=membership,
            action=AuditAction.VIEW,
            obj=connection,
            person_id=connection.person_id,
            summary="Viewed shared details of a connection",
            request=request,
        )
    elif context["can_manage"]:
        context["accompaniments"] = list(connection.accompaniments.select_related("volunteer__user"))
        context["notices"] = list(connection.notices.all())
        context["share_consent"] = services.share_consent_in_force(connection.person)
    return render(request, "connections/detail.html", context)


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    connection = get_connection_for(membership, pk)
    try:
        services.connection_send(actor=membership, connection=connection)
    except services.ConnectionNotPossible as error:
        messages.error(request, str(error))
    except ConnectionTransitionNotAllowed:
        messages.info(request, "This connection has already been sent.")
    else:
        messages.success(request, f"Sent to {connection.service.name}.")
    return redirect("connections:detail", pk=connection.pk)


@login_required
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_RESPOND)
    connection = get_connection_for(membership, pk)
    if connection.status not in (CS.SENT, CS.WAITLISTED):
        messages.info(request, "This connection has already been answered.")
        return redirect("connections:detail", pk=connection.pk)
    form = RespondForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                lifecycle.connection_accept(actor=membership, connection=connection, note=data["note"])
            elif data["decision"] == "waitlist":
                lifecycle.connection_waitlist(actor=membership, connection=connection, note=data["note"])
            else:
                lifecycle.connection_decline(
                    actor=membership, connection=connection, reason=data["decline_reason"], note=data["note"]
                )
        except ConnectionTransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Answer recorded: {connection.get_status_display().lower()}.")
            return redirect("connections:detail", pk=connection.pk)
    return render(request, "connections/respond.html", {"connection": connection, "form": form})


@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    connection = get_connection_for(membership, pk)
    if connection.status not in OPEN:
        messages.info(request, "This connection has already ended.")
        return redirect("connections:detail", pk=connection.pk)
    form = EndConnectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == "completed":
                lifecycle.connection_complete(actor=membership, connection=connection, note=data["note"])
            else:
                lifecycle.connection_stop(
                    actor=membership, connection=connection, reason=data["stop_reason"], note=data["note"]
                )
        except ConnectionTransitionNotAllowed as error:
            form.add_error("outcome", str(error))
        else:
            messages.success(request, f"Connection to {connection.service.name} ended.")
            return redirect("connections:close", referral_pk=connection.referral_id)
    return render(request, "connections/end.html", {"connection": connection, "form": form})


@login_required
def accompaniment_new(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    connection = get_connection_for(membership, pk)
    form = AccompanimentForm(request.POST if request.method == "POST" else None, volunteers=volunteers_for(membership))
    creation_key = submitted_key(request) or uuid.uuid4()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.accompaniment_request(
                actor=membership,
                connection=connection,
                volunteer=data["volunteer"],
                session_date=data["session_date"],
                arrangements=data["arrangements"],
                creation_key=creation_key,
            )
        except services.ConnectionNotPossible as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{data['volunteer'].user.display_name} has been asked to accompany them.")
            return redirect("connections:detail", pk=connection.pk)
    return render(
        request,
        "connections/accompaniment_new.html",
        {"connection": connection, "form": form, "creation_key": creation_key},
    )


@login_required
def accompaniment_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if membership.role != Role.VOLUNTEER:
        raise PermissionDenied("This page is for volunteers")
    items = list(
        accompaniments_for(membership)
        .select_related("connection__service", "connection__person")
        .order_by("status", "session_date", "pk")
    )
    return render(request, "connections/accompaniment_list.html", {"accompaniments": items})


@login_required
def accompaniment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request)
    accompaniment = get_accompaniment_for(membership, pk)
    form = AccompanimentOutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.accompaniment_record_outcome(
            actor=membership,
            accompaniment=accompaniment,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, "Thank you: recorded.")
        return redirect("connections:accompaniment", pk=accompaniment.pk)
    person = accompaniment.connection.person
    return render(
        request,
        "connections/accompaniment_detail.html",
        {
            "accompaniment": accompaniment,
            "first_name": person.preferred_name or person.given_name,
            "shared": shared_details(accompaniment.connection),
            "form": form,
        },
    )


def _register_date(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None


@login_required
def register(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    own_services = provider_services_for(membership)
    today = timezone.localdate()
    data = request.GET if "service" in request.GET else None
    pick = RegisterPickForm(data, services=own_services, initial={"date": today, "service": own_services.first()})
    rows: list[dict[str, Any]] = []
    service = None
    session_date = None
    if pick.is_bound and pick.is_valid():
        service = pick.cleaned_data["service"]
        session_date = pick.cleaned_data["date"]
        connections = list(
            connections_for(membership)
            .attendable()
            .filter(service=service)
            .select_related("person")
            .order_by("person__family_name", "person__given_name", "pk")
        )
        if request.method == "POST":
            marked = 0
            for connection in connections:
                status = request.POST.get(f"status-{connection.pk}", "")
                if status in AttendanceStatus.values:
                    services.attendance_record(
                        actor=membership, connection=connection, session_date=session_date, status=status
                    )
                    marked += 1
            messages.success(request, f"Register saved: {marked} marked.")
            return redirect(f"{reverse('connections:register')}?service={service.pk}&date={session_date.isoformat()}")
        marks = attendance_marks_for(membership, service, session_date)
        rows = [{"connection": c, "name": c.person.full_name, "mark": marks.get(c.pk, "")} for c in connections]
    elif request.method == "POST":
        raise Http404("Choose a service and date first")
    return render(
        request,
        "connections/register.html",
        {
            "pick": pick,
            "rows": rows,
            "service": service,
            "session_date": session_date,
            "choices": AttendanceStatus.choices,
            "has_services": own_services.exists(),
        },
    )


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    svg: str = qr.svg_inline(scale=5, title="Check-in code", border=2)
    return svg


@login_required
def card(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    person = get_person_for(membership, person_pk)
    if request.method == "POST":
        services.card_issue(actor=membership, person=person)
        messages.success(request, "A new attendance card has been issued. Any earlier card no longer works.")
        return redirect("connections:card", person_pk=person.pk)
    active = cards_for(membership, person).filter(is_active=True).first()
    qr = None
    if active is not None:
        url = request.build_absolute_uri(f"{reverse('connections:check_in')}?card={active.token}")
        # segno writes the SVG itself and the URL holds only the random token, so it is safe to insert as markup.
        qr = mark_safe(_qr_svg(url))
    return render(request, "connections/card.html", {"person": person, "card": active, "qr": qr})


@login_required
def check_in(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.ATTENDANCE_RECORD)
    source = request.POST if request.method == "POST" else (request.GET if "card" in request.GET else None)
    form = CheckInForm(source)
    lookup = None
    if form.is_bound and form.is_valid():
        card_number = form.cleaned_data["card"]
        lookup = services.card_lookup(actor=membership, card_number=card_number)
        if request.method == "POST" and lookup.found and "connection" in request.POST:
            try:
                connection_pk = int(request.POST["connection"])
            except ValueError:
                connection_pk = -1
            status = request.POST.get("status", AttendanceStatus.ATTENDED)
            if status not in AttendanceStatus.values:
                status = AttendanceStatus.ATTENDED
            attendance = services.card_check_in(
                actor=membership, card_number=card_number, connection_pk=connection_pk, status=status
            )
            if attendance is not None:
                messages.success(
                    request,
                    f"{attendance.get_status_display()} recorded for today at {attendance.connection.service.name}.",
                )
                return redirect("connections:check_in")
            lookup = services.CheckIn(card=None)
    return render(request, "connections/check_in.html", {"form": form, "lookup": lookup})


@login_required
def close(request: HttpRequest, referral_pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.CONNECTION_PROPOSE)
    referral = get_referral_for(membership, referral_pk)
    connections = list(connections_of_referral(membership, referral).order_by("created_at", "pk"))
    open_connections = [c for c in connections if c.status in OPEN]
    form = CloseReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_close_with_connections(
                actor=membership, referral=referral, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except (services.ConnectionNotPossible, TransitionNotAllowed) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Referral closed. The referrer can now see the closing summary.")
            return redirect("connections:message_back", referral_pk=referral.pk)
    return render(
        request,
        "connections/close.html",
        {
            "referral": referral,
            "connections": connections,
            "open_connections": open_connections,
            "form": form,
            "is_closed": referral.status == ReferralStatus.CLOSED,
        },
    )


@login_required
def message_back_view(request: HttpRequest, referral_pk: int) -> HttpResponse:
    membership = _membership(request)
    referral = get_referral_for(membership, referral_pk)
    summary = message_back(referral)
    audit_record(
        actor=membership,
        action=AuditAction.VIEW,
        obj=referral,
        person_id=referral.person_id,
        summary="Viewed closing summary",
        request=request,
    )
    return render(request, "connections/message_back.html", {"summary": summary, "referral": referral})


SUGGESTED_BOOKINGS = 5


def _booking_suggestions(
    membership: Membership, person: Person, bookable: list[Service], text: str, needs: list[str]
) -> list[matching.Suggestion]:
    """Services the referrer may book, ranked by the matcher from what they wrote (their own scheme only)."""
    if not bookable or not (text or needs):
        return []
    query = Query(
        text=text,
        needs=frozenset(needs) - {"other"},
        is_carer="caring" in needs,
        remote_ok=True,
        **person_facts(person),  # type: ignore[arg-type]
    )
    scheme_id = membership.organisation.scheme_id
    # Few services take direct referrals, so rank widely and keep those.
    ranked = matching.answering(scheme_id, query, matching.rank_query(scheme_id, query, limit=200))
    allowed = {service.pk for service in bookable}
    return [s for s in ranked if s.service.pk in allowed][:SUGGESTED_BOOKINGS]


@login_required
def direct_booking(request: HttpRequest, person_pk: int) -> HttpResponse:
    membership = _membership(request)
    require(membership, Capability.DIRECT_BOOKING)
    if not membership.organisation.scheme.allow_direct_booking:
        raise PermissionDenied("Your scheme does not allow direct booking")
    person = get_person_for(membership, person_pk)
    bookable = services.direct_booking_services(membership)
    # Suggestions come from the words the referrer types here, else from their latest referral of the person.
    latest = referrals_for(membership).filter(person=person).order_by("-received_at", "-pk").first()
    describe = BookingNeedsForm(
        request.GET if "describe" in request.GET else None,
        initial={"describe": latest.reason_text if latest else ""},
    )
    text, needs, from_referral = "", [], False
    if describe.is_bound and describe.is_valid():
        text = describe.cleaned_data["describe"]
    elif not describe.is_bound and latest is not None:
        text = "\n".join(t for t in (latest.reason_text, latest.what_matters) if t)
        needs, from_referral = list(latest.needs or []), True
    suggestions = _booking_suggestions(membership, person, bookable, text, needs)
    chosen = next((s for s in bookable if str(s.pk) == request.GET.get("service", "")), None)
    form = DirectBookingForm(
        request.POST if request.method == "POST" else None,
        services=bookable,
        initial={
            "service": chosen.pk if chosen else None,
            "needs": needs,
            "reason_text": text if describe.is_bound else "",
        },
    )
    key = request.POST.get("idempotency_key") or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection = services.direct_booking_create(
                actor=membership,
                person=person,
                service=data["service"],
                needs=data["needs"],
                reason_text=data["reason_text"],
                prescription_weeks=membership.organisation.scheme.default_prescription_weeks,
                consent_to_refer=data["consent_to_refer"],
                consent_to_share=data["consent_to_share"],
                idempotency_key=key[:100],
            )
        except (services.ConnectionNotPossible, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Booked: {connection.service.name} has been sent the referral.")
            return redirect("connections:detail", pk=connection.pk)
    choose_query = request.GET.copy()
    choose_query.pop("service", None)
    return render(
        request,
        "connections/direct_booking.html",
        {
            "person": person,
            "form": form,
            "services": bookable,
            "idempotency_key": key,
            "describe_form": describe,
            "suggestions": suggestions,
            "suggested_from": latest if from_referral else None,
            "looked_for": bool(text or needs),
            "chosen": chosen,
            "choose_query": choose_query.urlencode(),
        },
    )
