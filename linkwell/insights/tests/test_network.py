"""The network page: schemes side by side, aggregates only, small numbers hidden, and nothing else for the
network role."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from linkwell.accounts.models import Membership, Network, OrganisationKind, Role
from linkwell.insights import network as figures
from linkwell.insights.panels import HIDDEN
from linkwell.referrals.models import ClosureReason, Referral, Status
from linkwell.testing.access import REFUSED, assert_access_matrix, assert_role_access
from linkwell.testing.cast import Cast, SchemeCast, login_as
from linkwell.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

from .builders import journey, service_for, swemwbs_measured

URL = "/insights/network/test-beds/"


def _network(cast: Cast, *, with_south: bool = True) -> tuple[Network, Membership]:
    host = OrganisationFactory.create(
        scheme=cast.north.scheme, name="Test Bed Institute", kind=OrganisationKind.NETWORK
    )
    network = Network.objects.create(slug="test-beds", name="North and South test beds", host=host)
    network.schemes.set([cast.north.scheme, cast.south.scheme] if with_south else [cast.north.scheme])
    viewer = MembershipFactory.create(
        user=UserFactory.create(email="viewer@network.test"), organisation=host, role=Role.NETWORK
    )
    return network, viewer


@pytest.fixture
def viewer(cast: Cast) -> Membership:
    return _network(cast)[1]


def _activity(team: SchemeCast, count: int, *, measured: int = 0, lost: int = 0) -> list[Referral]:
    service = service_for(team)
    made = []
    for index in range(count):
        referral = journey(team, service=service, day=index % 20).referral
        if index < measured + lost:
            swemwbs_measured(team, referral, 18.0 + index % 4, 21.0 + index % 5 if index < measured else None)
        made.append(referral)
    return made


def _column(table: Any, name: str) -> dict[str, Any]:
    position = table.columns.index(name)
    return {row[0]: row[position] for row in table.rows}


# Access -----------------------------------------------------------------------------------------------------


def test_the_network_page_is_for_network_viewers_and_member_schemes_managers(client: Client, cast: Cast) -> None:
    # North only: north's scheme manager may compare; every other north role and every south role is refused.
    _, viewer = _network(cast, with_south=False)
    assert_access_matrix(client, cast, URL, allowed={"scheme_manager"})
    assert_access_matrix(client, cast, URL + "network-headline.csv", allowed={"scheme_manager"})
    login_as(client, viewer)
    assert client.get(URL).status_code == 200


def test_roles_without_the_network_capability_are_refused_the_network_list(client: Client, cast: Cast) -> None:
    _network(cast)
    assert_role_access(client, cast, "/insights/network/", allowed={"scheme_manager"})


def test_another_hosts_network_is_not_found(client: Client, cast: Cast, viewer: Membership) -> None:
    host = OrganisationFactory.create(scheme=cast.south.scheme, name="Other Institute", kind=OrganisationKind.NETWORK)
    Network.objects.create(slug="elsewhere", name="Elsewhere", host=host).schemes.set([cast.south.scheme])
    login_as(client, viewer)
    assert client.get("/insights/network/elsewhere/").status_code == 404
    assert client.get("/insights/network/elsewhere/network-headline.csv").status_code == 404


def test_the_network_list_goes_straight_to_the_only_network(client: Client, cast: Cast, viewer: Membership) -> None:
    login_as(client, viewer)
    response = client.get("/insights/network/?date_from_0=1&date_from_1=1&date_from_2=2026")
    assert response.status_code == 302
    assert response["Location"].startswith(URL + "?date_from_0=1")


# Every other page: the named ones with real records of both schemes, then every route in the project.


def test_a_network_viewer_is_refused_every_scheme_page_and_record(
    client: Client, cast: Cast, viewer: Membership
) -> None:
    north = _activity(cast.north, 2)[0]
    south = _activity(cast.south, 2)[0]
    connection = north.connections.first()
    assert connection is not None
    login_as(client, viewer)
    urls = [
        "/people/",
        f"/people/{north.person_id}/",
        f"/people/{south.person_id}/",
        "/referrals/",
        "/referrals/triage/",
        f"/referrals/{north.pk}/",
        f"/referrals/{south.pk}/",
        "/casework/",
        f"/casework/referrals/{north.pk}/",
        "/connections/",
        f"/connections/{connection.pk}/",
        "/insights/",
        "/insights/export/funnel.csv",
        "/insights/export/dashboard.xlsx",
        "/insights/evaluation/",
        "/insights/evaluation/extract.csv",
        "/insights/report.pdf",
        "/outcomes/due/",
        "/accounts/scheme/settings/",
        "/accounts/scheme/organisations/",
        "/accounts/scheme/audit/",
    ]
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status not in REFUSED} == {}


# Public by design (as in accounts/tests/test_every_url_is_guarded.py), and the network role's own pages.
OPEN_TO_A_NETWORK_VIEWER = (
    "/accounts/",
    "/directory/",
    "/refer-yourself/",
    "/q/",
    "/api/",
    "/assets/",
    "/static/",
    "/insights/network/",
)


SAMPLES = {"uuid": str(uuid.UUID(int=1)), "slug": "demo", "str": "csv", "path": "x"}


def _fill(route: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: values.get(m.group(1) or "str", "x"), route)


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def test_every_route_refuses_a_network_viewer(client: Client, cast: Cast, viewer: Membership) -> None:
    records = [*_activity(cast.north, 2), *_activity(cast.south, 2)]
    ids = sorted(
        {str(r.pk) for r in records}
        | {str(r.person_id) for r in records}
        | {str(c.pk) for r in records for c in r.connections.all()}
        | {str(r.connections.first().service_id) for r in records if r.connections.exists()}  # type: ignore[union-attr]
    )
    login_as(client, viewer)
    answered: dict[str, int] = {}
    for route in _routes(get_resolver()):
        if route.startswith("^") or route == "":
            continue
        path = "/" + route
        if path.startswith(OPEN_TO_A_NETWORK_VIEWER):
            continue
        for value in ids if "<int:" in path else ["1"]:
            url = _fill(path, {**SAMPLES, "int": value})
            answered[url] = client.get(url).status_code
            if answered[url] == 405:  # a form's target: try what the form would send
                answered[url] = client.post(url, {}).status_code
    assert len(answered) > 40
    allowed = {url: status for url, status in answered.items() if status not in REFUSED}
    # Only the in-app directory (the scheme's public listings) remains; it holds no personal data.
    assert all(url.startswith("/services/") for url in allowed), allowed


# What the page shows ----------------------------------------------------------------------------------------


def test_schemes_are_side_by_side_with_a_small_scheme_hidden(client: Client, cast: Cast, viewer: Membership) -> None:
    _activity(cast.north, 12)
    _activity(cast.south, 3)
    login_as(client, viewer)
    page = client.get(URL).content.decode()
    assert "North Social Prescribing" in page and "South Social Prescribing" in page
    headline = figures.network_tables([cast.north.scheme, cast.south.scheme])[0]
    north, south = _column(headline, "North Social Prescribing"), _column(headline, "South Social Prescribing")
    assert north["Referrals received"] == 12
    assert north["People referred"] == 12
    assert north["Connections made"] == 12
    assert north["Completed (got help), % of referrals"] == 100.0
    assert north["Median days from referral to first contact"] == 3.0
    assert south["Referrals received"] == HIDDEN
    assert south["People referred"] == HIDDEN
    assert south["Connections made"] == HIDDEN
    assert south["Completed (got help), % of referrals"] == figures.HIDDEN_FIGURE
    assert south["Median days from referral to first contact"] == figures.HIDDEN_FIGURE
    assert 3 not in south.values()


def test_no_total_lets_a_hidden_count_be_worked_out(client: Client, cast: Cast, viewer: Membership) -> None:
    _activity(cast.north, 12)
    _activity(cast.south, 3)
    login_as(client, viewer)
    for slug in ("network-headline", "network-wellbeing"):
        body = client.get(f"{URL}{slug}.csv").content.decode()
        rows = [row for row in csv.reader(io.StringIO(body)) if row and not row[0].startswith("#")]
        assert rows[0] == [rows[0][0], "North Social Prescribing", "South Social Prescribing"]
        assert not any("total" in " ".join(row).lower() or row[0].startswith("All") for row in rows)
    body = client.get(f"{URL}network-headline.csv").content.decode()
    south = [row[2] for row in csv.reader(io.StringIO(body)) if len(row) == 3][1:]
    assert "3" not in south and HIDDEN in south
    # Nor does the page state the network's size in referrals anywhere (12 + 3 = 15 would give 3 away).
    page = client.get(URL).content.decode()
    assert ">15<" not in page and "15 referrals" not in page


def test_a_rate_is_hidden_when_what_is_left_is_small(cast: Cast) -> None:
    _activity(cast.north, 5)
    for index in range(3):
        journey(cast.north, day=index, path=(Status.REJECTED,), reason=ClosureReason.NOT_ELIGIBLE, connect=None)
    north = _column(figures.network_tables([cast.north.scheme])[0], "North Social Prescribing")
    assert north["Referrals received"] == 8
    # 5 of 8 completed: the 3 who did not would follow from 62.5%.
    assert north["Completed (got help), % of referrals"] == figures.HIDDEN_FIGURE


def test_wellbeing_change_is_hidden_for_fewer_than_five_pairs(cast: Cast) -> None:
    _activity(cast.north, 14, measured=8, lost=2)
    _activity(cast.south, 6, measured=3, lost=0)
    table = figures.network_tables([cast.north.scheme, cast.south.scheme])[1]
    north, south = _column(table, "North Social Prescribing"), _column(table, "South Social Prescribing")
    pairs = next(label for label in north if label.endswith("people with baseline and follow-up"))
    mean = next(label for label in north if "mean change" in label)
    interval = next(label for label in north if label.endswith("95% confidence interval"))
    lost = next(label for label in north if label.endswith("lost to follow-up"))
    assert north[pairs] == 8
    assert isinstance(north[mean], float)
    assert " to " in north[interval]
    assert north[lost] == HIDDEN  # 2 people
    assert south[pairs] == HIDDEN
    assert south[mean] == figures.HIDDEN_FIGURE
    assert south[interval] == figures.HIDDEN_FIGURE
    assert south[lost] == 0


def test_the_period_narrows_the_figures(client: Client, cast: Cast, viewer: Membership) -> None:
    _activity(cast.north, 10)  # received 5 to 14 January 2026
    login_as(client, viewer)
    params = {"date_from_0": "1", "date_from_1": "2", "date_from_2": "2026"}
    response = client.get(URL, params)
    assert response.status_code == 200
    north = _column(response.context["tables"][0], "North Social Prescribing")
    assert north["Referrals received"] == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {
                "date_from_0": "10",
                "date_from_1": "3",
                "date_from_2": "2026",
                "date_to_0": "1",
                "date_to_1": "3",
                "date_to_2": "2026",
            },
            "must be the same as or after",
        ),
        ({"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"}, "real date"),
    ],
)
def test_it_explains_a_bad_period(
    client: Client, cast: Cast, viewer: Membership, params: dict[str, str], message: str
) -> None:
    login_as(client, viewer)
    response = client.get(URL, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and message in page
    assert response.context["tables"] == []
    assert client.get(URL + "network-headline.csv", params).status_code == 400


def test_an_unknown_table_is_not_found(client: Client, cast: Cast, viewer: Membership) -> None:
    login_as(client, viewer)
    assert client.get(URL + "people.csv").status_code == 404


def test_the_page_has_a_chart_beside_its_table(client: Client, cast: Cast, viewer: Membership) -> None:
    _activity(cast.north, 6)
    login_as(client, viewer)
    page = client.get(URL).content.decode()
    assert page.count('<svg class="linkwell-chart"') == 2
    assert 'class="nhsuk-table"' in page
    assert "Download this table as CSV" in page
    # Aggregates only: no person's name or NHS number reaches the page.
    person = Referral.objects.filter(scheme=cast.north.scheme).first().person  # type: ignore[union-attr]
    assert person.family_name not in page
    assert not person.nhs_number or person.nhs_number not in page


# Suppression rules, one by one ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, HIDDEN), (4, HIDDEN), (5, 5), (120, 120)])
def test_counts_of_one_to_four_are_hidden(value: int, shown: Any) -> None:
    assert figures.count_cell(value) == shown


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, figures.NO_DATA),
        (3, 4, figures.HIDDEN_FIGURE),  # fewer than 5 behind the rate
        (2, 40, figures.HIDDEN_FIGURE),  # the part is small
        (38, 40, figures.HIDDEN_FIGURE),  # what is left is small
        (0, 40, 0.0),
        (40, 40, 100.0),
        (10, 40, 25.0),
    ],
)
def test_rates_hide_anything_that_reveals_a_small_number(part: int, whole: int, shown: Any) -> None:
    assert figures.rate_cell(part, whole) == shown


def test_a_median_of_fewer_than_five_is_hidden() -> None:
    assert figures.median_cell(4, 2.0) == figures.HIDDEN_FIGURE
    assert figures.median_cell(5, 2.0) == 2.0
    assert figures.median_cell(0, None) == figures.NO_DATA


def test_a_scheme_without_a_measure_says_so(cast: Cast) -> None:
    _activity(cast.north, 6, measured=6)
    table = figures.network_tables([cast.north.scheme, cast.south.scheme])[1]
    south = _column(table, "South Social Prescribing")
    assert set(south.values()) <= {figures.NOT_MEASURED, 0, figures.NO_DATA}
