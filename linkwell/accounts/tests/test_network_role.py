"""Networks of schemes and the network role: who may see which network, and nothing else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from linkwell.accounts.models import Membership, Network, OrganisationKind, Role
from linkwell.accounts.policies import (
    ROLE_CAPABILITIES,
    Capability,
    can,
    get_network_for,
    network_schemes,
    networks_for,
    organisations_for,
    require,
)
from linkwell.demo.builder import DEMO_PASSWORD, NETWORK_EMAIL, build_demo_network, demo_logins
from linkwell.testing.cast import ROLE_NAMES, Cast, login_as
from linkwell.testing.factories import MembershipFactory, OrganisationFactory, SchemeFactory, UserFactory


def _network(cast: Cast, *, slug: str = "test-beds", with_south: bool = True) -> tuple[Network, Membership]:
    host = OrganisationFactory.create(scheme=cast.north.scheme, name=f"Institute {slug}", kind=OrganisationKind.NETWORK)
    network = Network.objects.create(slug=slug, name=f"Network {slug}", host=host)
    network.schemes.set([cast.north.scheme, cast.south.scheme] if with_south else [cast.north.scheme])
    viewer = MembershipFactory.create(
        user=UserFactory.create(email=f"viewer-{slug}@network.test"), organisation=host, role=Role.NETWORK
    )
    return network, viewer


def test_only_network_viewers_and_scheme_managers_hold_the_network_capability() -> None:
    holders = {role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.NETWORK_VIEW in capabilities}
    assert holders == {Role.NETWORK, Role.SCHEME_MANAGER}


def test_the_network_role_holds_nothing_but_the_network_view() -> None:
    assert ROLE_CAPABILITIES[Role.NETWORK] == frozenset({Capability.NETWORK_VIEW})


def test_a_network_viewer_is_refused_every_other_capability(cast: Cast) -> None:
    _, viewer = _network(cast)
    for capability in Capability:
        if capability is not Capability.NETWORK_VIEW:
            assert not can(viewer, capability)
            with pytest.raises(PermissionDenied):
                require(viewer, capability)
    with pytest.raises(PermissionDenied):
        organisations_for(viewer)


def test_a_network_viewer_sees_the_networks_its_organisation_hosts(cast: Cast) -> None:
    network, viewer = _network(cast)
    other, _ = _network(cast, slug="elsewhere")
    assert list(networks_for(viewer)) == [network]
    assert get_network_for(viewer, "test-beds") == network
    with pytest.raises(Http404):
        get_network_for(viewer, other.slug)


def test_scheme_managers_see_the_networks_their_scheme_is_in(cast: Cast) -> None:
    network, _ = _network(cast, with_south=False)
    assert list(networks_for(cast.north.scheme_manager)) == [network]
    assert list(networks_for(cast.south.scheme_manager)) == []
    with pytest.raises(Http404):
        get_network_for(cast.south.scheme_manager, network.slug)


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "scheme_manager"])
def test_other_roles_see_no_network(cast: Cast, role: str) -> None:
    _network(cast)
    assert list(networks_for(cast.north.member(role))) == []


def test_an_inactive_network_is_hidden_and_an_inactive_scheme_left_out(cast: Cast) -> None:
    network, viewer = _network(cast)
    cast.south.scheme.is_active = False
    cast.south.scheme.save()
    assert list(network_schemes(network)) == [cast.north.scheme]
    Network.objects.filter(pk=network.pk).update(is_active=False)
    assert list(networks_for(viewer)) == []
    assert list(networks_for(cast.north.scheme_manager)) == []


def test_a_network_is_hosted_only_by_a_network_organisation(cast: Cast) -> None:
    network = Network(slug="bad", name="Bad", host=cast.north.practice)
    with pytest.raises(ValidationError) as raised:
        network.full_clean()
    assert "host" in raised.value.message_dict
    Network(slug="ok", name="Fine", host=None).full_clean()


def test_the_network_home_points_to_the_network_page(client: Client, cast: Cast) -> None:
    _network(cast)
    _, viewer = _network(cast, slug="second")
    login_as(client, viewer)
    page = client.get("/").content.decode()
    assert "Network home" in page
    assert 'href="/insights/network/second/"' in page
    assert 'href="/insights/network/test-beds/"' not in page
    # The menu offers the network and nothing that reaches people or a scheme's pages.
    for forbidden in (
        'href="/people/',
        'href="/referrals/',
        'href="/casework/',
        'href="/insights/"',
        'href="/services/',
    ):
        assert forbidden not in page
    assert 'href="/insights/network/"' in page


def test_a_scheme_managers_home_links_to_its_networks(client: Client, cast: Cast) -> None:
    _network(cast, with_south=False)
    login_as(client, cast.north.scheme_manager)
    assert 'href="/insights/network/test-beds/"' in client.get("/").content.decode()
    login_as(client, cast.south.scheme_manager)
    assert "/insights/network/test-beds/" not in client.get("/").content.decode()


def test_the_demo_network_viewer_signs_in_to_the_network_home(client: Client, db: None) -> None:
    schemes = [SchemeFactory.create(slug="demo-a"), SchemeFactory.create(slug="demo-b")]
    network = build_demo_network(schemes)
    assert set(network.schemes.all()) == set(schemes)
    assert NETWORK_EMAIL in {login.email for login in demo_logins()}
    response = client.post("/accounts/sign-in/", {"username": NETWORK_EMAIL, "password": DEMO_PASSWORD}, follow=True)
    page = response.content.decode()
    assert "Network home" in page
    assert f'href="/insights/network/{network.slug}/"' in page
