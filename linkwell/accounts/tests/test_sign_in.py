import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import AuditAction, AuditEvent
from linkwell.testing.cast import ROLE_NAMES, Cast

HOME_HEADINGS = {
    "referrer": "Refer someone to social prescribing",
    "link_worker": "Link worker home",
    "provider": "Provider home",
    "volunteer": "Volunteer home",
    "scheme_manager": "Scheme manager home",
    "admin": "Administrator home",
}


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_signs_in_and_sees_its_own_home_page(client: Client, cast: Cast, role: str) -> None:
    membership = cast.north.member(role)
    response = client.post(
        reverse("accounts:login"),
        {"username": membership.user.email.upper(), "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert HOME_HEADINGS[role] in home.content.decode()
    assert AuditEvent.objects.filter(actor=membership.user, action=AuditAction.LOGIN).exists()


def test_a_wrong_password_is_refused_with_a_clear_message_and_audited(client: Client, cast: Cast) -> None:
    response = client.post(reverse("accounts:login"), {"username": "referrer@north.test", "password": "wrong"})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
