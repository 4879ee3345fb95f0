"""Switching organisation, scheme settings, the audit log and password reset."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditAction, AuditEvent, Role, Scheme
from linkwell.accounts.services import audit_record
from linkwell.testing.access import assert_role_access
from linkwell.testing.cast import Cast, login_as
from linkwell.testing.factories import MembershipFactory


def test_a_user_with_two_memberships_switches_organisation(client: Client, cast: Cast) -> None:
    referrer = cast.north.referrer
    second = MembershipFactory.create(user=referrer.user, organisation=cast.north.provider_org, role=Role.PROVIDER)
    login_as(client, referrer)
    assert "Refer someone to social prescribing" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("accounts:switch")).content.decode()
    assert cast.north.provider_org.name in page
    response = client.post(reverse("accounts:switch"), {"membership": second.pk})
    assert response.status_code == 302
    assert "Provider home" in client.get(reverse("home")).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SWITCH, actor=referrer.user).exists()


def test_a_user_cannot_switch_to_someone_elses_membership(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.referrer)
    response = client.post(reverse("accounts:switch"), {"membership": cast.north.admin.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or "There is a problem" in response.content.decode()
    assert "Refer someone to social prescribing" in client.get(reverse("home")).content.decode()


def test_switching_without_a_choice_asks_for_one(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.referrer)
    response = client.post(reverse("accounts:switch"), {})
    assert "Select the organisation you are working for" in response.content.decode()


def test_a_scheme_manager_changes_settings_and_the_change_is_audited(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    page = client.get(reverse("accounts:scheme_settings"))
    data = {field.html_name: field.value() for field in page.context["form"]}
    data = {k: v for k, v in data.items() if v not in (None, False)}
    data["default_prescription_weeks"] = "8"
    response = client.post(reverse("accounts:scheme_settings"), data)
    assert response.status_code == 302
    cast.north.scheme.refresh_from_db()
    assert cast.north.scheme.default_prescription_weeks == 8
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="accounts.Scheme")
    assert event.changes == {"default_prescription_weeks": [12, 8]}
    assert Scheme.objects.get(slug="south").default_prescription_weeks == 12


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Enter a number of 1 or more"),
        ("500", "Enter a number of 104 or less"),
        ("ten", "Enter a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(client: Client, cast: Cast, value: str, message: str) -> None:
    login_as(client, cast.north.scheme_manager)
    response = client.post(
        reverse("accounts:scheme_settings"),
        {
            "name": "North",
            "default_prescription_weeks": value,
            "provider_response_working_days": "10",
            "contact_attempts_limit": "3",
            "contact_attempts_window_days": "14",
            "listing_verify_months": "6",
        },
    )
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    cast.north.scheme.refresh_from_db()
    assert cast.north.scheme.default_prescription_weeks == 12
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_the_audit_log_shows_only_the_managers_own_scheme_and_filters(client: Client, cast: Cast) -> None:
    audit_record(actor=cast.north.link_worker, action=AuditAction.VIEW, person_id=101, summary="north read")
    audit_record(actor=cast.south.link_worker, action=AuditAction.VIEW, person_id=202, summary="south read")
    audit_record(actor=cast.north.referrer, action=AuditAction.CREATE, person_id=103, summary="north create")
    login_as(client, cast.north.scheme_manager)
    body = client.get(reverse("accounts:audit_log")).content.decode()
    assert "north read" in body and "north create" in body
    assert "south read" not in body
    filtered = client.get(reverse("accounts:audit_log"), {"action": "view"}).content.decode()
    assert "north read" in filtered and "north create" not in filtered
    by_person = client.get(reverse("accounts:audit_log"), {"person": "103"}).content.decode()
    assert "north create" in by_person and "north read" not in by_person


def test_a_bad_audit_filter_gets_a_message(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.scheme_manager)
    body = client.get(reverse("accounts:audit_log"), {"person": "abc"}).content.decode()
    assert "There is a problem" in body
    assert "Enter a whole number" in body


def test_the_audit_log_cannot_be_changed_or_deleted(cast: Cast) -> None:
    event = audit_record(actor=cast.north.link_worker, action=AuditAction.VIEW, person_id=1)
    event.summary = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(summary="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_access_to_scheme_pages(client: Client, cast: Cast) -> None:
    assert_role_access(client, cast, reverse("accounts:audit_log"), allowed={"scheme_manager", "admin"})
    assert_role_access(client, cast, reverse("accounts:scheme_settings"), allowed={"scheme_manager", "admin"})
    assert_role_access(
        client, cast, reverse("accounts:organisations"), allowed={"link_worker", "scheme_manager", "admin"}
    )
    assert_role_access(
        client,
        cast,
        reverse("home"),
        allowed={
            "referrer",
            "other_referrer",
            "link_worker",
            "provider",
            "volunteer",
            "scheme_manager",
            "admin",
        },
    )


def test_a_user_without_membership_is_told_why_they_see_nothing(client: Client, cast: Cast) -> None:
    from linkwell.testing.factories import UserFactory

    client.force_login(UserFactory.create())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "not linked to an organisation" in response.content.decode()


def test_password_reset_sends_a_working_link(client: Client, cast: Cast) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "referrer@north.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    assert client.login(username="referrer@north.test", password="a-new-long-passphrase")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_weak_new_password_is_refused(client: Client, cast: Cast) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "referrer@north.test"})
    link = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"})
    assert "There is a problem" in response.content.decode()


def test_sign_out_is_audited(client: Client, cast: Cast) -> None:
    login_as(client, cast.north.link_worker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=cast.north.link_worker.user).exists()
    assert client.get(reverse("home")).status_code == 302
