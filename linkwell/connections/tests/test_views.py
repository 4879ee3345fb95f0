from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import AuditEvent
from linkwell.connections import services
from linkwell.connections.models import (
    Accompaniment,
    AccompanimentStatus,
    Attendance,
    AttendanceCard,
    AttendanceMethod,
    AttendanceStatus,
    Connection,
    ConnectionStatus,
)
from linkwell.people.models import ConsentScope
from linkwell.people.services import consent_withdraw
from linkwell.referrals.models import ClosureReason, Referral, Status
from linkwell.referrals.tests.factories import make_referral
from linkwell.testing.access import assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, login_as

from .factories import assessed_referral, make_connection, make_service

CS = ConnectionStatus
pytestmark = pytest.mark.django_db

LINK_WORK = {"link_worker", "scheme_manager"}


# --- access matrix ----------------------------------------------------------------------------------------


def test_connection_list_is_for_providers_and_link_workers(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, reverse("connections:list"), allowed={"provider", *LINK_WORK})


def test_connection_detail_access(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    url = reverse("connections:detail", args=[connection.pk])
    assert_access_matrix(client, cast, url, allowed={"provider", "referrer", "admin", *LINK_WORK})


def test_a_provider_sees_only_connections_to_its_own_organisation(client: Client, cast: Cast) -> None:
    choir = make_connection(
        cast.north, status=CS.SENT, service=make_service(cast.north, provider=cast.north.other_provider_org)
    )
    walk = make_connection(cast.north, status=CS.SENT)
    login_as(client, cast.north.provider)
    assert client.get(reverse("connections:detail", args=[choir.pk])).status_code == 404
    page = client.get(reverse("connections:list")).content.decode()
    assert walk.person.full_name in page
    assert choir.person.full_name not in page


def test_a_provider_cannot_open_a_proposed_connection(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.PROPOSED)
    login_as(client, cast.north.provider)
    assert client.get(reverse("connections:detail", args=[connection.pk])).status_code == 404


def test_referral_connections_page_access(client: Client, cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    assert_access_matrix(client, cast, reverse("connections:referral", args=[referral.pk]), allowed=LINK_WORK)


def test_send_access(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.PROPOSED)
    assert_access_matrix(
        client, cast, reverse("connections:send", args=[connection.pk]), allowed=LINK_WORK, method="post"
    )


def test_respond_access(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    assert_access_matrix(client, cast, reverse("connections:respond", args=[connection.pk]), allowed={"provider"})


def test_end_access(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    assert_access_matrix(client, cast, reverse("connections:end", args=[connection.pk]), allowed=LINK_WORK)


def test_accompaniment_new_access(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    url = reverse("connections:accompaniment_new", args=[connection.pk])
    assert_access_matrix(client, cast, url, allowed=LINK_WORK)


def _accompaniment(cast: Cast) -> Accompaniment:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    return services.accompaniment_request(
        actor=cast.north.link_worker,
        connection=connection,
        volunteer=cast.north.volunteer,
        session_date=timezone.localdate() + dt.timedelta(days=3),
        arrangements="Meet at the park gates",
    )


def test_accompaniment_detail_access(client: Client, cast: Cast) -> None:
    accompaniment = _accompaniment(cast)
    url = reverse("connections:accompaniment", args=[accompaniment.pk])
    assert_access_matrix(client, cast, url, allowed={"volunteer", "admin", *LINK_WORK})


def test_accompaniment_list_is_for_volunteers(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, reverse("connections:accompaniments"), allowed={"volunteer"})


def test_register_is_for_providers(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, reverse("connections:register"), allowed={"provider"})


def test_check_in_is_for_providers(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, reverse("connections:check_in"), allowed={"provider"})


def test_card_access(client: Client, cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    url = reverse("connections:card", args=[referral.person_id])
    assert_access_matrix(client, cast, url, allowed=LINK_WORK)


def test_close_access(client: Client, cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    assert_access_matrix(client, cast, reverse("connections:close", args=[referral.pk]), allowed=LINK_WORK)


def test_message_back_access(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CLOSED)
    url = reverse("connections:message_back", args=[referral.pk])
    assert_access_matrix(client, cast, url, allowed={"referrer", "admin", *LINK_WORK})


def test_direct_booking_access(client: Client, cast: Cast) -> None:
    cast.north.scheme.allow_direct_booking = True
    cast.north.scheme.save()
    referral = make_referral(cast.north)
    url = reverse("connections:direct_booking", args=[referral.person_id])
    assert_access_matrix(client, cast, url, allowed={"referrer"})


def test_direct_booking_is_refused_when_the_scheme_does_not_allow_it(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north)
    login_as(client, cast.north.referrer)
    assert client.get(reverse("connections:direct_booking", args=[referral.person_id])).status_code == 403


# --- link worker journey ----------------------------------------------------------------------------------


def test_a_link_worker_proposes_and_sends_a_connection(client: Client, cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    service = make_service(cast.north)
    login_as(client, cast.north.link_worker)
    url = reverse("connections:referral", args=[referral.pk])
    form = client.get(url).content.decode()
    key = re.search(r'name="creation_key" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = {"service": service.pk, "length": "scheme", "why_referred": "Enjoys walking", "creation_key": key}
    response = client.post(url, data)
    client.post(url, data)  # a double submit
    connection = Connection.objects.get()
    assert response.status_code == 302
    assert connection.prescription_weeks == cast.north.scheme.default_prescription_weeks
    response = client.post(reverse("connections:send", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.status == CS.SENT


def test_the_propose_form_explains_bad_input(client: Client, cast: Cast) -> None:
    referral = assessed_referral(cast.north)
    south_service = make_service(cast.south)
    login_as(client, cast.north.link_worker)
    url = reverse("connections:referral", args=[referral.pk])
    response = client.post(url, {"service": south_service.pk, "length": "other", "weeks": "200", "why_referred": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a service from the list" in page
    assert "Enter a length of 104 weeks or fewer" in page
    assert "Say why this service suits the person" in page
    response = client.post(url, {"length": "other", "why_referred": "x"})
    assert "Enter the number of weeks" in response.content.decode()
    assert not Connection.objects.exists()


def test_sending_without_consent_shows_a_message_and_writes_nothing(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.ASSESSED, consent_to_share=False)
    connection = services.connection_propose(
        actor=cast.north.link_worker,
        referral=referral,
        service=make_service(cast.north),
        prescription_weeks=8,
        why_referred="x",
    )
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("connections:send", args=[connection.pk]), follow=True)
    assert "not agreed to share" in response.content.decode()
    connection.refresh_from_db()
    assert connection.status == CS.PROPOSED


# --- provider -----------------------------------------------------------------------------------------------


def test_the_provider_sees_only_the_shared_details(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    person = connection.person
    person.nhs_number = "9434765919"
    person.phone = "07700 900123"
    person.address_line_1 = "12 Secret Lane"
    person.save()
    login_as(client, cast.north.provider)
    page = client.get(reverse("connections:detail", args=[connection.pk])).content.decode()
    assert person.full_name in page
    assert "07700 900123" in page
    assert "Would like to get out more" in page
    assert "943 476 5919" not in page and "9434765919" not in page
    assert "12 Secret Lane" not in page
    assert "Lives alone since her husband died" not in page  # the referrer's words stay with the link worker
    assert AuditEvent.objects.filter(object_id=str(connection.pk), action="view", person_id=person.pk).exists()


def test_the_provider_accepts_waitlists_or_declines(client: Client, cast: Cast) -> None:
    accept = make_connection(cast.north, status=CS.SENT)
    decline = make_connection(cast.north, status=CS.SENT, service=make_service(cast.north, name="Chair yoga"))
    login_as(client, cast.north.provider)
    client.post(reverse("connections:respond", args=[accept.pk]), {"decision": "accept"})
    client.post(
        reverse("connections:respond", args=[decline.pk]),
        {"decision": "decline", "decline_reason": "no_capacity", "note": "Full until spring"},
    )
    accept.refresh_from_db()
    decline.refresh_from_db()
    assert accept.status == CS.ACCEPTED
    assert decline.status == CS.DECLINED and decline.decline_reason == "no_capacity"


def test_the_respond_form_explains_bad_input(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    login_as(client, cast.north.provider)
    url = reverse("connections:respond", args=[connection.pk])
    assert "Choose your answer" in client.post(url, {}).content.decode()
    assert "Choose why you are declining" in client.post(url, {"decision": "decline"}).content.decode()
    page = client.post(url, {"decision": "decline", "decline_reason": "other"}).content.decode()
    assert "Explain the reason in the note" in page
    assert "Select a valid choice" in client.post(url, {"decision": "maybe"}).content.decode()
    connection.refresh_from_db()
    assert connection.status == CS.SENT


def test_the_register_marks_attendance_and_starts_attending(client: Client, cast: Cast) -> None:
    first = make_connection(cast.north, status=CS.ACCEPTED)
    service = first.service
    second = make_connection(cast.north, status=CS.ACCEPTED, service=service)
    hidden = make_connection(cast.north, status=CS.SENT, service=service)
    login_as(client, cast.north.provider)
    today = timezone.localdate().isoformat()
    url = f"{reverse('connections:register')}?service={service.pk}&date={today}"
    page = client.get(url).content.decode()
    assert first.person.full_name in page and second.person.full_name in page
    assert hidden.person.full_name not in page
    client.post(url, {f"status-{first.pk}": "attended", f"status-{second.pk}": "did_not_attend"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CS.ATTENDING
    assert second.status == CS.ACCEPTED
    # Correcting a mark changes it rather than adding a second row.
    client.post(url, {f"status-{second.pk}": "late"})
    assert Attendance.objects.filter(connection=second).get().status == AttendanceStatus.LATE
    assert Attendance.objects.count() == 2


def test_the_register_refuses_bad_input(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    other = make_service(cast.north, provider=cast.north.other_provider_org, name="Choir")
    login_as(client, cast.north.provider)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    page = client.get(f"{reverse('connections:register')}?service={connection.service_id}&date={future}")
    assert "today or an earlier date" in page.content.decode()
    page = client.get(f"{reverse('connections:register')}?service={other.pk}&date=2026-01-05")
    assert "Choose one of your services" in page.content.decode()
    page = client.get(f"{reverse('connections:register')}?service={connection.service_id}&date=not-a-date")
    assert "real date" in page.content.decode()
    url = f"{reverse('connections:register')}?service={connection.service_id}&date={timezone.localdate().isoformat()}"
    client.post(url, {f"status-{connection.pk}": "sleeping"})
    assert not Attendance.objects.exists()


# --- attendance card and check-in ----------------------------------------------------------------------------


def test_a_link_worker_issues_a_printable_card_with_a_qr_code(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    login_as(client, cast.north.link_worker)
    url = reverse("connections:card", args=[connection.person_id])
    client.post(url)
    card = AttendanceCard.objects.get(person=connection.person)
    page = client.get(url).content.decode()
    assert "<svg" in page
    assert card.display_number in page
    assert re.fullmatch(r"[A-Z2-7]{10}", card.token)
    for part in (connection.person.given_name, connection.person.family_name, str(connection.person.pk)):
        assert part.upper() not in card.token
    client.post(url)  # replacing it revokes the old one
    card.refresh_from_db()
    assert not card.is_active and card.revoked_at is not None
    assert AttendanceCard.objects.filter(person=connection.person, is_active=True).count() == 1


def _card_for(cast: Cast, connection: Connection) -> AttendanceCard:
    return services.card_issue(actor=cast.north.link_worker, person=connection.person)


def test_check_in_by_card_records_todays_attendance(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    card = _card_for(cast, connection)
    login_as(client, cast.north.provider)
    url = reverse("connections:check_in")
    page = client.get(url, {"card": card.token}).content.decode()
    assert connection.person.given_name in page
    assert not Attendance.objects.exists()  # a GET (the QR code's link) writes nothing
    client.post(url, {"card": card.display_number.lower(), "connection": connection.pk, "status": "attended"})
    attendance = Attendance.objects.get()
    assert attendance.session_date == timezone.localdate()
    assert attendance.method == AttendanceMethod.CARD
    connection.refresh_from_db()
    assert connection.status == CS.ATTENDING


def test_check_in_reveals_nothing_for_a_card_not_connected_to_the_provider(client: Client, cast: Cast) -> None:
    choir = make_connection(
        cast.north, status=CS.ACCEPTED, service=make_service(cast.north, provider=cast.north.other_provider_org)
    )
    card = _card_for(cast, choir)
    login_as(client, cast.north.provider)
    url = reverse("connections:check_in")
    for number in (card.token, "ABCDEFGHJK"):
        response = client.post(url, {"card": number, "connection": choir.pk})
        page = response.content.decode()
        assert "not linked to anyone connected" in page
        assert choir.person.given_name not in page and choir.person.family_name not in page
    assert not Attendance.objects.exists()


def test_check_in_refuses_a_revoked_card_and_withdrawn_consent(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    old = _card_for(cast, connection)
    new = _card_for(cast, connection)
    login_as(client, cast.north.provider)
    url = reverse("connections:check_in")
    assert "not linked" in client.post(url, {"card": old.token}).content.decode()
    consent = connection.person.current_consents()[ConsentScope.SHARE_WITH_PROVIDERS]
    consent_withdraw(actor=cast.north.link_worker, consent=consent, reason="No longer")
    assert "not linked" in client.post(url, {"card": new.token, "connection": connection.pk}).content.decode()
    assert not Attendance.objects.exists()


def test_check_in_explains_a_malformed_number(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.provider)
    page = client.post(reverse("connections:check_in"), {"card": "ABC"}).content.decode()
    assert "Enter the 10 letters and numbers on the card" in page
    page = client.post(reverse("connections:check_in"), {"card": ""}).content.decode()
    assert "Enter the card number" in page


# --- accompaniment ----------------------------------------------------------------------------------------


def test_a_link_worker_asks_a_volunteer_who_records_the_outcome(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    login_as(client, cast.north.link_worker)
    day = timezone.localdate() + dt.timedelta(days=7)
    url = reverse("connections:accompaniment_new", args=[connection.pk])
    response = client.post(
        url,
        {
            "volunteer": cast.north.volunteer.pk,
            "session_date_0": day.day,
            "session_date_1": day.month,
            "session_date_2": day.year,
            "arrangements": "Meet at the gates",
        },
    )
    assert response.status_code == 302
    accompaniment = Accompaniment.objects.get()
    client.logout()
    login_as(client, cast.north.volunteer)
    assert connection.person.given_name in client.get(reverse("connections:accompaniments")).content.decode()
    page = client.get(reverse("connections:accompaniment", args=[accompaniment.pk])).content.decode()
    assert connection.person.family_name not in page  # a volunteer sees a first name, not the record
    page = client.post(reverse("connections:accompaniment", args=[accompaniment.pk]), {}).content.decode()
    assert "Say whether the accompaniment happened" in page
    client.post(reverse("connections:accompaniment", args=[accompaniment.pk]), {"status": "done"})
    accompaniment.refresh_from_db()
    assert accompaniment.status == AccompanimentStatus.DONE


def test_the_accompaniment_form_explains_bad_input(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    login_as(client, cast.north.link_worker)
    url = reverse("connections:accompaniment_new", args=[connection.pk])
    page = client.post(
        url,
        {"volunteer": cast.south.volunteer.pk, "session_date_0": "1", "session_date_1": "1", "session_date_2": "2020"},
    ).content.decode()
    assert "Choose a volunteer from the list" in page
    assert "today or in the future" in page
    page = client.post(url, {"volunteer": cast.north.volunteer.pk}).content.decode()
    assert "nhsuk-error-summary" in page
    assert not Accompaniment.objects.exists()


def test_a_volunteer_cannot_record_someone_elses_accompaniment(client: Client, cast: Cast) -> None:
    accompaniment = _accompaniment(cast)
    login_as(client, cast.south.volunteer)
    url = reverse("connections:accompaniment", args=[accompaniment.pk])
    assert client.post(url, {"status": "done"}).status_code == 404


# --- follow-up, closure and the message back ----------------------------------------------------------------


def test_closure_waits_for_open_connections_then_sends_the_message_back(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.ATTENDING)
    services.attendance_record(
        actor=cast.north.provider, connection=connection, session_date=timezone.localdate(), status="attended"
    )
    referral = connection.referral
    login_as(client, cast.north.link_worker)
    close_url = reverse("connections:close", args=[referral.pk])
    response = client.post(close_url, {"reason": "completed"})
    assert "End every open connection" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE
    page = client.post(reverse("connections:end", args=[connection.pk]), {"outcome": "stopped"}).content.decode()
    assert "Choose why the connection stopped" in page
    client.post(reverse("connections:end", args=[connection.pk]), {"outcome": "completed"})
    assert "Choose why the referral is closing" in client.post(close_url, {}).content.decode()
    client.post(close_url, {"reason": ClosureReason.COMPLETED, "note": "Walking weekly now."})
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    client.logout()
    login_as(client, cast.north.referrer)
    page = client.get(reverse("connections:message_back", args=[referral.pk])).content.decode()
    assert "Tuesday Walk" in page
    assert "871731000000106" in page
    assert "871711000000103" not in page
    assert "Walking weekly now." in page
    assert "Got help (completed)" in page


def test_the_message_back_codes_a_declined_referral(client: Client, cast: Cast) -> None:
    referral = make_referral(cast.north, status=Status.CONTACTED)
    from linkwell.referrals.lifecycle import referral_close

    referral_close(actor=cast.north.link_worker, referral=referral, reason=ClosureReason.DECLINED)
    login_as(client, cast.north.referrer)
    page = client.get(reverse("connections:message_back", args=[referral.pk])).content.decode()
    assert "871711000000103" in page and "871731000000106" in page


def test_follow_up_is_listed_when_the_prescription_runs_out(client: Client, cast: Cast) -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), tick=False):
        connection = make_connection(cast.north, status=CS.ACCEPTED, weeks=2)
    assert connection.ends_on == dt.date(2026, 1, 19)
    login_as(client, cast.north.link_worker)
    with time_machine.travel(dt.datetime(2026, 1, 19, 10, tzinfo=dt.UTC), tick=False):
        assert Connection.objects.follow_up_due().filter(pk=connection.pk).exists()
        page = client.get(reverse("connections:list")).content.decode()
    assert "Follow-up due (1)" in page


# --- direct booking -----------------------------------------------------------------------------------------


def test_a_referrer_books_straight_into_a_direct_referral_service(client: Client, cast: Cast) -> None:
    cast.north.scheme.allow_direct_booking = True
    cast.north.scheme.save()
    gym = make_service(cast.north, name="Exercise on referral", accepts_direct_referrals=True)
    make_service(cast.north, name="Not direct")
    person = make_referral(cast.north).person
    login_as(client, cast.north.referrer)
    url = reverse("connections:direct_booking", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Exercise on referral" in page and "Not direct" not in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = {
        "service": gym.pk,
        "needs": ["physical_inactivity"],
        "reason_text": "Needs to get active after knee surgery",
        "consent_to_refer": "on",
        "consent_to_share": "on",
        "idempotency_key": key,
    }
    assert client.post(url, data).status_code == 302
    client.post(url, data)  # double submit
    connection = Connection.objects.get(service=gym)
    assert connection.status == CS.SENT and connection.direct_booking
    assert Referral.objects.filter(person=person).count() == 2
    # The provider can now see and answer it.
    client.logout()
    login_as(client, cast.north.provider)
    assert client.get(reverse("connections:detail", args=[connection.pk])).status_code == 200


def test_the_direct_booking_form_explains_bad_input(client: Client, cast: Cast) -> None:
    cast.north.scheme.allow_direct_booking = True
    cast.north.scheme.save()
    not_direct = make_service(cast.north, name="Not direct")
    make_service(cast.north, name="Exercise on referral", accepts_direct_referrals=True)
    person = make_referral(cast.north).person
    login_as(client, cast.north.referrer)
    page = client.post(
        reverse("connections:direct_booking", args=[person.pk]), {"service": not_direct.pk, "reason_text": ""}
    ).content.decode()
    assert "Choose a service from the list" in page
    assert "Choose at least one reason for referral" in page
    assert "The person must agree to share their details with the provider" in page
    assert not Connection.objects.exists()


# --- home pages and timeline ------------------------------------------------------------------------------


def test_the_provider_home_lists_connections_to_answer_and_todays_register(client: Client, cast: Cast) -> None:
    connection = make_connection(cast.north, status=CS.SENT)
    login_as(client, cast.north.provider)
    page = client.get(reverse("home")).content.decode()
    assert reverse("connections:detail", args=[connection.pk]) in page
    assert f"Take today&#x27;s register for {connection.service.name}" in page or "Take today's register" in page
    client.logout()
    login_as(client, cast.south.provider)
    assert reverse("connections:detail", args=[connection.pk]) not in client.get(reverse("home")).content.decode()


def test_the_volunteer_home_lists_their_accompaniments(client: Client, cast: Cast) -> None:
    accompaniment = _accompaniment(cast)
    login_as(client, cast.north.volunteer)
    page = client.get(reverse("home")).content.decode()
    assert reverse("connections:accompaniment", args=[accompaniment.pk]) in page


def test_connection_history_joins_the_referral_timeline(cast: Cast) -> None:
    timeline = pytest.importorskip("linkwell.casework.timeline")
    connection = make_connection(cast.north, status=CS.ACCEPTED)
    services.attendance_record(
        actor=cast.north.provider, connection=connection, session_date=timezone.localdate(), status="late"
    )
    titles = [entry.title for entry in timeline.timeline_for(connection.referral)]
    assert "Connection to Tuesday Walk: accepted" in titles
    assert "Tuesday Walk: late" in titles
