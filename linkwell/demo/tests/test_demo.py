"""The demo builds two schemes in one network: the main Wellbrook scheme and a smaller young people's scheme."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.db.models import Q
from django.test import Client

from linkwell.accounts.models import Membership, Network, Organisation, Role, Scheme
from linkwell.casework.models import Contact
from linkwell.connections.models import Attendance, Connection
from linkwell.demo.builder import (
    DEMO_PASSWORD,
    DEMO_SLUG,
    NETWORK_EMAIL,
    YOUNG_PEOPLE_SLUG,
    build_demo,
    demo_logins,
)
from linkwell.directory.models import Service
from linkwell.insights import network as figures
from linkwell.insights.panels import HIDDEN
from linkwell.outcomes.definitions import scheme_measures
from linkwell.outcomes.models import MeasureResponse
from linkwell.people.models import Person
from linkwell.referrals.models import Referral
from linkwell.testing.cast import login_as

README = Path(__file__).resolve().parents[3] / "README.md"
MAIN_NAME = "Wellbrook Social Prescribing"
YOUNG_NAME = "Wellbrook Young People's Social Prescribing"


def _sign_in(client: Client, email: str) -> None:
    login_as(client, Membership.objects.select_related("user").filter(user__email=email).earliest("pk"))


@pytest.mark.django_db
def test_the_demo_has_two_separate_schemes_side_by_side_in_one_network(client: Client) -> None:
    main = build_demo(people=80)
    young = Scheme.objects.get(slug=YOUNG_PEOPLE_SLUG)
    assert (main.slug, main.name, young.name) == (DEMO_SLUG, MAIN_NAME, YOUNG_NAME)

    # Both are in the network, each with its own referrals: a quarter of the residents, 1.5 referrals each.
    network = Network.objects.get(slug="test-beds")
    assert set(network.schemes.all()) == {main, young}
    assert Referral.objects.filter(scheme=main).count() == 1500
    assert Person.objects.filter(scheme=young).count() == 20
    assert Referral.objects.filter(scheme=young).count() == 30
    assert (
        Connection.objects.filter(scheme=young).exists()
        and Attendance.objects.filter(connection__scheme=young).exists()
    )

    # Different settings, so the network compares unlike schemes.
    assert (young.default_prescription_weeks, young.allow_direct_booking) == (8, False)
    assert (main.default_prescription_weeks, main.allow_direct_booking) == (12, True)
    assert [m.code for m in scheme_measures(young)] == ["swemwbs", "ons4"]
    assert not MeasureResponse.objects.filter(scheme=young, measure="ucla3").exists()

    # Nothing of one scheme points into the other.
    assert not Referral.objects.filter(scheme=young).exclude(person__scheme=young).exists()
    assert (
        not Referral.objects.filter(scheme=young, referring_organisation__isnull=False)
        .exclude(referring_organisation__scheme=young)
        .exists()
    )
    assert (
        not Referral.objects.filter(scheme=young, assigned_to__isnull=False)
        .exclude(assigned_to__organisation__scheme=young)
        .exists()
    )
    assert not Person.objects.filter(scheme=young).exclude(registered_practice__scheme=young).exists()
    assert not Connection.objects.filter(scheme=young).exclude(service__scheme=young).exists()
    assert not Contact.objects.filter(referral__scheme=young).exclude(recorded_by_organisation__scheme=young).exists()
    assert not Service.objects.filter(scheme=young, provider__isnull=False).exclude(provider__scheme=young).exists()
    young_staff = set(Membership.objects.filter(organisation__scheme=young).values_list("user_id", flat=True))
    main_staff = set(Membership.objects.filter(organisation__scheme=main).values_list("user_id", flat=True))
    assert young_staff and not young_staff & main_staff
    assert Organisation.objects.filter(scheme=young, name="Wellbrook Youth Link").exists()

    # Young people: aged 11 to 25 when referred.
    for referral in Referral.objects.filter(scheme=young).select_related("person"):
        born = referral.person.date_of_birth
        assert born is not None
        assert 11 <= (referral.received_at.date() - born).days // 365 <= 25

    # Every printed sign-in works; the young people's staff belong to their scheme only.
    for login in demo_logins():
        assert authenticate(username=login.email, password=DEMO_PASSWORD) is not None, login.email
    assert set(
        Membership.objects.filter(user__email__endswith="-yp@demo.linkwell.example").values_list(
            "organisation__scheme__slug", flat=True
        )
    ) == {YOUNG_PEOPLE_SLUG}
    assert (
        Membership.objects.filter(
            Q(user__email="manager-yp@demo.linkwell.example", role=Role.SCHEME_MANAGER)
            | Q(user__email="linkworker-yp@demo.linkwell.example", role=Role.LINK_WORKER)
        ).count()
        == 2
    )

    # Each scheme's manager sees only their own scheme's dashboard.
    for email, scheme, other in (
        ("manager-yp@demo.linkwell.example", young, MAIN_NAME),
        ("manager@demo.linkwell.example", main, YOUNG_NAME),
    ):
        _sign_in(client, email)
        response = client.get("/insights/")
        assert response.status_code == 200
        assert response.context["headline"]["referrals"] == Referral.objects.filter(scheme=scheme).count()
        page = response.content.decode()
        assert escape(scheme.name) in page
        assert f"{escape(other)}<" not in page

    # The network page shows both schemes' columns, with their counts (both are big enough to show).
    _sign_in(client, NETWORK_EMAIL)
    page = client.get(f"/insights/network/{network.slug}/").content.decode()
    for name in (MAIN_NAME, YOUNG_NAME):
        assert f'<th scope="col" class="nhsuk-table__header">{escape(name)}</th>' in page
    headline, wellbeing = figures.network_tables(list(network.schemes.order_by("pk")))
    assert headline.columns == ["Figure", MAIN_NAME, YOUNG_NAME]
    received = next(row for row in headline.rows if row[0] == "Referrals received")
    assert received[1:] == [1500, 30]
    assert HIDDEN not in received
    # The young people's scheme does not use the adult loneliness scale: its column says so.
    loneliness = [row for row in wellbeing.rows if str(row[0]).startswith("Loneliness")]
    assert loneliness and all(row[2] == figures.NOT_MEASURED for row in loneliness)


def test_the_demo_sign_ins_are_unique_and_all_in_the_readme() -> None:
    logins = demo_logins()
    emails = [login.email for login in logins]
    assert len(set(emails)) == len(emails)
    assert {"manager-yp@demo.linkwell.example", "linkworker-yp@demo.linkwell.example"} <= set(emails)
    readme = README.read_text()
    for email in emails:
        assert f"`{email}`" in readme, email
